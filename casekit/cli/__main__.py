"""``python -m casekit.cli``: the ``casekit`` command."""

import sys

from casekit.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())
