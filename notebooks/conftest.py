"""nbval re-runs the notebooks as a consultant runs them: in Chinese.

``tests/conftest.py`` makes the suite speak English (``CASEKIT_LANG=en``) because its tests pin
casekit's English wording. The notebooks' stored outputs are what ``make notebooks`` wrote, in the
default language (Chinese: the messages a consultant reads in a notebook, e.g. the problems of a
bundle, are Chinese). So every notebook cell runs with ``CASEKIT_LANG=zh``: set before the cell's
setup, which starts the notebook's kernel (the kernel inherits it), and put back afterwards so the
next test file speaks English again.
"""

from __future__ import annotations

import os

import pytest

_saved: dict[str, str | None] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _saved[item.nodeid] = os.environ.get("CASEKIT_LANG")
    os.environ["CASEKIT_LANG"] = "zh"


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    before = _saved.pop(item.nodeid, None)
    if before is None:
        os.environ.pop("CASEKIT_LANG", None)
    else:
        os.environ["CASEKIT_LANG"] = before
