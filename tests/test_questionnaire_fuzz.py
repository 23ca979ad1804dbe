"""Fuzz the consumers of exports: standalone codebooks, drafts and the survey tables.

Random codebook texts (valid-looking ones built from the export's own headers, keys and
answers, mutated ones, and garbage) and random small exports (built with
:func:`casekit.surveys._build.assemble`: any kinds, statuses, options, value labels and
identifying metadata) go through :func:`~casekit.intake.questionnaire.parse_questionnaire`,
:func:`~casekit.intake.questionnaire.apply_questionnaire`,
:func:`~casekit.intake.codebook_draft.draft_codebook` and the
:class:`~casekit.analysis.survey_summary.ScoredSurvey` tables (reliability, group differences,
crosstabs). Whatever they are given, only :class:`~casekit.exceptions.CasekitError` subclasses
may come out; a draft must always parse as a codebook (YAML, no problems with its own
structure).
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit.analysis.survey_summary import (
    ScoredSurvey,
    categorical_by_group,
    group_differences,
    survey_summary,
)
from casekit.exceptions import CasekitError
from casekit.intake.codebook_draft import draft_codebook, write_draft
from casekit.surveys._build import assemble
from casekit.surveys.model import KINDS, STATUSES, ExportColumn, SurveyExport
from casekit.intake.questionnaire import apply_questionnaire, parse_questionnaire

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_counter = itertools.count()

#: Answers drawn for the cells: labels of recognised sets, numbers, codes, markers, junk.
ANSWERS = ("非常不同意", "不同意", "一般", "同意", "非常同意", "非常符合", "比较符合", "不太符合",
           "1", "2", "3", "4", "5", "0", "7", "10", "-3", "92.5", "1e400", "nan", "", "(空)", "不适用",
           "客服", "班长", "保定", "a;b", "其他〖云〗", " ", "１", "٣")
HEADERS = ("编号", "所在地市", "1.您的岗位", "2.服务意识—主动", "2.服务意识—安抚", "3.信心—升级", "4.建议",
           "Q1", "Q1_1", "", " ", "序号", "IP", "提交时间", "a: b", "#x", "[y]")
META = ("response_id", "ip", "user_id", "submitted_at", "duration_s")


@st.composite
def exports(draw: st.DrawFn) -> SurveyExport:
    """A small random export: 0–6 rows, 1–7 columns, any kinds and statuses."""
    n_cols = draw(st.integers(1, 7))
    columns = []
    used: set[str] = set()
    for j in range(n_cols):
        kind = draw(st.sampled_from(KINDS))
        if kind == "meta":
            key = draw(st.sampled_from(META))
        else:
            key = draw(st.sampled_from((f"Q{j}", f"Q{j}_1", f"Q{j}_other")))
        if key in used:
            key = f"{key}_{j}"
        used.add(key)
        header = draw(st.sampled_from(HEADERS) | st.text(max_size=6))
        options = tuple(draw(st.lists(st.sampled_from(ANSWERS), max_size=5))) if draw(st.booleans()) else ()
        number = None if kind == "meta" else draw(st.none() | st.integers(0, 4))
        columns.append(ExportColumn(key, header, kind, number, draw(st.sampled_from(("", "服务意识", "Q"))),
                                    draw(st.none() | st.sampled_from(("a", "其他"))),
                                    draw(st.none() | st.sampled_from(("QID1", "Q1[SQ001]", "v1"))), options))
    n_rows = draw(st.integers(0, 6))
    values = [[draw(st.sampled_from(ANSWERS)) for _ in columns] for _ in range(n_rows)]
    statuses = [[draw(st.sampled_from(STATUSES)) for _ in columns] for _ in range(n_rows)]
    if draw(st.booleans()) and n_rows:  # duplicated rows: submissions sent twice, or not
        values.append(list(values[0]))
        statuses.append(list(statuses[0]))
        n_rows += 1
    labels = {}
    for col in columns:
        if draw(st.integers(0, 3)) == 0:
            labels[col.key] = draw(st.dictionaries(st.sampled_from(("1", "2", "3", "5", "x", "-3", "1.0")),
                                                   st.sampled_from(ANSWERS), max_size=4))
    rows = draw(st.lists(st.integers(1, 9), min_size=n_rows, max_size=n_rows))
    platform = draw(st.sampled_from(("wjx", "plain", "spss", "qualtrics")))
    return assemble(Path(f"export_{next(_counter)}.csv"), platform, "utf-8", columns, values, statuses, rows, labels)


_SCALAR = st.none() | st.booleans() | st.integers(-3, 12) | st.floats(allow_nan=True) | st.sampled_from(ANSWERS)


@st.composite
def codebook_texts(draw: st.DrawFn, export: SurveyExport) -> str:
    """A codebook YAML text for ``export``: valid, structured (rarely valid), mutated, or garbage."""
    how = draw(st.sampled_from(("valid", "valid", "structured", "mutated", "garbage")))
    if how == "valid":
        return _valid_codebook(draw, export)
    if how == "garbage":
        return draw(st.text(max_size=200) | st.sampled_from(("- a\n", "items: [a\n", "{}", "null", "scales: 3\n")))
    headers = [c.header for c in export.columns] + ["不存在"]
    keys = [c.key for c in export.columns]

    def match() -> dict:
        kind = draw(st.sampled_from(("column", "key", "pattern", "platform_id", "both")))
        if kind == "column":
            return {"column": draw(st.sampled_from(headers))}
        if kind == "key":
            return {"key": draw(st.sampled_from(keys))}
        if kind == "pattern":
            return {"pattern": draw(st.sampled_from(("服务", "^Q", "(", ".*", "[")))}
        if kind == "platform_id":
            return {"platform_id": draw(st.sampled_from(("QID1", "v1", "x")))}
        return {"column": draw(st.sampled_from(headers)), "key": draw(st.sampled_from(keys))}

    scales = {}
    for name in draw(st.lists(st.sampled_from(("agree5", "num", "ten", "bad")), min_size=1, max_size=3, unique=True)):
        labels = draw(st.dictionaries(st.sampled_from(ANSWERS), _SCALAR, min_size=0, max_size=6))
        scales[name] = {"labels": labels} if draw(st.integers(0, 5)) else draw(_SCALAR)
    items = []
    for i in range(draw(st.integers(0, 5))):
        item = {"id": draw(st.sampled_from((f"i{i}", "i0", ""))), **match(),
                "dimension": draw(st.sampled_from(("服务意识", "信心", ""))),
                "scale": draw(st.sampled_from([*scales, "none"]))}
        if draw(st.booleans()):
            item["reverse"] = draw(st.booleans() | st.sampled_from(("是", 1)))
        if draw(st.integers(0, 4)) == 0:
            item["populations"] = draw(st.sampled_from(("客服", ["a"], 3)))
        items.append(item)
    data: dict = {"scales": scales, "items": items}
    if draw(st.booleans()):
        data["columns"] = {name: (draw(st.sampled_from(headers)) if draw(st.booleans()) else match())
                           for name in draw(st.lists(st.sampled_from(("respondent_id", "region", "team")),
                                                     max_size=3, unique=True))}
    if draw(st.booleans()):
        data["missing"] = draw(st.lists(st.sampled_from(ANSWERS), max_size=3)) if draw(st.integers(0, 4)) else "x"
    if draw(st.booleans()):
        data["ignore"] = draw(st.lists(st.sampled_from(headers + keys), max_size=6)) if draw(st.integers(0, 4)) else 7
    if draw(st.integers(0, 3)) == 0:
        data["platform"] = draw(st.sampled_from(("wjx", "auto", "WJX", "nope", None, 3)))
    if draw(st.integers(0, 5)) == 0:
        data["background"] = [{"id": "age", **match(), "type": "category"}, "x"]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if how == "mutated" and text:
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + draw(st.sampled_from(("", ":", "\n  - ", "'", "{", "\t", "x"))) + text[at + 1:]
    return text


def _valid_codebook(draw: st.DrawFn, export: SurveyExport) -> str:
    """A codebook that scores ``export``: every answer a label, every question column listed."""
    questions = [c for c in export.columns if c.kind != "meta"]
    values = [draw(st.integers(0, 10)) for _ in ANSWERS]
    values[0], values[1] = 1, 5  # two different values at least
    data: dict = {"scales": {"s": {"labels": dict(zip(ANSWERS, values))}}, "items": [], "ignore": []}
    columns: dict = {}
    for col in questions:
        role = draw(st.sampled_from(("item", "item", "item", "group", "ignore")))
        if role == "item":
            data["items"].append({"id": f"i{len(data['items'])}", "key": col.key,
                                  "dimension": draw(st.sampled_from(("D", "E"))), "scale": "s",
                                  "reverse": draw(st.booleans())})
        elif role == "group" and len(columns) < 2:
            columns[draw(st.sampled_from(("region", "respondent_id", "team")))] = {"key": col.key}
        else:
            data["ignore"].append(col.key)
    if columns:
        data["columns"] = columns
    if not data["items"]:
        data["items"] = [{"id": "x", "key": "Q0", "dimension": "D", "scale": "s"}]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _tables(scored: ScoredSurvey, by: str | None) -> None:
    """Every table of a scored survey; only casekit errors may come out."""
    for call in (lambda: scored.summary(by), lambda: scored.summary(None, min_answered=1)):
        try:
            call()
        except CasekitError:
            pass
    if by is None:
        return
    for call in (lambda: scored.group_differences(by), lambda: scored.crosstabs(by),
                 lambda: scored.crosstabs(by, explode_multi=False, columns=[by])):
        try:
            call()
        except CasekitError:
            pass


def _consume(export: SurveyExport, text: str, by_choice: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "codebook.yaml"
        path.write_text(text, encoding="utf-8")
        questionnaire, problems = parse_questionnaire(path)
        if questionnaire is None:
            assert problems
            return
        try:
            data = apply_questionnaire(export, questionnaire, earlier=problems)
        except CasekitError:
            return
        assert not problems
        assert list(data.items.columns) == [i.id for i in questionnaire.items]
        candidates = [None, *data.groups.columns, *(c.header.strip() for c in export.columns), "不存在"]
        _tables(ScoredSurvey(export, questionnaire, data), candidates[by_choice % len(candidates)])


@FUZZ
@given(st.data())
def test_random_codebooks_on_random_exports_raise_only_casekit_errors(data: st.DataObject) -> None:
    export = data.draw(exports())
    text = data.draw(codebook_texts(export))
    _consume(export, text, data.draw(st.integers(0, 20)))


@FUZZ
@given(exports(), st.integers(0, 20))
def test_drafts_of_random_exports_parse_and_score_or_say_why(export: SurveyExport, by_choice: int) -> None:
    try:
        text = draft_codebook(export)
    except CasekitError:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "codebook.yaml"
        path.write_text(text, encoding="utf-8")
        questionnaire, problems = parse_questionnaire(path)
        assert questionnaire is not None, problems
        # a draft may lack items (nothing scale-like) but its structure is always valid
        assert all(p.column in ("items", "scales") for p in problems), problems
    _consume(export, text, by_choice)


@FUZZ
@given(st.lists(st.sampled_from(HEADERS[:8]), min_size=1, max_size=6, unique=True),
       st.lists(st.lists(st.sampled_from(ANSWERS), min_size=6, max_size=6), max_size=6),
       st.sampled_from((None, "region", "所在地市", "1.您的岗位")))
def test_csv_files_through_draft_and_survey_summary(headers: list[str], rows: list[list[str]], by: str | None) -> None:
    """The path functions end to end: a CSV as downloaded, its draft unedited, the tables."""
    with tempfile.TemporaryDirectory() as tmp:
        export, codebook = Path(tmp) / "export.csv", Path(tmp) / "codebook.yaml"
        lines = [",".join(headers)] + [",".join(f'"{v}"' for v in row[: len(headers)]) for row in rows]
        export.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            write_draft(export, codebook, platform="plain")
        except CasekitError:
            return
        calls = [lambda: survey_summary(export, codebook, by=by, platform="plain")]
        if by is not None:
            calls += [lambda: group_differences(export, codebook, by, platform="plain"),
                      lambda: categorical_by_group(export, codebook, by, platform="plain")]
        for call in calls:
            try:
                call()
            except CasekitError:
                pass
