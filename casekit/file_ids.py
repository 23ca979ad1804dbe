"""Ids that become file names: one rule, checked with a full match.

A case id becomes ``cases/<id>.md``, a region id ``toolbox/<region>.xlsx``, a bundle name a
folder under ``reports/``. Such an id must name exactly one file in exactly one folder, so it is
checked against :data:`FILE_ID_PATTERN` with :func:`re.fullmatch` (``re.match`` with ``$`` would
let ``"C9\\n"`` through):

* it starts with an ASCII letter or digit (so not ``.``, ``..``, a hidden name or ``-option``);
* then ASCII letters, digits, ``_``, ``-`` and ``.`` only: no ``/`` or ``\\``, no space, tab or
  line break;
* at most 64 characters.
"""

from __future__ import annotations

import re

from casekit.exceptions import FileIdError

__all__ = ["FILE_ID_PATTERN", "FILE_ID_RULE", "check_file_id", "is_file_id"]

#: The form of every id casekit turns into a file or folder name.
FILE_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"

#: :data:`FILE_ID_PATTERN` in words, for error messages.
FILE_ID_RULE = ("ASCII letters, digits, '_', '-' and '.', starting with a letter or digit, "
                "at most 64 characters (e.g. C001)")

_FILE_ID = re.compile(FILE_ID_PATTERN)


def is_file_id(value: object) -> bool:
    """Whether ``value`` is a string of the form :data:`FILE_ID_PATTERN` (the whole string)."""
    return isinstance(value, str) and _FILE_ID.fullmatch(value) is not None


def check_file_id(value: object, what: str = "id") -> str:
    """Return ``value`` if it can be a file name, else raise :class:`~casekit.exceptions.FileIdError`.

    Parameters
    ----------
    value : object
        The id, e.g. a case id given with ``--id``.
    what : str, default "id"
        What the id is, for the message (``"case id"``).

    Returns
    -------
    str

    Raises
    ------
    FileIdError
        ``case id '../x' cannot be a file name: expected ASCII letters, digits, …``.
    """
    if not is_file_id(value):
        raise FileIdError(what, str(value), FILE_ID_RULE)
    return str(value)
