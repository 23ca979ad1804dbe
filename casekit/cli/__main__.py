"""``python -m casekit.cli``: the ``casekit`` command."""

import sys

from casekit.cli import main

sys.exit(main())
