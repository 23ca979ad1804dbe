"""Redaction of a bundle's notes: the bundle-aware face of :mod:`casekit.privacy.redaction`.

The redaction itself (number patterns, person and company detectors, the stateful redactor,
``.docx`` package I/O) lives in :mod:`casekit.privacy.redaction`, below intake in the layers,
and is given what it knows as data. This module reads that data from a bundle: the roster and
the pseudonym table (``_private/``, see :mod:`casekit.intake.roster`), the manifest's region
names and the catalogue's local product names, and writes new pseudonyms back
(:meth:`Redactor.save`). It also reads notes with the bundle's own bounded reader
(:func:`read_document`) and re-exports the public names of the redaction, so
``from casekit.intake.redaction import Redactor, redact_text`` keeps working.

Within a bundle the same person or company always gets the same pseudonym; the mapping is kept
only in the bundle's private area (``_private/pseudonyms.csv``, see ``docs/redaction.md``).

Examples
--------
>>> from casekit.intake.redaction import redact_text
>>> redact_text("王经理说，有事打 139-1234-5678。")
'〔甲〕经理说，有事打 〔手机号〕。'
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit.exceptions import CasekitError
from casekit.intake.roster import read_pseudonyms, read_roster, write_pseudonyms
from casekit.privacy.redaction import redactor as _redactor
from casekit.privacy.redaction.companies import CompanyName
from casekit.privacy.redaction.documents import docx_text, encode_like, redact_docx_bytes
from casekit.privacy.redaction.entries import RosterEntry
from casekit.privacy.redaction.patterns import id_check_digit_ok
from casekit.privacy.redaction.redactor import KIND_LABELS, KINDS, Finding, Redaction, redact_text, unsafe_name

if TYPE_CHECKING:  # pragma: no cover
    from casekit.intake.bundle import Bundle

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "CompanyName",
    "Finding",
    "Redaction",
    "Redactor",
    "id_check_digit_ok",
    "read_document",
    "redact_bundle_notes",
    "encode_like",
    "redact_text",
    "unsafe_name",
    "write_redacted",
]


class Redactor(_redactor.Redactor):
    """A :class:`casekit.privacy.redaction.Redactor` that can belong to a bundle.

    Parameters
    ----------
    roster, pseudonyms
        As for :class:`casekit.privacy.redaction.Redactor`.
    root : path-like, optional
        The bundle folder :meth:`save` writes ``_private/pseudonyms.csv`` into; ``None``: the
        pseudonyms live only as long as this object (numbered per run).
    **kwargs
        ``protected``, ``places``, ``min_confidence``: as for
        :class:`casekit.privacy.redaction.Redactor`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as bundle:
    ...     r = Redactor.from_bundle(bundle)
    ...     text = r.redact("王经理说，王经理下周再谈。").text
    ...     text, r.unsaved, r.save().name, r.unsaved
    ('〔甲〕经理说，〔甲〕经理下周再谈。', 1, 'pseudonyms.csv', 0)
    """

    def __init__(
        self,
        roster: Iterable[RosterEntry] = (),
        pseudonyms: Iterable[tuple[str, str, str]] = (),
        *,
        root: str | Path | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(roster, pseudonyms, **kwargs)
        self.root = Path(root) if root is not None else None

    @classmethod
    def from_bundle(cls, bundle_or_path: Bundle | str | Path, **kwargs: Any) -> Redactor:
        """A redactor with a bundle's roster, pseudonyms and local product names.

        Parameters
        ----------
        bundle_or_path : Bundle or path-like
            A loaded :class:`~casekit.intake.Bundle` or the bundle folder (it need not be
            valid: only ``_private/`` and ``catalogue/`` are read).
        **kwargs
            Passed to :class:`Redactor` (``min_confidence``, ``protected``).

        Raises
        ------
        BundleValidationError
            If ``_private/roster.csv`` or ``_private/pseudonyms.csv`` is malformed.
        """
        root = Path(getattr(bundle_or_path, "path", bundle_or_path))
        catalogue = getattr(bundle_or_path, "catalogue", None)
        products: list[str] = []
        if catalogue is not None and "local_name" in getattr(catalogue, "columns", ()):
            products = [str(n) for n in catalogue["local_name"].dropna()]
        else:
            products = _catalogue_names(root)
        protected = [*products, *kwargs.pop("protected", ())]
        manifest = getattr(bundle_or_path, "manifest", None)
        if manifest is not None:
            places = [str(n) for n in manifest.regions["name"]]
        else:
            places = _manifest_names(root)
        places = [*places, *kwargs.pop("places", ())]
        return cls(read_roster(root), read_pseudonyms(root), root=root, protected=protected, places=places,
                   **kwargs)

    def save(self) -> Path | None:
        """Write ``<root>/_private/pseudonyms.csv`` if new pseudonyms were handed out.

        Returns
        -------
        Path or None
            The file written, or ``None`` (no bundle, or nothing new).
        """
        if self.root is None or not self.unsaved:
            return None
        path = write_pseudonyms(self.root, self.pseudonyms)
        self.mark_saved()
        return path


# ------------------------------------------------------------------------------ the bundle's names


def _manifest_names(root: Path) -> list[str]:
    """Region names of ``manifest.yaml`` (read leniently: a broken manifest gives none)."""
    import yaml

    from casekit.bounded import StrictYamlLoader
    from casekit.intake._files import read_text

    # the same bounded reader and strict YAML as the bundle's own reading (validate reports)
    text, _ = read_text(root / "manifest.yaml", "manifest.yaml")
    if text is None:
        return []
    try:
        data = yaml.load(text, Loader=StrictYamlLoader)
    except yaml.YAMLError:
        return []
    names: list[str] = []

    def walk(regions: Any) -> None:
        for region in regions if isinstance(regions, list) else []:
            if isinstance(region, dict):
                names.append(str(region.get("name", "")))
                walk(region.get("cities"))

    walk(data.get("regions") if isinstance(data, dict) else None)
    return [n for n in names if n]


def _catalogue_names(root: Path) -> list[str]:
    """Local product names of ``catalogue/*.csv`` (read leniently: a broken file gives none)."""
    from casekit.bounded import csv_records
    from casekit.intake._files import read_text

    names: list[str] = []
    for path in sorted((root / "catalogue").glob("*.csv")) if (root / "catalogue").is_dir() else []:
        rel = f"catalogue/{path.name}"
        # bounded like every bundle file: no links out, no runaway cells (validate reports)
        text, _ = read_text(path, rel)
        if text is None:
            continue
        try:
            records, _ = csv_records(text, rel)
        except CasekitError:
            continue
        if records and "local_name" in records[0]:
            at = records[0].index("local_name")
            names += [record[at] for record in records[1:] if len(record) > at]
    return [n for n in names if n]


# ------------------------------------------------------------------------------ notes


def read_document(path: str | Path) -> str:
    """The text of a note: ``.docx`` paragraphs and table cells, else UTF-8 (or GB18030) text.

    Raises
    ------
    OSError
        If the file cannot be read.
    UnicodeDecodeError
        If a text file is neither UTF-8 nor GB18030.
    ValueError
        If a ``.docx`` file is not a Word document (damaged, or another format renamed).
    """
    from casekit.intake._files import read_text

    path = Path(path)
    if path.suffix.lower() == ".docx":
        return docx_text(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    # the notes reader's encodings: UTF-8 (BOM or not), UTF-16 with a BOM, GB18030/GBK
    text, problems = read_text(path, path.name, legacy=True)
    if text is None:
        raise UnicodeDecodeError("utf-8", b"", 0, 1, "; ".join(str(p) for p in problems))
    return text


def write_redacted(path: str | Path, out_dir: str | Path, redactor: _redactor.Redactor) -> tuple[Path, Redaction]:
    """Redact one note into ``out_dir`` under the same name (a ``.docx`` stays a ``.docx``).

    A ``.docx`` is redacted in every part that holds text (body, tables, text boxes, headers,
    footers, footnotes, endnotes, comments, tracked changes, hyperlink targets, document
    properties; see :mod:`casekit.privacy.redaction.documents`). A text note is written back in the
    encoding and line ends it was read in (UTF-8 with or without a BOM, UTF-16 with its BOM,
    GB18030/GBK), so the consultant's editor opens it as before.

    Returns
    -------
    (Path, Redaction)
        The file written and the redaction of the note's whole text.
    """
    from casekit.files import write_atomic

    path = Path(path)
    target = Path(out_dir) / path.name
    if path.suffix.lower() == ".docx":
        data, result = redact_docx_bytes(path, redactor)
        write_atomic(target, data)
        return target, result
    result = redactor.redact(read_document(path))
    write_atomic(target, encode_like(result.text, path.read_bytes()))
    return target, result


def redact_bundle_notes(bundle_or_path: Bundle | str | Path, *, save: bool = True) -> dict[str, Redaction]:
    """Redact every note of a bundle (``notes/*.md``, whole files), in file-name order.

    Parameters
    ----------
    bundle_or_path : Bundle or path-like
    save : bool, default True
        Write new pseudonyms to ``_private/pseudonyms.csv``.

    Returns
    -------
    dict of str to Redaction
        ``notes/<name>`` → its redaction.
    """
    redactor = Redactor.from_bundle(bundle_or_path)
    root = Path(getattr(bundle_or_path, "path", bundle_or_path))
    results = {
        f"notes/{p.name}": redactor.redact(read_document(p))
        for p in sorted((root / "notes").glob("*.md"))
        if not p.name.startswith((".", "_"))
    }
    if save:
        redactor.save()
    return results
