"""Region names: the one rule that turns what a user or a data row wrote into a region id.

Every place that reads a region — data rows (survey, ride-alongs, 360°, notes), manifest
budgets, cases, ``casekit build --regions``, ``--region`` options, notebook parameters — asks a
:class:`RegionIndex` (through :class:`casekit.intake.Manifest`), so a name means the same region
everywhere.

The rule, in order:

1. **Exact.** The text, without surrounding white space, is a region's id or its name as written
   in ``manifest.yaml``. ``吉林市`` is the city 吉林市 even when the province 吉林 exists.
2. **Fallbacks**, only when nothing matches exactly, and only when they give exactly one
   region:

   * the id or name in other letter case or full-width letters (``Hebei``, ``ＨＥＢＥＩ``);
   * the name with one administrative suffix of :data:`REGION_SUFFIXES` added or removed
     (``保定市`` for 保定, ``河北省`` for 河北, ``保定`` for a region named 保定市). A suffix is
     only removed when at least two characters remain.

3. Several regions fit a fallback: the text is **ambiguous**, an error that lists the
   candidates (ids and names). No region fits: the text is **unknown**, an error that names the
   closest regions (:mod:`difflib`).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from casekit.exceptions import RegionError
from casekit.language import language, tr

__all__ = ["REGION_SUFFIXES", "RegionIndex", "RegionMatch", "strip_region_suffix"]

#: Administrative suffixes a region's name may be written with or without, longest first.
REGION_SUFFIXES: tuple[str, ...] = ("特别行政区", "自治区", "分公司", "地区", "省", "市", "区", "县")
#: How many close names an "unknown region" message suggests.
_N_SUGGESTIONS = 3
#: How many regions an error lists at most.
_N_LISTED = 12


def strip_region_suffix(name: str) -> str | None:
    """Return ``name`` without its trailing administrative suffix, or None if it has none.

    Parameters
    ----------
    name : str
        A region name, e.g. ``"保定市"``.

    Returns
    -------
    str or None
        ``"保定"`` for ``"保定市"``; None when no suffix of :data:`REGION_SUFFIXES` ends the name
        or fewer than two characters would remain.

    Examples
    --------
    >>> strip_region_suffix("内蒙古自治区"), strip_region_suffix("北京"), strip_region_suffix("市区")
    ('内蒙古', None, None)
    """
    for suffix in REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) >= len(suffix) + 2:
            return name[: -len(suffix)]
    return None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class RegionMatch:
    """What a text resolves to.

    Attributes
    ----------
    text : str
        The text as given (white space stripped).
    candidates : tuple of str
        Region ids that fit, in manifest order: one when resolved, several when ambiguous, none
        when unknown.
    exact : bool
        Whether the text is an id or name exactly (no fallback used).
    """

    text: str
    candidates: tuple[str, ...]
    exact: bool

    @property
    def region_id(self) -> str | None:
        """The region id when exactly one region fits, else None."""
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """Whether several regions fit."""
        return len(self.candidates) > 1


class RegionIndex:
    """Resolves region ids and names by the rule of :mod:`casekit.intake.regions`.

    Parameters
    ----------
    region_ids : sequence of str
        Region ids, in manifest order.
    names : sequence of str
        The regions' names, aligned with ``region_ids``.
    top_level : sequence of str, optional
        The ids of the top-level regions (provinces), when the others are their cities: a
        Chinese error then lists the provinces by name first (:meth:`known`).

    Examples
    --------
    >>> index = RegionIndex(["jilin", "jilin_city"], ["吉林", "吉林市"])
    >>> index.resolve("吉林市"), index.resolve("吉林"), index.resolve("吉林省"), index.resolve("Jilin")
    ('jilin_city', 'jilin', 'jilin', 'jilin')
    """

    def __init__(self, region_ids: Sequence[str], names: Sequence[str],
                 top_level: Sequence[str] | None = None) -> None:
        self.region_ids = [str(r) for r in region_ids]
        self.names = dict(zip(self.region_ids, (str(n) for n in names)))
        self.top_level = [str(r) for r in top_level] if top_level is not None else list(self.region_ids)
        self._position = {rid: i for i, rid in enumerate(self.region_ids)}
        self._exact: dict[str, list[str]] = {}
        self._folded: dict[str, list[str]] = {}
        self._suffixed: dict[str, list[str]] = {}
        for rid in self.region_ids:
            name = self.names[rid]
            for key in dict.fromkeys((rid, name)):
                self._exact.setdefault(key, []).append(rid)
                self._folded.setdefault(_fold(key), []).append(rid)
            # a name written without its suffix ("保定" for 保定市) ...
            core = strip_region_suffix(name)
            if core is not None:
                self._suffixed.setdefault(core, []).append(rid)

    # -- resolving --------------------------------------------------------------------------

    def match(self, text: Any) -> RegionMatch:
        """Return every region that ``text`` may name, by the rule (exact first, then fallbacks).

        Parameters
        ----------
        text : str
            A region id or name as a user or a data row wrote it.

        Returns
        -------
        RegionMatch
        """
        t = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text).strip()
        if not t:
            return RegionMatch(t, (), False)
        exact = self._exact.get(t)
        if exact:
            return RegionMatch(t, self._ordered(exact), True)
        found = list(self._folded.get(_fold(t), []))
        found += self._suffixed.get(t, [])  # the name without its suffix
        core = strip_region_suffix(t)  # ... or with a suffix the manifest's name lacks
        if core is not None:
            found += self._exact.get(core, [])
        return RegionMatch(t, self._ordered(found), False)

    def resolve(self, text: Any) -> str | None:
        """Return the id of the one region ``text`` names, or None (unknown or ambiguous).

        Use :meth:`require` to get the reason as an error.
        """
        return self.match(text).region_id

    def resolve_many(self, texts: pd.Series) -> pd.Series:
        """Vectorised :meth:`resolve` of a text column (unknown and ambiguous texts → missing)."""
        distinct = texts.dropna().unique()
        table = {t: self.resolve(t) for t in distinct}
        return texts.map(table).astype(object).where(texts.notna(), None)

    def require(self, text: Any) -> str:
        """Return the id of the one region ``text`` names, or raise.

        Raises
        ------
        RegionError
            If no region fits (the message suggests the closest and lists the known ones) or
            several do (the message lists them).
        """
        return self.require_all([text])[0]

    def require_all(self, texts: Iterable[Any]) -> list[str]:
        """Resolve every text, or raise one error naming every unknown and ambiguous one.

        Parameters
        ----------
        texts : iterable of str
            Region ids or names.

        Returns
        -------
        list of str
            Region ids aligned with ``texts``.

        Raises
        ------
        RegionError
            Listing every ambiguous text with its candidates and every unknown one with the
            closest names, then the known regions.
        """
        matches = [self.match(t) for t in texts]
        ambiguous = [m for m in matches if m.ambiguous]
        unknown = [m for m in matches if not m.candidates]
        if not ambiguous and not unknown:
            return [m.region_id for m in matches]  # type: ignore[misc]
        parts = [self.ambiguous_text(m) for m in ambiguous]
        if unknown and language() == "zh":
            parts.append("没有地区" + "、".join(
                f"「{m.text}」" + (f"（是不是 {self.describe_all(close, '、')}？）"
                                   if (close := self.closest(m.text)) else "")
                for m in unknown))
        elif unknown:
            s = "s" if len(unknown) > 1 else ""
            parts.append(f"unknown region{s} " + ", ".join(
                repr(m.text) + (f" (did you mean {self.describe_all(close)}?)"
                                if (close := self.closest(m.text)) else "")
                for m in unknown))
        raise RegionError(tr("；".join(parts) + f"；{self.known()}",
                             "; ".join(parts) + f"; known region ids: {self.known()}"))

    # -- describing -----------------------------------------------------------------------------

    def describe(self, region_id: str) -> str:
        """``jilin (吉林)``: a region as errors name it."""
        return tr(f"{region_id}（{self.names[region_id]}）", f"{region_id} ({self.names[region_id]})")

    def describe_all(self, region_ids: Iterable[str], joiner: str | None = None) -> str:
        """Several regions as errors name them (joined by ``, ``; ``、`` in Chinese)."""
        return (tr("、", ", ") if joiner is None else joiner).join(self.describe(r) for r in region_ids)

    def known(self) -> str:
        """The known regions, as errors list them (at most a dozen). In Chinese: the top-level
        regions by name (a consultant types names), then a word on their cities and the ids."""
        if language() == "zh":
            tops = "、".join(self.names[r] for r in self.top_level[:_N_LISTED])
            more = "……" if len(self.top_level) > _N_LISTED else ""
            cities = len(self.top_level) < len(self.region_ids)
            return (f"可选的地区：{tops}{more}（" + ("各地的地市也可；" if cities else "")
                    + "写名称或地区编号均可，见 manifest.yaml）")
        shown = self.describe_all(self.region_ids[:_N_LISTED])
        return shown + (", …" if len(self.region_ids) > _N_LISTED else "")

    def closest(self, text: str) -> list[str]:
        """The ids of the regions whose id or name is closest to ``text`` (at most three)."""
        keys = {}
        for rid in self.region_ids:
            keys.setdefault(_fold(rid), rid)
            keys.setdefault(_fold(self.names[rid]), rid)
        close = difflib.get_close_matches(_fold(str(text).strip()), list(keys), n=_N_SUGGESTIONS * 2, cutoff=0.6)
        return list(dict.fromkeys(keys[k] for k in close))[:_N_SUGGESTIONS]

    def ambiguous_text(self, match: RegionMatch) -> str:
        """The error text of an ambiguous match: the text and its candidates."""
        return tr(f"地区「{match.text}」不明确：{self.describe_all(match.candidates, ' 和 ')} 都符合；请写地区编号或完整名称",
                  f"ambiguous region {match.text!r}: it fits {self.describe_all(match.candidates, ' and ')}; "
                  "write the region's id or its exact name")

    def expected(self, text: Any = None) -> str:
        """The "expected" text of a problem about a region cell holding ``text``.

        An ambiguous text gets its candidates, an unknown one the closest regions.
        """
        base = tr("manifest.yaml 中的地区（写编号或完整名称）", "a region of manifest.yaml, by id or exact name")
        example = tr(f"（例如 {self.describe_all(self.region_ids[:5])}）",
                     f" (e.g. {self.describe_all(self.region_ids[:5])})")
        if text is None:
            return base + example
        m = self.match(text)
        if m.ambiguous:
            return tr(f"一个地区，但「{m.text}」与 {self.describe_all(m.candidates, ' 和 ')} 都符合：请写编号",
                      f"one region, but {m.text!r} fits {self.describe_all(m.candidates, ' and ')}: write its id")
        close = self.closest(m.text) if m.text else []
        if close:
            return base + tr(f"（最接近的：{self.describe_all(close)}）", f" (closest: {self.describe_all(close)})")
        return base + example

    def _ordered(self, ids: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(set(ids), key=self._position.__getitem__))
