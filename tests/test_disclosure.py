"""Every small-cell, complementary and rater-anonymity rule, at its boundary (casekit.privacy)."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from casekit.exceptions import AnalysisError
from casekit.privacy import disclosure
from casekit.privacy.disclosure import (
    MIN_INTERVIEWEES,
    MIN_MANAGERS,
    MIN_NOTES,
    MIN_OBSERVED,
    MIN_RATERS,
    MIN_RESPONDENTS,
    ShareBound,
    bounded_share,
    check_threshold,
    comparison_base,
    count_suppressed,
    gap_hidden,
    hidden_mix_counts,
    is_small,
    is_suppressed,
    mean_hidden,
    partition_raters,
    protect_rest,
    row_complements,
    shown_cities,
)


def test_thresholds_are_the_agreed_ones():
    assert MIN_RESPONDENTS == MIN_OBSERVED == MIN_INTERVIEWEES == MIN_MANAGERS == 5
    assert MIN_RATERS == 3
    assert MIN_NOTES == 2


def test_defaults_of_the_analyses_are_the_rules_thresholds():
    """The CLI and the analyses default to the constants of the disclosure module."""
    import inspect

    from casekit.analysis import coding, keywords, reviews_360, visits

    assert reviews_360.DEFAULT_MIN_RATERS == MIN_RATERS
    assert keywords.MIN_NOTES == MIN_NOTES
    assert inspect.signature(visits.time_allocation).parameters["min_n"].default == MIN_OBSERVED
    assert inspect.signature(coding.code_frequencies).parameters["min_n"].default == MIN_INTERVIEWEES
    assert inspect.signature(reviews_360.review_summary).parameters["min_managers"].default == MIN_MANAGERS


def test_the_package_sits_below_everything_that_shows_data():
    """Importing casekit.privacy loads no analysis, intake, curriculum, authoring or reports."""
    code = ("import sys, casekit.privacy; "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('casekit'))))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout.split())
    assert loaded <= {"casekit", "casekit.domain", "casekit.exceptions", "casekit.language", "casekit.privacy",
                      "casekit.privacy.disclosure"}, loaded


@pytest.mark.parametrize("n, small", [(0, False), (1, True), (4, True), (5, False), (None, False),
                                      (float("nan"), False)])
def test_is_small_at_the_boundary(n, small):
    assert is_small(n) is small


def test_is_small_with_another_threshold():
    assert is_small(2, MIN_RATERS) and not is_small(3, MIN_RATERS)


@pytest.mark.parametrize("n, hidden", [(0, True), (4, True), (5, False), (12, False), (None, True),
                                       (pd.NA, True)])
def test_is_suppressed_at_the_boundary(n, hidden):
    assert is_suppressed(n) is hidden


def test_mean_hidden_and_gap_hidden():
    shown = {"n": 5, "mean": 3.2, "gap": -0.4, "suppressed": False}
    assert not mean_hidden(shown) and not gap_hidden(shown)
    assert mean_hidden({**shown, "n": 4}) and gap_hidden({**shown, "n": 4})
    assert mean_hidden({**shown, "suppressed": True})  # e.g. a city hidden for its province
    assert mean_hidden({**shown, "mean": float("nan")})
    assert mean_hidden(pd.Series({"n": 3, "mean": 3.2}))  # no suppressed column: n decides
    assert not mean_hidden({**shown, "gap": float("nan")})
    assert gap_hidden({**shown, "gap": float("nan")})
    assert gap_hidden({"n": 5, "mean": 3.2})  # no gap at all


@pytest.mark.parametrize("group, count, hidden", [
    (4, 0, True),   # the whole group is too small
    (5, 0, False),  # nobody raised the code: 0 may be shown
    (5, 4, True),
    (5, 5, False),
    (30, 1, True),
])
def test_count_suppressed(group, count, hidden):
    assert count_suppressed(group, count) is hidden


def test_comparison_base_keeps_only_groups_at_the_threshold_in_order():
    sizes = pd.Series({"tianjin": 5, "beijing": 4, "hebei": 30})
    assert comparison_base(sizes) == ["tianjin", "hebei"]
    assert comparison_base({"a": 2, "b": 3}, MIN_RATERS) == ["b"]


def test_protect_rest_at_the_boundary():
    sizes = {"a": 8, "b": 6, "c": 9}

    def rest_of(total):
        return lambda parts: total - sum(sizes[p] for p in parts)

    # rest 0 or 5: everything stays
    assert protect_rest(["a", "b", "c"], sizes, rest_of(23)) == ["a", "b", "c"]
    assert protect_rest(["a", "b", "c"], sizes, rest_of(28)) == ["a", "b", "c"]
    # rest 4: the smallest shown part goes too (rest 4 + 6 = 10)
    assert protect_rest(["a", "b", "c"], sizes, rest_of(27)) == ["a", "c"]
    # rest 1 with parts 8 and 6 left after one step? 1 + 6 = 7: one step is enough
    assert protect_rest(["a", "b", "c"], sizes, rest_of(24)) == ["a", "c"]


def test_protect_rest_hides_the_later_part_on_a_tie():
    sizes = {"a": 6, "b": 6}
    assert protect_rest(["a", "b"], sizes, lambda parts: 14 - 6 * len(parts)) == ["a"]


def test_protect_rest_with_threshold_zero_hides_nothing():
    assert protect_rest(["a"], {"a": 6}, lambda parts: 1, 0) == ["a"]


class _Manifest:
    """The one method of a manifest that :func:`shown_cities` reads."""

    def __init__(self, cities: list[str]) -> None:
        self.cities = cities

    def descendants(self, top: str) -> list[str]:
        return [top, *self.cities]


def _cell(sizes: dict[str, int], top: str = "hebei") -> pd.DataFrame:
    regions = [r for r, n in sizes.items() for _ in range(n)]
    return pd.DataFrame({"top_region_id": top, "region_id": regions})


def test_shown_cities_at_the_boundary():
    manifest = _Manifest(["sjz", "bd", "ts"])
    # a city needs 5 people; the rest (ts, 4) would be revealed by the province minus the
    # cities shown, so the smaller shown city (bd) is hidden too
    assert shown_cities(_cell({"sjz": 9, "bd": 5, "ts": 4}), manifest, "hebei") == {"sjz"}
    # the rest at 5: nothing more is hidden
    assert shown_cities(_cell({"sjz": 9, "bd": 5, "ts": 5}), manifest, "hebei") == {"sjz", "bd", "ts"}
    assert shown_cities(_cell({"sjz": 9, "bd": 5, "hebei": 5}), manifest, "hebei") == {"sjz", "bd"}
    # nobody outside the shown cities: nothing to protect
    assert shown_cities(_cell({"sjz": 9, "bd": 5}), manifest, "hebei") == {"sjz", "bd"}


def test_shown_cities_cannot_be_undone_by_subtraction():
    """Province total minus every shown city is always 0 or at least 5 people."""
    rng = random.Random(2008)
    cities = ["c1", "c2", "c3", "c4", "c5"]
    manifest = _Manifest(cities)
    for _ in range(300):
        sizes = {c: rng.choice([0, 1, 3, 4, 5, 6, 9]) for c in cities}
        sizes["hebei"] = rng.choice([0, 0, 1, 2, 5])  # people without a city
        cell = _cell(sizes)
        shown = shown_cities(cell, manifest, "hebei")
        rest = len(cell) - sum(sizes[c] for c in shown)
        assert rest == 0 or rest >= 5, (sizes, shown)
        assert all(sizes[c] >= 5 for c in shown)


def test_row_complements_hide_a_second_cell_where_one_is_small():
    counts = pd.DataFrame({"a": [4, 4, 0, 4], "b": [9, 3, 9, 5], "c": [6, 7, 6, 5]},
                          index=["one small", "two small", "none small", "tie"])
    hide = row_complements(counts)
    assert hide.loc["one small"].tolist() == [False, False, True]  # the smallest >= 5: c (6)
    assert not hide.loc["two small"].any()  # two hidden cells already: total − shown = their sum
    assert not hide.loc["none small"].any()
    assert hide.loc["tie"].tolist() == [False, True, False]  # the first of equal counts


def test_row_complements_are_not_pinned_by_their_labels():
    # <5, —, 7 with total 13: "—" is at least 5, so "<5" would be 13 − 7 − 5 = 1
    counts = pd.DataFrame([[1, 5, 7], [1, 5, 5], [2, 5, 7]])
    hide = row_complements(counts)
    assert hide.iloc[0].tolist() == [False, False, True]
    assert hide.iloc[1].tolist() == [False, True, False]  # no larger partner: the smallest
    assert hide.iloc[2].tolist() == [False, True, False]  # 2 + 5: "<5" is 1 or 2


def test_row_complements_cannot_be_undone_by_subtraction():
    rng = random.Random(11)
    for _ in range(300):
        counts = pd.DataFrame([[rng.choice([0, 1, 4, 5, 6, 12]) for _ in range(4)] for _ in range(3)])
        hide = row_complements(counts)
        for r in range(len(counts)):
            values = counts.iloc[r].tolist()
            hidden = [i for i, v in enumerate(values) if is_small(v) or hide.iat[r, i]]
            others = [v for v in values if v >= 5]
            if hidden and others:
                assert len(hidden) != 1, values


def test_hidden_mix_counts_at_the_boundary():
    counts = pd.DataFrame({1: [10, 4, 5], 2: [6, 6, 0]}, index=["bj", "tj", "hb"])
    sizes = pd.Series({"bj": 16, "tj": 10, "hb": 4})
    totals = counts.sum()
    hidden = hidden_mix_counts(counts, sizes, totals)
    # tj's 4 is small; its 6 goes too (else tj's total 10 − 6 reveals it)
    assert hidden.loc["tj"].tolist() == [True, True]
    # hb has 4 people: every count of it is hidden (its 5 included); and its 0 too, else the
    # types' totals (19 + 12) minus bj's and tj's would give hb's size, and its 5, away
    assert hidden.loc["hb"].tolist() == [True, True]


def _published_lines(counts: pd.DataFrame, sizes: pd.Series, totals: pd.Series, min_n: int = 5):
    """Every published total of a group × type table, as (cells, total): a group's or a type's
    total unless it is 1 to min_n − 1 (shown as <5), and the table's total."""
    values = counts.to_numpy()
    lines = [(np.s_[r, :], int(sizes.iloc[r])) for r in range(len(sizes)) if not is_small(sizes.iloc[r], min_n)]
    lines += [(np.s_[:, c], int(totals.iloc[c])) for c in range(len(totals)) if not is_small(totals.iloc[c], min_n)]
    return [*lines, (np.s_[:, :], int(values.sum()))]


def _hidden_intervals(counts: pd.DataFrame, hidden: np.ndarray, lines, labels: bool = False) -> np.ndarray:
    """What a reader can work out about each hidden cell: its least and greatest value (linear
    programming) given the shown cells, the published totals and, with ``labels``, what the
    labels say (``<5``: 1 to 4, a hidden count of 5 or more ``—``: at least 5); else only that
    no count is below 0. One row (least, greatest) per hidden cell in row-major order."""
    from scipy.optimize import linprog

    values = counts.to_numpy()
    cells = list(zip(*np.nonzero(hidden)))
    index = {cell: i for i, cell in enumerate(cells)}
    rows, rhs = [], []
    for line, total in lines:
        mask = np.zeros(values.shape, dtype=bool)
        mask[line] = True
        rows.append([1.0 if mask[cell] else 0.0 for cell in cells])
        rhs.append(total - values[mask & ~hidden].sum())
    bounds = [((1, 4) if 0 < values[cell] < 5 else (5, None) if values[cell] >= 5 else (0, None)) if labels
              else (0, None) for cell in cells]
    out = np.full((len(cells), 2), np.nan)
    for cell, i in index.items():
        objective = np.zeros(len(cells))
        for sign, col in ((1, 0), (-1, 1)):
            objective[i] = sign
            result = linprog(objective, A_eq=rows, b_eq=rhs, bounds=bounds, method="highs")
            assert result.status == 0, result.message
            out[i, col] = sign * result.fun
    return out


def test_hidden_mix_counts_cannot_be_worked_out_from_the_published_totals():
    """Property (random tables, fixed seed): every hidden count can take more than one value
    given the shown counts and every published total (linear-programming bounds)."""
    rng = random.Random(11)
    checked = 0
    for _ in range(150):
        n_rows, n_cols = rng.randint(2, 6), rng.randint(2, 4)
        counts = pd.DataFrame([[rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 7, 11, 20]) for _ in range(n_cols)]
                               for _ in range(n_rows)], columns=range(1, n_cols + 1))
        sizes, totals = counts.sum(axis=1), counts.sum()
        hidden = hidden_mix_counts(counts, sizes, totals).to_numpy()
        values = counts.to_numpy()
        assert not ((values > 0) & (values < 5) & ~hidden).any()
        small_rows = sizes.between(1, 4).to_numpy()
        assert not ((values[small_rows] > 0) & ~hidden[small_rows]).any()
        # only with a single group or a single type besides the small ones (which count as one)
        # are the counts the published totals themselves
        if (sizes >= 5).sum() + small_rows.any() < 2 or (totals >= 5).sum() + totals.between(1, 4).any() < 2:
            continue
        checked += 1
        spans = _hidden_intervals(counts, hidden, _published_lines(counts, sizes, totals))
        cells = list(zip(*np.nonzero(hidden)))
        for (low, high), cell in zip(spans, cells):
            assert high - low > 0.5, (counts, cell, low, high)
    assert checked > 100


def test_hidden_mix_counts_chain_through_a_single_count_region():
    counts = pd.DataFrame({1: [0, 0, 0, 0], 2: [0, 3, 0, 0], 3: [5, 11, 5, 5]}, index=list("abcd"))
    hidden = hidden_mix_counts(counts, counts.sum(axis=1), counts.sum())
    # b's 3 is hidden, so must be b's 11 (row b) and a second count of column 3; but a, c and d
    # have a single count each, known from their totals, so column 3 would give b's 11 and row
    # b then b's 3. Closed by a cycle through a 0: a's 0 of type 2 and a's 5 go too.
    assert hidden.at["b", 2]
    assert hidden.loc["a"].tolist() == [False, True, True] and hidden.loc["b"].tolist() == [False, True, True]
    assert not hidden.loc[["c", "d"]].to_numpy().any()
    known = ~hidden.to_numpy()
    sizes, totals = counts.sum(axis=1).to_numpy(), counts.sum().to_numpy()
    changed = True
    while changed:  # a published line with one unknown cell reveals it
        changed = False
        for line, total in [*((np.s_[r, :], sizes[r]) for r in range(4)),
                            *((np.s_[:, c], totals[c]) for c in range(3))]:
            if total >= 5 and (~known[line]).sum() == 1:
                known[line] = True
                changed = True
    assert not known[1, 1]  # b's 3 stays unknown


def test_hidden_mix_counts_are_not_pinned_by_their_labels():
    # a's 1 with a's 5 as its partner: row a gives 1 + 5 = 6, and as "—" says at least 5, "<5"
    # is 1. The partner is a's 9 instead (1 + 9: "<5" could be 1 to 4), closed through c.
    counts = pd.DataFrame({1: [1, 9, 8], 2: [5, 7, 9], 3: [9, 8, 7]}, index=list("abc"))
    sizes, totals = counts.sum(axis=1), counts.sum()
    hidden = hidden_mix_counts(counts, sizes, totals)
    assert hidden.loc["a"].tolist() == [True, False, True]
    spans = _hidden_intervals(counts, hidden.to_numpy(), _published_lines(counts, sizes, totals), labels=True)
    low, high = spans[0]
    assert (low, high) == (1, 4)


@pytest.mark.parametrize("share, n, expected", [
    (31 / 36, 36, ShareBound("=", 31 / 36)),  # 5 people on the other side: exact
    (32 / 36, 36, ShareBound(">", 86)),       # 4 on the other side: at least 5 might be
    (5 / 36, 36, ShareBound("=", 5 / 36)),
    (4 / 36, 36, ShareBound("<", 14)),
    (0.0, 36, ShareBound("=", 0.0)),
    (1.0, 36, ShareBound("=", 1.0)),
    (4 / 8, 8, None),                          # both sides small
    (0.5, 4, None),                            # the group itself is too small
    (float("nan"), 36, None),
])
def test_bounded_share_at_the_boundary(share, n, expected):
    assert bounded_share(share, n) == expected


@pytest.mark.parametrize("counts, shown, hidden", [
    ({"account_manager": 3}, [("account_manager", ("account_manager",))], ()),
    ({"account_manager": 2}, [], ("account_manager",)),
    # small groups pooled when the pool reaches 3
    ({"account_manager": 4, "support": 2, "superior": 1},
     [("account_manager", ("account_manager",)), ("other_raters", ("support", "superior"))], ()),
    # the superior alone is folded into the largest group, never shown alone
    ({"account_manager": 4, "support": 3, "superior": 1},
     [("account_manager", ("account_manager", "superior")), ("support", ("support",))], ()),
    # a tie goes to the first group in order
    ({"account_manager": 3, "support": 3, "superior": 1},
     [("account_manager", ("account_manager", "superior")), ("support", ("support",))], ()),
    # fewer than 3 non-self raters in all: nothing shown
    ({"account_manager": 1, "superior": 1}, [], ("account_manager", "superior")),
])
def test_partition_raters(counts, shown, hidden):
    assert partition_raters(counts) == (shown, hidden)


def test_partition_raters_parts_each_have_enough_raters_and_cover_everyone():
    groups = ["account_manager", "support", "superior"]
    for sizes in itertools.product(range(0, 5), repeat=3):
        counts = {g: n for g, n in zip(groups, sizes) if n}
        shown, hidden = partition_raters(counts)
        for _, includes in shown:
            assert sum(counts[g] for g in includes) >= MIN_RATERS
        covered = [g for _, inc in shown for g in inc] + list(hidden)
        assert sorted(covered) == sorted(counts)
        assert not (shown and hidden)


@pytest.mark.parametrize("value", [-1, 2.5, True, "5"])
def test_check_threshold_names_the_argument_and_the_value(value):
    with pytest.raises(AnalysisError, match=rf"min_n must be a whole number >= 0, got {value!r}"):
        check_threshold(value, "min_n")


def test_check_threshold_accepts_zero():
    assert check_threshold(0, "min_n") == 0


def test_public_names_are_all_exported():
    import casekit.privacy as privacy

    assert set(privacy.__all__) == set(disclosure.__all__)
    for name in privacy.__all__:
        assert getattr(privacy, name) is getattr(disclosure, name)


def _notes(rows: list[tuple[str, str, str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["top_region_id", "population", "method", "interviewee"])


def test_quotable_populations_count_people_of_quotable_notes_in_the_region_only():
    from casekit.privacy.disclosure import UNQUOTED_METHOD, quotable_populations, quoted_interviewees

    managers = [("hebei", "sales_manager", "interview", f"销售管理人员SM{i:03d}") for i in range(3)]
    raters = [("hebei", "sales_manager", UNQUOTED_METHOD, f"SM{i:03d}的360°评价人") for i in range(10, 12)]
    elsewhere = [("tianjin", "sales_manager", "interview", f"SM{i:03d}") for i in range(20, 25)]
    notes = _notes(managers + raters + elsewhere)
    # 3 managers interviewed + 2 raters of other managers + 5 elsewhere: not 5 in 河北
    assert quoted_interviewees(notes, "hebei").to_dict() == {"sales_manager": 3}
    assert quotable_populations(notes, "hebei") == set()
    assert quotable_populations(notes, "tianjin") == {"sales_manager"}
    # at the boundary: a fourth and a fifth person, over any quotable method
    more = _notes(managers + [("hebei", "sales_manager", "interview", "SM003"),
                              ("hebei", "sales_manager", "demo_hall_visit", "SM004")])
    assert quotable_populations(more.iloc[:4], "hebei") == set()
    assert quotable_populations(more, "hebei") == {"sales_manager"}


def test_quotable_populations_count_a_person_once_however_written():
    from casekit.privacy.disclosure import quotable_populations, quoted_interviewees

    # five notes of two people, written differently, and notes naming nobody
    same = ["客户经理AM030", "AM030", " am030 ", "客户经理ＡＭ０３１", "AM031", None, "", None]
    notes = _notes([("hebei", "account_manager", "interview", who) for who in same])
    assert quoted_interviewees(notes, "hebei").to_dict() == {"account_manager": 2}
    assert quotable_populations(notes, "hebei") == set()
    by = quoted_interviewees(notes.assign(method=["interview"] * 4 + ["ride_along_debrief"] * 4), "hebei",
                             ("population", "method"))
    assert by.to_dict() == {("account_manager", "interview"): 2, ("account_manager", "ride_along_debrief"): 1}
