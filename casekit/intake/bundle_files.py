"""Reading a bundle's own files, for the layers above intake (the case library reads ``cases/``).

The public face of intake's file readers (implemented in the package-private ``_files`` module,
which only ``casekit.intake`` modules import): text with its encoding checked, YAML that remembers
the line of every key, Markdown front matter, and the same ``Problem`` wording as
``casekit validate``. Every reader returns what it could read plus a list of
:class:`~casekit.exceptions.Problem`; none raises on bad input.
"""

from casekit.intake._files import (
    MISSING,
    is_ignored,
    load_yaml,
    read_text,
    short_list,
    split_front_matter,
)

__all__ = [
    "MISSING",
    "is_ignored",
    "load_yaml",
    "read_text",
    "short_list",
    "split_front_matter",
]
