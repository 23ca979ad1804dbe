"""The public API is what ``__all__`` says: every name it lists exists, and ``import *`` works.

One check per module of ``casekit`` (every package and every module that declares ``__all__``),
so a name listed but never imported (``from casekit.authoring import draft_case`` once failed)
or a public module without ``__all__`` is found by the suite, not by a consultant.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import casekit

#: Modules run as scripts, not imported as a library.
NOT_A_LIBRARY = {"casekit.__main__"}


def _modules() -> list[str]:
    names = ["casekit"]
    for info in pkgutil.walk_packages(casekit.__path__, prefix="casekit."):
        if info.name not in NOT_A_LIBRARY:
            names.append(info.name)
    return sorted(names)


def _packages() -> list[str]:
    return [name for name in _modules() if hasattr(importlib.import_module(name), "__path__")]


MODULES = _modules()


def test_every_package_is_checked() -> None:
    assert {"casekit", "casekit.analysis", "casekit.authoring", "casekit.curriculum",
            "casekit.intake", "casekit.surveys", "casekit.reports", "casekit.sample",
            "casekit.text"} <= set(_packages())


@pytest.mark.parametrize("name", [m for m in MODULES if not m.rsplit(".", 1)[-1].startswith("_")])
def test_every_name_in_all_exists(name: str) -> None:
    module = importlib.import_module(name)
    listed = getattr(module, "__all__", None)
    assert listed is not None, f"{name} has no __all__ (list its public names)"
    assert len(listed) == len(set(listed)), f"{name}.__all__ lists a name twice"
    missing = [n for n in listed if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ lists {missing}, which {name} does not define or import"


@pytest.mark.parametrize("name", [m for m in MODULES if m in set(_packages())])
def test_star_import_of_every_package(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from {name} import *", namespace)  # noqa: S102 - the statement under test
    module = importlib.import_module(name)
    assert set(module.__all__) <= set(namespace)


def test_the_authoring_api_is_importable() -> None:
    """The issue's reproducer: twelve names listed in authoring's __all__ were never imported."""
    from casekit.authoring import (  # noqa: F401
        Case,
        RolePlay,
        case_book_markdown,
        case_library,
        draft_case,
        draft_roleplay,
        filter_library,
        read_cases,
        select_for_course,
        validate_case,
        write_case,
        write_case_book_docx,
    )

    assert callable(draft_case) and draft_case.__module__ == "casekit.authoring.case_draft"
