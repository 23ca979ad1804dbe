"""The text side of the research in one call: segments, codes, themes, keywords and quotes.

:func:`analyse_notes` is what the CLI, the text notebook and the region report use, so that they
all see the same thing and redaction cannot be forgotten:

* the notes are cut into segments (:func:`casekit.intake.note_segments.note_segments`) and
  coded on their **original** text (keyword rules and the consultants' manual decisions, which
  refer to the original passages: :func:`casekit.analysis.coding.codes_for`);
* everything shown — quotes, distinctive keywords, the segment texts — comes from the
  **redacted** segments (:class:`casekit.intake.redaction.Redactor` built from the bundle:
  roster, patterns, the bundle's stored pseudonyms). Same segment ids and offsets, so codes and
  quotes line up.

:class:`NotesAnalysis` never holds original text: ``segments`` is redacted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from casekit.analysis.coding import code_frequencies, codes_for
from casekit.analysis.keywords import distinctive_keywords, themes
from casekit.analysis.ordering import in_region_order
from casekit.analysis.quotes import MentionMatcher, find_quotes
from casekit.privacy.disclosure import MIN_INTERVIEWEES

__all__ = ["NotesAnalysis", "analyse_notes"]

#: A staff code in a note's ``interviewee`` (``客户经理AM034`` → ``AM034``).
_STAFF_CODE = r"([A-Z]{2}\d{2,})"
#: Pieces of the redactor's placeholders (〔甲〕, 〔企业A〕, 〔手机号〕 …).
_PLACEHOLDER = re.compile(r"[〔〕]|企业[A-Z]")


@dataclass(frozen=True)
class NotesAnalysis:
    """Coded, redacted interview notes of a bundle.

    Attributes
    ----------
    segments : DataFrame
        Redacted note segments (columns of :data:`casekit.intake.note_segments.SEGMENT_COLUMNS`).
    coded : DataFrame
        One row per segment × code (:func:`casekit.analysis.coding.codes_for`); ``keyword`` is
        blanked where the matched word itself was redacted.
    bundle : Bundle
        The bundle (catalogue, manifest and code frame for quotes).
    """

    segments: pd.DataFrame
    coded: pd.DataFrame
    bundle: Any = field(repr=False)
    #: Content words of each redacted text met by :meth:`keywords`: the segments are fixed, and
    #: every region's report asks for the same table, so each text is cut once.
    _words: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: The tables of :meth:`keywords` and :meth:`themes` by their arguments: every top-level
    #: region's report section asks for the same whole table (each caller gets a copy).
    _tables: dict[tuple[Any, ...], pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: The bundle's term matcher of :meth:`quotes`, made at the first call (a region's report
    #: asks for the quotes of each of its themes).
    _matcher: list[MentionMatcher] = field(default_factory=list, init=False, repr=False, compare=False)

    def frequencies(self, by: str | tuple[str, ...] = "top_region_id",
                    min_n: int = MIN_INTERVIEWEES) -> pd.DataFrame:
        """Code frequencies per group (:func:`casekit.analysis.coding.code_frequencies`), regions
        in the manifest's order."""
        table = code_frequencies(self.coded, self.segments, by=by, min_n=min_n, frame=self.bundle.code_frame)
        return in_region_order(table, self.bundle.manifest, by)

    def segment_frequencies(self, segment_labels: pd.Series, min_n: int = MIN_INTERVIEWEES) -> pd.DataFrame:
        """Code frequencies per account-manager segment (behaviour type).

        Parameters
        ----------
        segment_labels : Series
            Respondent id → segment label
            (:meth:`casekit.analysis.segments.SegmentReport.segment_labels`).
        min_n : int
            Fewest interviewees behind a count shown.

        Returns
        -------
        DataFrame
            :meth:`frequencies` with ``by="segment"``; notes whose interviewee names no staff
            code of a segmented account manager (``客户经理AM034``) are left out.
        """
        codes = self.segments["interviewee"].astype(str).str.extract(_STAFF_CODE, expand=False)
        segmented = self.segments.assign(segment=codes.map(segment_labels))
        segmented = segmented.dropna(subset=["segment"])
        coded = self.coded[self.coded["segment_id"].isin(segmented["segment_id"])]
        return code_frequencies(coded, segmented, by="segment", min_n=min_n, frame=self.bundle.code_frame)

    def keywords(self, by: str = "top_region_id", **kwargs: Any) -> pd.DataFrame:
        """Distinctive words per group against the others (redacted text only).

        Single characters (人, 问, 约 …) and the placeholders of redacted names are left out:
        neither says anything about a region.
        """
        from casekit.analysis.tokenize import Tokenizer, user_dictionary

        memo = _table_key("keywords", by, kwargs)
        if memo is not None and memo in self._tables:
            return self._tables[memo].copy()
        tokenizer: list[Tokenizer] = []  # made at the first text not cut before

        def words(text: str) -> list[str]:
            if text not in self._words:
                if not tokenizer:
                    tokenizer.append(Tokenizer(user_dictionary(self.bundle)))
                self._words[text] = [w for w in tokenizer[0].words(text)
                                     if len(w) >= 2 and not _PLACEHOLDER.search(w)]
            return list(self._words[text])

        table = distinctive_keywords(self.segments, words, by=by, **kwargs)
        table = in_region_order(table, self.bundle.manifest, by)
        if memo is not None:
            self._tables[memo] = table.copy()
        return table

    def themes(self, by: str = "top_region_id", **kwargs: Any) -> pd.DataFrame:
        """Codes over-represented in a group against the others, regions in the manifest's order."""
        memo = _table_key("themes", by, kwargs)
        if memo is not None and memo in self._tables:
            return self._tables[memo].copy()
        table = themes(self.coded, self.segments, by=by, frame=self.bundle.code_frame, **kwargs)
        table = in_region_order(table, self.bundle.manifest, by)
        if memo is not None:
            self._tables[memo] = table.copy()
        return table

    def quotes(self, **filters: Any) -> pd.DataFrame:
        """Redacted quotes with provenance (:func:`casekit.analysis.quotes.find_quotes` filters)."""
        if not self._matcher:  # the bundle's terms, gathered once for every call
            self._matcher.append(MentionMatcher(self.bundle.catalogue))
        return find_quotes(self.segments, self.coded, catalogue=self.bundle.catalogue,
                           frame=self.bundle.code_frame, manifest=self.bundle.manifest,
                           matcher=self._matcher[0], **filters)


def _table_key(kind: str, by: str, kwargs: dict[str, Any]) -> tuple[Any, ...] | None:
    """The memo key of a table of :class:`NotesAnalysis`, or None when an argument is not
    hashable (computed every time)."""
    key = (kind, by, tuple(sorted(kwargs.items())))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def analyse_notes(bundle: Any, *, redactor: Any | None = None) -> NotesAnalysis:
    """Segment, code and redact a bundle's interview notes.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle.
    redactor : Redactor, optional
        Default: ``Redactor.from_bundle(bundle)``.

    Returns
    -------
    NotesAnalysis
    """
    from casekit.intake.note_segments import note_segments
    from casekit.intake.redaction import Redactor

    if redactor is None:
        redactor = Redactor.from_bundle(bundle)
    original = note_segments(bundle)
    coded = codes_for(original, bundle.code_frame, bundle.manual_codes)
    shown = note_segments(bundle, redactor=lambda text: redactor.redact(text).text)
    # a keyword that fired on a name (e.g. a company in a rule) must not travel with the code
    if "keyword" in coded.columns and len(coded):
        keywords = coded["keyword"]
        written = keywords[keywords.map(lambda k: isinstance(k, str))].unique()  # each keyword redacted once
        unchanged = {k: redactor.redact(k).text == k for k in written}
        clean = [unchanged[k] if isinstance(k, str) else True for k in keywords]
        coded = coded.assign(keyword=keywords.where(clean, ""))
    return NotesAnalysis(segments=shown, coded=coded, bundle=bundle)
