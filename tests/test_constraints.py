"""The locked set-up: constraints.txt pins every dependency, and the suite runs with those pins."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def pins() -> dict[str, str]:
    out = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            assert pinned, f"constraints.txt: {line!r} is not an exact pin (name==version)"
            out[canonicalize_name(name)] = pinned
    return out


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["test"]]]


def test_every_dependency_is_pinned_to_a_version_pyproject_allows():
    pinned = pins()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} (pyproject.toml) has no pin in constraints.txt: run make lock"
        assert requirement.specifier.contains(Version(pinned[name]), prereleases=True), (
            f"constraints.txt pins {requirement.name}=={pinned[name]}, outside pyproject.toml's {requirement}"
        )


def test_this_environment_has_the_pinned_versions():
    """`make setup` installs with the constraints: what the suite runs with is what is locked."""
    pinned = pins()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:  # pragma: no cover - then nothing here would import
            raise AssertionError(f"{requirement.name} is not installed") from None
        assert Version(installed) == Version(pinned[name]), (
            f"{requirement.name} {installed} is installed, constraints.txt says {pinned[name]}: "
            "set up with `make setup` (pip install -c constraints.txt -e '.[test]')"
        )
