"""The house rules for imports: layers import downward only, and no private name crosses a module.

* The layer contracts live in ``.importlinter`` at the root of the checkout and are checked with
  import-linter (``lint-imports`` does the same from a shell); ``docs/architecture.md`` explains
  them.
* A name with a leading underscore is private to its module; a module with a leading underscore
  (``intake/_files.py``) is private to its package (its siblings and their subpackages may import
  it, nobody else). :func:`private_imports` finds every import or attribute use that breaks this,
  in ``casekit/`` and in the notebooks. Run this file as a script to list them::

      python tests/test_layers.py
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "casekit"
CONTRACTS = ROOT / ".importlinter"

#: Private imports that another change removes; each entry says which. An entry that no longer
#: matches anything fails the test below, so that it is deleted once that change is merged.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


class PrivateImport(NamedTuple):
    """One use of a private name or module outside where it is private."""

    importer: str  #: the module (or notebook) that uses it
    line: int
    target: str  #: dotted name used, e.g. ``casekit.analysis.scores._shown_cities``
    owner: str  #: the only module (private name) or package (private module) that may use it

    def __str__(self) -> str:
        return f"{self.importer}:{self.line} uses {self.target} (private to {self.owner})"


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _is_module(dotted: str) -> bool:
    """Whether ``casekit.a.b`` names a module or package of the checkout (not a name in one)."""
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _violations(importer: str, target: str) -> Iterator[tuple[str, str]]:
    """``(target prefix, owner)`` for each private segment of ``target`` that ``importer`` may not use."""
    parts = target.split(".")
    for i, part in enumerate(parts):
        if not _is_private(part):
            continue
        owner = ".".join(parts[:i])
        if _is_module(".".join(parts[: i + 1])):  # a private module: private to its package
            allowed = importer == owner or importer.startswith(owner + ".")
        else:  # a private name: private to its module
            allowed = importer == owner
        if not allowed:
            yield ".".join(parts[: i + 1]), owner
            return


def _scan(tree: ast.AST, importer: str, package: str) -> Iterator[PrivateImport]:
    """Every private casekit name or module that ``importer`` uses outside where it is private.

    ``package`` is the package relative imports start from. Imports anywhere count (inside
    functions, under ``TYPE_CHECKING``); so do attributes of imported casekit modules
    (``scores._shown_cities`` after ``from casekit.analysis import scores``).
    """
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(up + ([base] if base else []))
            if base.split(".")[0] != "casekit":
                continue
            for alias in node.names:
                target = f"{base}.{alias.name}"
                aliases[alias.asname or alias.name] = target
                for prefix, owner in _violations(importer, target):
                    yield PrivateImport(importer, node.lineno, prefix, owner)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] != "casekit":
                    continue
                aliases[alias.asname or "casekit"] = alias.name if alias.asname else "casekit"
                for prefix, owner in _violations(importer, alias.name):
                    yield PrivateImport(importer, node.lineno, prefix, owner)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _is_private(node.attr)):
            continue
        chain, value = [node.attr], node.value
        while isinstance(value, ast.Attribute):
            chain.append(value.attr)
            value = value.value
        if isinstance(value, ast.Name) and value.id in aliases:
            target = ".".join([aliases[value.id], *reversed(chain)])
            for prefix, owner in _violations(importer, target):
                yield PrivateImport(importer, node.lineno, prefix, owner)


def _module_name(path: Path) -> tuple[str, str]:
    """``(module, package)`` of a file under ``casekit/``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
        return ".".join(parts), ".".join(parts)
    return ".".join(parts), ".".join(parts[:-1])


def _notebook_source(path: Path) -> str:
    """The code cells of a notebook as one module (IPython magics and shell lines blanked)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            lines += ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    return "\n".join(lines)


def private_imports(root: Path = ROOT) -> list[PrivateImport]:
    """Every private name or module of casekit used where it is not private, sorted.

    Scans ``casekit/**/*.py`` and ``notebooks/*.ipynb`` under ``root``.
    """
    found: set[PrivateImport] = set()
    for path in sorted((root / "casekit").rglob("*.py")):
        module, package = _module_name(path)
        found.update(_scan(ast.parse(path.read_text(encoding="utf-8"), str(path)), module, package))
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        name = f"notebooks/{path.name}"
        found.update(_scan(ast.parse(_notebook_source(path), name), name, ""))
    return sorted(found)


# ------------------------------------------------------------------------------------ tests


def _lint_imports(pythonpath: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on ``.importlinter`` with the casekit found on ``pythonpath``."""
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))")
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run([sys.executable, "-c", code, str(CONTRACTS)], cwd=pythonpath, env=env,
                          capture_output=True, text=True, timeout=300)


def test_layer_contracts_are_kept() -> None:
    """``.importlinter``: cli > reports > authoring > curriculum > analysis > intake > … (see docs)."""
    run = _lint_imports(ROOT)
    assert run.returncode == 0, "an import breaks a layer contract (.importlinter):\n" + run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_the_layer_contract_catches_the_upward_imports_casekit_once_had(tmp_path: Path) -> None:
    """Not vacuous: redaction importing the tokenizer, segments importing curriculum break it."""
    copy = tmp_path / "casekit"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for module, line in [("intake/redaction.py", "from casekit.analysis.tokenize import Tokenizer"),
                         ("analysis/segments.py", "from casekit.curriculum import load_outlines")]:
        path = copy / module
        path.write_text(path.read_text(encoding="utf-8") + f"\n\ndef _upward():\n    {line}\n",
                        encoding="utf-8")
    run = _lint_imports(tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "casekit.intake is not allowed to import casekit.analysis" in run.stdout
    assert "casekit.intake.redaction -> casekit.analysis.tokenize" in run.stdout
    assert "casekit.analysis is not allowed to import casekit.curriculum" in run.stdout
    assert "casekit.analysis.segments -> casekit.curriculum" in run.stdout


def test_no_private_name_crosses_a_module() -> None:
    found = [p for p in private_imports() if (p.importer, p.target) not in KNOWN_EXCEPTIONS]
    assert not found, (
        "a private name or module is used outside its module (package); make a small public "
        "module instead:\n" + "\n".join(map(str, found))
    )


def test_known_exceptions_still_exist() -> None:
    """Once the change that removes an exception is merged, its entry above must go too."""
    used = {(p.importer, p.target) for p in private_imports()}
    stale = [f"{imp} -> {target} ({why})" for (imp, target), why in KNOWN_EXCEPTIONS.items()
             if (imp, target) not in used]
    assert not stale, "delete these from KNOWN_EXCEPTIONS in tests/test_layers.py:\n" + "\n".join(stale)


@pytest.mark.parametrize(("source", "importer", "expected"), [
    ("from casekit.analysis.scores import _shown_cities", "casekit.analysis.gaps",
     ["casekit.analysis.gaps:1 uses casekit.analysis.scores._shown_cities (private to casekit.analysis.scores)"]),
    ("from casekit.analysis import psychometrics\npsychometrics._preview([1])", "casekit.analysis.group_tests",
     ["casekit.analysis.group_tests:2 uses casekit.analysis.psychometrics._preview "
      "(private to casekit.analysis.psychometrics)"]),
    ("import casekit.reports.fonts\ncasekit.reports.fonts._has_glyphs('x')", "casekit.cli",
     ["casekit.cli:2 uses casekit.reports.fonts._has_glyphs (private to casekit.reports.fonts)"]),
    ("from casekit.intake._files import read_text", "casekit.authoring.cases",
     ["casekit.authoring.cases:1 uses casekit.intake._files (private to casekit.intake)"]),
    ("from casekit.surveys._problems import condense", "casekit.intake.questionnaire",
     ["casekit.intake.questionnaire:1 uses casekit.surveys._problems (private to casekit.surveys)"]),
    ("from casekit.surveys._io import _sniff_delimiter", "casekit.surveys.tencent",
     ["casekit.surveys.tencent:1 uses casekit.surveys._io._sniff_delimiter "
      "(private to casekit.surveys._io)"]),
    # allowed: a private module inside its own package, a private name in its own module, dunders
    ("from casekit.intake._files import read_text", "casekit.intake.notes", []),
    ("from casekit.surveys._io import read_grid", "casekit.surveys.wjx", []),
    ("from casekit.surveys import _io\n_io.read_grid", "casekit.surveys.read", []),
    ("from casekit import __version__", "casekit.cli", []),
])
def test_private_imports_are_found(source: str, importer: str, expected: list[str]) -> None:
    package = importer.rsplit(".", 1)[0]
    assert [str(p) for p in _scan(ast.parse(source), importer, package)] == expected


if __name__ == "__main__":
    for found in private_imports():
        note = KNOWN_EXCEPTIONS.get((found.importer, found.target))
        print(found, f"[known: {note}]" if note else "")
