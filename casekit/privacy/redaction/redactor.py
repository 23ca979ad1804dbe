"""The stateful redactor: finds personal data in a text and hands out consistent pseudonyms.

:class:`Redactor` is given what it knows as data (roster entries, the pseudonyms handed out
before, protected words, place names) and keeps its pseudonyms in memory; it runs the number
patterns (:mod:`.patterns`), the person and company detectors (:mod:`.names`,
:mod:`.companies`) and the roster's names, resolves overlaps and replaces each finding with a
readable placeholder (``王经理`` → ``〔甲〕经理``, ``华夏宾馆`` → ``〔企业A〕宾馆``,
``13912345678`` → ``〔手机号〕``). Reading a bundle's roster and writing its pseudonym table back
is :mod:`casekit.intake.redaction`'s (see ``docs/redaction.md``).

Examples
--------
>>> redact_text("王经理说，有事打 139-1234-5678。")
'〔甲〕经理说，有事打 〔手机号〕。'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from casekit.privacy.redaction.companies import (
    COMPANY_SUFFIXES,
    GENERIC_WORDS,
    STOP_WORDS,
    CompanyName,
    company_candidates,
    company_suffix,
    generic_only,
    legal_form,
    place_splits,
    trade_of,
)
from casekit.privacy.redaction.entries import RosterEntry
from casekit.privacy.redaction.names import TITLES, person_candidates, person_parts
from casekit.privacy.redaction.patterns import find_numbers, normalise
from casekit.privacy.redaction.tokens import (
    DOMAIN_TERMS,
    PRIORITY,
    Candidate,
    RedactionTokenizer,
    Token,
    all_han,
    is_han,
)

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "NUMBER_PLACEHOLDERS",
    "Finding",
    "Redaction",
    "Redactor",
    "redact_text",
    "unsafe_name",
]

#: Every kind of personal data found, with its Chinese label (shown to consultants).
KIND_LABELS: dict[str, str] = {
    "mobile": "手机号",
    "landline": "座机",
    "service_number": "400/800电话",
    "id_number": "身份证号",
    "email": "邮箱",
    "qq": "QQ号",
    "wechat": "微信号",
    "person": "人名",
    "company": "企业名称",
}
KINDS: tuple[str, ...] = tuple(KIND_LABELS)

#: What replaces a number (numbers get no pseudonym: a case never needs to tell two apart).
NUMBER_PLACEHOLDERS: dict[str, str] = {
    "mobile": "〔手机号〕",
    "landline": "〔电话〕",
    "service_number": "〔服务电话〕",
    "id_number": "〔身份证号〕",
    "email": "〔邮箱〕",
    "qq": "〔QQ号〕",
    "wechat": "〔微信号〕",
}


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found and replaced.

    Parameters
    ----------
    start, end : int
        Its span in the *original* text (``text[start:end] == original``).
    kind : str
        One of :data:`KINDS`.
    original : str
        The text replaced.
    replacement : str
        What replaces it in the redacted text.
    confidence : float
        0–1: how sure the detector is (a roster name 1.0, a valid ID 0.99, a name jieba
        alone tagged 0.55–0.7).
    """

    start: int
    end: int
    kind: str
    original: str
    replacement: str
    confidence: float


@dataclass(frozen=True)
class Redaction:
    """The redacted text and what was replaced (spans in the original text's coordinates)."""

    text: str
    findings: tuple[Finding, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """Return kind → number of findings, in the order of :data:`KINDS`."""
        counter = Counter(f.kind for f in self.findings)
        return {k: counter[k] for k in KINDS if counter[k]}


# ------------------------------------------------------------------------------ roster names

#: Whitespace a name may be broken by (张 伟, 李⏎娜): spaces, then at most one line break.
_NAME_GAP = r"[ \t]*(?:\n[ \t]*)?"


def unsafe_name(kind: str, name: str) -> str | None:
    """Why a roster name or alias cannot be redacted safely, or ``None`` when it can.

    A roster name is replaced wherever it is written, so it must be long and specific enough
    not to match ordinary text: ``李`` would turn 李子 into 〔甲〕子, ``公司`` every company
    into 〔企业A〕.

    Parameters
    ----------
    kind : {"person", "company"}
    name : str
        The name or alias as the roster writes it.

    Returns
    -------
    str or None
        What a safe name would be (a :class:`~casekit.exceptions.Problem`'s ``expected``).

    Examples
    --------
    >>> unsafe_name("person", "李")
    'a name of at least two Chinese characters or three Latin letters (a shorter one would be replaced inside ordinary words)'
    >>> unsafe_name("company", "有限公司") is not None, unsafe_name("company", "华夏宾馆")
    (True, None)
    """
    core = re.sub(r"\s+", "", normalise(name))
    n_han = sum(is_han(c) for c in core)
    n_latin = sum(c.isascii() and c.isalpha() for c in core)
    if n_han < 2 and n_latin < 3:
        return ("a name of at least two Chinese characters or three Latin letters "
                "(a shorter one would be replaced inside ordinary words)")
    if kind == "company" and n_han == len(core) and generic_only(core):
        return ("a company's own name, not only legal-form or industry words "
                "(公司, 有限公司, 集团, 医院 would be replaced wherever they are written)")
    if kind == "person" and (core in TITLES or core in GENERIC_WORDS or core in STOP_WORDS or core in DOMAIN_TERMS):
        return ("a person's name, not a title or an ordinary word "
                "(经理, 老板 would be replaced wherever they are written)")
    return None


def _roster_pattern(form: str) -> str:
    """The regular expression of a roster form: whitespace and one line break may split it
    (张 伟, 李⏎娜经理); a Latin name is matched whole, in any case, however it is spaced (David Chen)."""
    chars = [c for c in normalise(form) if not c.isspace()]
    if any(c.isascii() and c.isalpha() for c in chars):
        words = normalise(form).split()
        body = r"\s+".join(_NAME_GAP.join(re.escape(c) for c in w) if all_han(w) else re.escape(w) for w in words)
        return rf"(?i:(?<![A-Za-z]){body}(?![A-Za-z]))"
    return _NAME_GAP.join(re.escape(c) for c in chars)


def _squeeze(form: str) -> str:
    """A roster form as matched: half-width, without the whitespace inside a Chinese name,
    Latin words single-spaced and lower-case (``David  Chen`` → ``david chen``)."""
    words = normalise(form).split()
    return " ".join(w.lower() if not all_han(w) else w for w in words) if any(
        not all_han(w) for w in words) else "".join(words)


# ------------------------------------------------------------------------------ pseudonyms

def _stem(index: int) -> str:
    stems = "甲乙丙丁戊己庚辛壬癸"
    return stems[index % 10] + ("" if index < 10 else str(index // 10 + 1))


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


def _new_pseudonym(kind: str, index: int) -> str:
    return f"〔{_stem(index)}〕" if kind == "person" else f"〔企业{_letters(index)}〕"


class Redactor:
    """Finds personal data in Chinese notes and replaces it with consistent pseudonyms.

    Parameters
    ----------
    roster : iterable of RosterEntry, optional
        Known persons and companies (a bundle's ``_private/roster.csv``).
    pseudonyms : iterable of (kind, original, pseudonym), optional
        Pseudonyms handed out earlier (a bundle's ``_private/pseudonyms.csv``); they never
        change, new ones continue their numbering.
    protected : iterable of str, optional
        More words never to redact (local product names …), on top of :data:`DOMAIN_TERMS`.
    places : iterable of str, optional
        More region names (the manifest's): never a person, and not a company name alone.
    min_confidence : float, default 0.5
        Findings less sure than this are left in the text.

    Examples
    --------
    >>> r = Redactor()
    >>> r.redact("华夏宾馆的王经理说，王经理下周再谈。").text
    '〔企业A〕宾馆的〔甲〕经理说，〔甲〕经理下周再谈。'
    """

    def __init__(
        self,
        roster: Iterable[RosterEntry] = (),
        pseudonyms: Iterable[tuple[str, str, str]] = (),
        *,
        protected: Iterable[str] = (),
        places: Iterable[str] = (),
        min_confidence: float = 0.5,
    ) -> None:
        self.min_confidence = float(min_confidence)
        self.roster = list(roster)
        self._rows: list[tuple[str, str, str]] = []
        self._map: dict[tuple[str, str], str] = {}
        self._used: set[str] = set()
        self._saved = 0
        for kind, original, pseudonym in pseudonyms:
            self._remember(kind, original, pseudonym)
        self._saved = len(self._rows)
        # roster: every written form → (kind, canonical name)
        self._roster_forms: dict[str, tuple[str, str]] = {}
        for entry in self.roster:
            for form in (entry.name, *entry.aliases):
                self._roster_forms.setdefault(_squeeze(form), (entry.kind, entry.name))
        self._roster_re = (
            re.compile("|".join(_roster_pattern(f) for f in sorted(self._roster_forms, key=len, reverse=True)))
            if self._roster_forms else None
        )
        self.protected = tuple(dict.fromkeys(t for t in (*DOMAIN_TERMS, *protected) if t and len(t) > 1))
        self._protected_re = re.compile(
            "|".join(re.escape(t) for t in sorted(self.protected, key=len, reverse=True))
        )
        self._seg = RedactionTokenizer.get(self.protected, places)
        # short forms of the companies met so far (恒瑞达商贸 → the keys of the companies written
        # so, in the order met); the pseudonym table's companies are known from the start
        self._company_forms: dict[str, list[str]] = {}
        for kind, original, _ in self._rows:
            if kind == "company":
                self._learn_company(original)

    # ------------------------------------------------------------------ pseudonyms

    def _remember(self, kind: str, original: str, pseudonym: str) -> None:
        if (kind, original) in self._map:
            return
        self._map[(kind, original)] = pseudonym
        self._used.add(pseudonym)
        self._rows.append((kind, original, pseudonym))

    def pseudonym(self, kind: str, key: str) -> str:
        """The pseudonym of a person or company (``〔甲〕``, ``〔企业A〕``), handing out the next one.

        Parameters
        ----------
        kind : {"person", "company"}
        key : str
            The identity: a roster name, or the string found (``王经理``, ``华夏宾馆``).
        """
        found = self._map.get((kind, key))
        if found is not None:
            return found
        index = sum(1 for k, _, _ in self._rows if k == kind)
        while _new_pseudonym(kind, index) in self._used:
            index += 1
        pseudonym = _new_pseudonym(kind, index)
        self._remember(kind, key, pseudonym)
        return pseudonym

    @property
    def pseudonyms(self) -> list[tuple[str, str, str]]:
        """Every ``(kind, original, pseudonym)`` known, in the order they were handed out."""
        return list(self._rows)

    @property
    def unsaved(self) -> int:
        """How many pseudonyms were handed out since loading or the last :meth:`mark_saved`."""
        return len(self._rows) - self._saved

    def mark_saved(self) -> None:
        """Record that every pseudonym handed out so far is stored (by whoever stores them).

        This class keeps pseudonyms in memory only; :class:`casekit.intake.redaction.Redactor`
        writes them to a bundle's ``_private/pseudonyms.csv`` and then calls this.
        """
        self._saved = len(self._rows)

    # ------------------------------------------------------------------ redaction

    def redact(self, text: str) -> Redaction:
        """Return ``text`` with every personal datum replaced, and what was replaced.

        Parameters
        ----------
        text : str
            Any text (a note with its front matter, a paragraph, a case draft).

        Returns
        -------
        Redaction
            ``.text`` the redacted text; ``.findings`` sorted by position, spans in ``text``.
        """
        norm = normalise(text)
        tokens = self._seg.tokens(norm)
        candidates = self._candidates(norm, tokens)
        candidates += self._short_form_candidates(norm, tokens, candidates)
        chosen = self._resolve(norm, candidates)
        for c in chosen:
            if c.company is not None:
                self._learn(c.company)
        findings: list[Finding] = []
        parts: list[str] = []
        pos = 0
        for c in chosen:
            if c.tail and norm[c.end - len(c.tail):c.end] == c.tail:
                c.tail = text[c.end - len(c.tail):c.end]  # kept as written: （集团）有限公司
            replacement = self._replacement(c)
            findings.append(Finding(c.start, c.end, c.kind, text[c.start:c.end], replacement,
                                    round(c.confidence, 2)))
            parts.append(text[pos:c.start])
            parts.append(replacement)
            pos = c.end
        parts.append(text[pos:])
        return Redaction("".join(parts), tuple(findings))

    # ------------------------------------------------------------------ companies' short forms

    def _learn(self, name: CompanyName) -> None:
        for form in (name.key, *name.short_forms(self._seg)):
            keys = self._company_forms.setdefault(form, [])
            if name.key not in keys:
                keys.append(name.key)

    def _learn_company(self, original: str) -> None:
        """Learn the short forms of a company named in the pseudonym table."""
        norm = normalise(original)
        for c in company_candidates(norm, self._seg.tokens(norm), self._seg):
            if c.company is not None and (c.start, c.end) == (0, len(norm)):
                self._learn(c.company)

    def _short_form_candidates(
        self, text: str, tokens: list[Token], candidates: list[Candidate],
    ) -> list[Candidate]:
        """Companies written short (恒瑞达商贸, 恒瑞达) after their full name, in this note or before.

        A short form several companies share (恒瑞达 of 恒瑞达商贸有限责任公司 and 恒瑞达科技有限公司)
        is the company of that form written last before it, or else the first one of this note
        (or of the notes before): it is never left in the text.
        """
        forms: dict[str, list[str]] = {}
        mentions: list[tuple[int, str]] = []  # (position, key) of each company named in full
        for c in sorted((c for c in candidates if c.company is not None), key=lambda c: c.start):
            mentions.append((c.start, c.company.key))
            for form in (c.company.key, *c.company.short_forms(self._seg)):
                keys = forms.setdefault(form, [])
                if c.company.key not in keys:
                    keys.append(c.company.key)
        for form, keys in self._company_forms.items():
            forms.setdefault(form, [])
            forms[form] += [k for k in keys if k not in forms[form]]
        if not forms:
            return []
        starts = {t[0] for t in tokens}
        pattern = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
        out: list[Candidate] = []
        for m in pattern.finditer(text):
            i = m.start()
            if i > 0 and is_han(text[i - 1]) and starts and i not in starts:
                continue  # inside another word
            keys = forms[m.group()]
            before = [k for p, k in mentions if p < i and k in keys]
            key = before[-1] if before else keys[0]
            if len(keys) == 1:
                mentions.append((i, key))
            tail = m.group()[len(trade_of(m.group(), key)):] if m.group() != key else ""
            out.append(Candidate(i, m.end(), "company", 0.8, PRIORITY["company"], key, "", tail))
        return out

    def _replacement(self, c: Candidate) -> str:
        if c.kind in NUMBER_PLACEHOLDERS:
            return NUMBER_PLACEHOLDERS[c.kind]
        return c.lead + self.pseudonym(c.kind, c.key) + c.tail

    def _resolve(self, text: str, candidates: list[Candidate]) -> list[Candidate]:
        protected = [(m.start(), m.end()) for m in self._protected_re.finditer(text)]

        def shielded(c: Candidate) -> bool:
            if c.roster or c.kind in NUMBER_PLACEHOLDERS:
                return False
            for ps, pe in protected:
                if c.start < pe and ps < c.end and not (c.start <= ps and pe <= c.end and (c.start, c.end) != (ps, pe)):
                    return True
            return False

        rostered = [c for c in candidates if c.roster]
        for c in candidates:  # 石家庄市 + roster 康泰医药连锁有限公司: the longer span, the roster's identity
            if c.roster:
                continue
            for r in rostered:
                if r.kind == c.kind and c.start <= r.start and r.end <= c.end and self._extends(text, c, r):
                    c.key, c.roster, c.confidence, c.priority = r.key, True, 1.0, PRIORITY["roster"]
                    break
        kept: list[Candidate] = []
        taken = [False] * (len(text) + 1)
        for c in sorted(candidates, key=lambda c: (c.priority, -(c.end - c.start), c.start)):
            if c.confidence < self.min_confidence or c.end <= c.start or shielded(c):
                continue
            if any(taken[c.start:c.end]):
                continue
            for i in range(c.start, c.end):
                taken[i] = True
            kept.append(c)
        return sorted(kept, key=lambda c: c.start)

    def _extends(self, text: str, c: Candidate, r: Candidate) -> bool:
        """Whether a span found around a roster name only adds a place before it or a suffix
        after it (石家庄市 + 康泰医药连锁有限公司, 康明灯具 + 厂): then it is the roster's company.
        Anything else (和 + 惠万家超市) is not the roster's name, which keeps its own span."""
        before, after = text[c.start:r.start], text[r.end:c.end]
        if c.kind == "person":
            return before in ("", "小", "老") and (after == "" or after in TITLES or after.lstrip("副") in TITLES)
        place = not before or any(before == "".join(p) for p in place_splits(before, self._seg))
        return place and (after == "" or legal_form(after) in COMPANY_SUFFIXES or after in COMPANY_SUFFIXES)

    # ------------------------------------------------------------------ detectors

    def _candidates(self, text: str, tokens: list[Token]) -> list[Candidate]:
        out: list[Candidate] = []
        out += self._roster_candidates(text)
        out += [Candidate(m.start, m.end, m.kind, m.confidence, m.rank) for m in find_numbers(text)]
        out += person_candidates(text, tokens, self._seg)
        out += company_candidates(text, tokens, self._seg)
        return out

    def _roster_candidates(self, text: str) -> list[Candidate]:
        if self._roster_re is None:
            return []
        out = []
        for m in self._roster_re.finditer(text):
            form = _squeeze(m.group())
            kind, name = self._roster_forms[form]
            if kind == "person":
                lead, title = person_parts(form)
                if form == name:
                    lead, title = "", ""
            else:
                lead, title = "", company_suffix(form)
            out.append(Candidate(m.start(), m.end(), kind, 1.0, PRIORITY["roster"], name, lead, title, roster=True))
        return out


def redact_text(text: str, redactor: Redactor | None = None) -> str:
    """Return ``text`` redacted (a fresh :class:`Redactor`, numbering pseudonyms anew, if none given)."""
    return (redactor or Redactor()).redact(text).text
