"""What the redactor is told it must find: one known person or company (a roster row).

A module of its own, without the detectors, so that reading a bundle's roster
(:mod:`casekit.intake.roster`) does not load the redaction's patterns and vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RosterEntry"]


@dataclass(frozen=True)
class RosterEntry:
    """One known person or company.

    Parameters
    ----------
    kind : str
        ``person`` or ``company``.
    name : str
        The canonical name (the key of its pseudonym).
    aliases : tuple of str
        Other ways the notes write it (``王经理``, ``老王``, ``华夏``).
    """

    kind: str
    name: str
    aliases: tuple[str, ...] = ()
