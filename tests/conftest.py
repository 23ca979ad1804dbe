"""Shared fixtures: the hand-made bundles under ``tests/fixtures/bundles/``."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

BUNDLES = Path(__file__).parent / "fixtures" / "bundles"
MINI = BUNDLES / "mini"
BROKEN = BUNDLES / "broken"


@pytest.fixture
def mini_copy(tmp_path: Path) -> Callable[..., Path]:
    """Return a function copying the valid ``mini`` bundle, with some files replaced.

    ``mini_copy({"ride_alongs.csv": "...", "notes/N003.md": None})`` writes the given texts
    (``None`` deletes the file) and returns the copy's path.
    """

    count = iter(range(1000))

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        root = tmp_path / f"bundle{next(count)}"
        shutil.copytree(MINI, root)
        for rel, content in (files or {}).items():
            target = root / rel
            if content is None:
                if target.is_dir():
                    shutil.rmtree(target)
                else:
                    target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(content, bytes):
                    target.write_bytes(content)
                else:
                    target.write_text(content, encoding="utf-8")
        return root

    return make


# Notebooks under fixtures/ are test inputs, not committed project notebooks for nbval.
collect_ignore_glob = ["fixtures/*"]
