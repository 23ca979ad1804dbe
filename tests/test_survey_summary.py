"""survey_summary.py and ``casekit survey``: an unseen questionnaire, end to end.

The acceptance test drafts a codebook for an export nobody wrote casekit for, edits only the
reverse keys (as a consultant would), and checks n, means and Cronbach's alpha against an
independent computation from the raw CSV.
"""

from __future__ import annotations

import csv
import importlib.util
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from casekit.analysis.survey_summary import (
    CROSSTAB_COLUMNS,
    DIFFERENCE_COLUMNS,
    SUMMARY_COLUMNS,
    categorical_by_group,
    format_p,
    group_differences,
    survey_summary,
)
from casekit.cli import main
from casekit.cli.headers import HEADERS, readable
from casekit.exceptions import SurveyFileError
from casekit.intake.codebook_draft import NUMBERS_TODO, write_draft

UNSEEN = Path(__file__).parent / "fixtures" / "questionnaires" / "unseen" / "kefu_training_needs.csv"
REVERSED = {"Q2_4", "Q3_2"}  # 客户情绪激动时我倾向于尽快结束通话 / 遇到资费争议我常常不知道怎么回应
AGREE7 = ["非常不同意", "不同意", "有点不同意", "一般", "有点同意", "同意", "非常同意"]
ALL_READERS = ("wjx", "tencent", "qualtrics", "limesurvey", "spss")


def _codebook(tmp_path: Path) -> Path:
    """The draft, with only the reverse keys edited."""
    path = tmp_path / "codebook.yaml"
    write_draft(UNSEEN, path, platform="plain")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in data["items"]:
        if item["id"] in REVERSED:
            item["reverse"] = True
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _expected(group_column: str | None = None) -> pd.DataFrame:
    """Scale statistics computed from the raw CSV with numpy only."""
    with UNSEEN.open(encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    scales = {"服务意识": [i for i, h in enumerate(header) if h.startswith("2.")],
              "投诉处理信心": [i for i, h in enumerate(header) if h.startswith("3.")]}

    def value(cell: str, scale: str) -> float:
        if cell in ("", "不适用"):
            return math.nan
        return float(AGREE7.index(cell) + 1) if scale == "服务意识" else float(cell)

    groups = [None] if group_column is None else sorted({r[header.index(group_column)] for r in rows})
    out = []
    for scale, cols in scales.items():
        matrix = np.array([[value(r[c], scale) for c in cols] for r in rows])
        for j, c in enumerate(cols):
            if header[c].startswith(("2.服务意识—客户情绪激动", "3.投诉处理信心—遇到资费争议")):
                matrix[:, j] = 8 - matrix[:, j]
        for group in groups:
            member = np.array([group is None or r[header.index(group_column)] == group for r in rows])
            everyone = matrix[member]
            k = everyone.shape[1]
            x = everyone[(~np.isnan(everyone)).sum(axis=1) >= math.ceil(k / 2)]  # min_answered=0.5
            scores = np.nanmean(x, axis=1)
            cov = np.empty((k, k))  # alpha: pairwise over every respondent, scored or not
            for a in range(k):
                for b in range(k):
                    both = ~np.isnan(everyone[:, a]) & ~np.isnan(everyone[:, b])
                    xa, xb = everyone[both, a], everyone[both, b]
                    cov[a, b] = ((xa - xa.mean()) * (xb - xb.mean())).sum() / (both.sum() - 1)
            alpha = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
            out.append({"scale": scale, "group": "(all)" if group is None else group, "n_items": k,
                        "n": len(scores), "mean": scores.mean(), "sd": scores.std(ddof=1), "alpha": alpha,
                        "note": ""})
    return pd.DataFrame(out, columns=list(SUMMARY_COLUMNS))


def test_unseen_questionnaire_draft_then_reverse_keys_then_reliability(tmp_path: Path):
    table = survey_summary(UNSEEN, _codebook(tmp_path), platform="plain")
    expected = _expected()
    assert table.columns.tolist() == list(SUMMARY_COLUMNS)
    assert table[["scale", "group", "n_items", "n"]].values.tolist() == [
        ["服务意识", "(all)", 5, 40], ["投诉处理信心", "(all)", 4, 40]]
    pd.testing.assert_frame_equal(table, expected, check_dtype=False, rtol=1e-12, atol=1e-12)
    assert (table["alpha"] > 0.8).all()  # the fixture's scales are coherent once reverse-keyed


def test_alpha_agrees_with_pingouin(tmp_path: Path):
    pingouin = pytest.importorskip("pingouin")
    from casekit.analysis.survey_summary import score_survey

    _, _, data = score_survey(UNSEEN, _codebook(tmp_path), platform="plain")
    table = survey_summary(UNSEEN, tmp_path / "codebook.yaml", platform="plain")
    for scale, ids in data.scales.items():
        alpha, _ = pingouin.cronbach_alpha(data.items[ids], nan_policy="pairwise")
        assert table.set_index("scale").at[scale, "alpha"] == pytest.approx(alpha, abs=1e-9)


def test_grouped_by_a_codebook_column_or_a_header(tmp_path: Path):
    codebook = _codebook(tmp_path)
    by_region = survey_summary(UNSEEN, codebook, by="region", platform="plain")
    pd.testing.assert_frame_equal(by_region, _expected("所在地市"), check_dtype=False, rtol=1e-12, atol=1e-12)
    by_team = survey_summary(UNSEEN, codebook, by="所在班组", platform="plain")
    pd.testing.assert_frame_equal(by_team, _expected("所在班组"), check_dtype=False, rtol=1e-12, atol=1e-12)
    assert by_team.groupby("scale")["n"].sum().tolist() == [40, 40]


def test_unanswered_group_is_its_own_group(tmp_path: Path):
    text = UNSEEN.read_text(encoding="utf-8-sig").replace(",石家庄,", ",,", 2)
    export = tmp_path / "export.csv"
    export.write_text(text, encoding="utf-8")
    table = survey_summary(export, _codebook(tmp_path), by="region", platform="plain")
    assert "（未填写）" in set(table["group"])
    assert table.groupby("scale")["n"].sum().tolist() == [40, 40]


def test_unknown_by_is_a_problem_naming_the_closest_headers(tmp_path: Path):
    with pytest.raises(SurveyFileError, match=r"column '工作年': expected a name under columns: in codebook.yaml"
                                              r" \(region\) or a header of kefu_training_needs.csv found once, "
                                              r"found '工作年 \(closest headers: 1.您在客服岗位的工作年限\)'"):
        survey_summary(UNSEEN, codebook := _codebook(tmp_path), by="工作年", platform="plain")
    # a header is never guessed: 岗位 is in 1.您在客服岗位的工作年限 but is not that question
    with pytest.raises(SurveyFileError, match=r"found '岗位 \(closest headers: 1.您在客服岗位的工作年限\)'"):
        survey_summary(UNSEEN, codebook, by="岗位", platform="plain")


def test_codebook_and_export_problems_come_together(tmp_path: Path):
    codebook = _codebook(tmp_path)
    codebook.write_text(codebook.read_text(encoding="utf-8").replace("scale: agree7", "scale: agree5", 1),
                        encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text(UNSEEN.read_text(encoding="utf-8-sig").replace(",KF002,", ",KF001,")
                      .replace("KF002,", "KF001,").replace(",3,4,6,6,", ",3,4,6,9,"), encoding="utf-8")
    with pytest.raises(SurveyFileError) as exc:
        survey_summary(export, codebook, platform="plain")
    found = {(p.file, p.column, p.found) for p in exc.value.problems}
    assert ("codebook.yaml", "scale", "agree5") in found
    assert ("export.csv", "编号", "KF001") in found
    assert ("export.csv", "3.投诉处理信心—我能向客户讲清套餐变更的规则", "9") in found


def test_cli_survey_prints_writes_and_exits(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: no header wraps
    codebook = _codebook(tmp_path)
    assert main(["survey", str(UNSEEN), "--codebook", str(codebook), "--platform", "plain"]) == 0
    out = capsys.readouterr().out.splitlines()
    # Chinese headers (the group column holds the groups' names: 分组)
    assert out[0].split() == ["分组" if c == "group" else HEADERS[c][0] for c in SUMMARY_COLUMNS]
    expected = _expected()
    first = out[1].split()
    assert first[:4] == ["服务意识", "全部", "5", "40"]  # every respondent together, in words
    assert float(first[4]) == round(expected.at[0, "mean"], 2)
    assert float(first[6]) == round(expected.at[0, "alpha"], 2)

    table = tmp_path / "out" / "summary.csv"
    assert main(["survey", str(UNSEEN), "--codebook", str(codebook), "--platform", "plain",
                 "--by", "所在班组", "--out", str(table)]) == 0
    written = pd.read_csv(table, dtype={"说明": str}).fillna({"说明": ""})
    # the statistics of the raw data, under Chinese headers and rounded for reading
    pd.testing.assert_frame_equal(written, readable(_expected("所在班组")), check_dtype=False, rtol=1e-9)
    # with --by, the group-difference table is written next to it; no temporary file is left
    assert sorted(p.name for p in table.parent.iterdir()) == ["summary.csv", "summary_groups.csv"]

    broken = tmp_path / "broken.yaml"
    broken.write_text(codebook.read_text(encoding="utf-8").replace("respondent_id: 编号", "respondent_id: 工号"),
                      encoding="utf-8")
    assert main(["survey", str(UNSEEN), "--codebook", str(broken), "--platform", "plain"]) == 1
    err = capsys.readouterr().err
    assert "casekit survey: 2 problems found" in err
    assert "broken.yaml, row 2, column 'respondent_id': expected a header of kefu_training_needs.csv" in err
    assert "kefu_training_needs.csv, column '编号': expected a column listed under items, columns or ignore" in err


def test_cli_survey_needs_a_codebook(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["survey", str(UNSEEN)])
    assert exc.value.code == 2


REFERENCE_EXPORTS = sorted(p for p in (Path(__file__).parent / "fixtures" / "exports").glob("*/*")
                           if p.suffix in (".csv", ".xlsx", ".sav", ".zip"))


@pytest.mark.parametrize("export", REFERENCE_EXPORTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reference_questionnaire_on_every_platform(export: Path, tmp_path: Path):
    """Draft, no edits, survey: the matrix question 3 is one 3-item scale with the same numbers."""
    for name in ALL_READERS:
        pytest.importorskip(f"casekit.surveys.{name}")
    codebook = tmp_path / "codebook.yaml"
    text = write_draft(export, codebook).text
    # the only question left: bare numbers in code exports (positions or values?)
    todos = [line.strip() for line in text.splitlines() if "TODO" in line]
    assert all(todo == f"# {NUMBERS_TODO}" for todo in todos)
    assert bool(todos) == any(word in export.stem for word in ("code", "numeric"))
    table = survey_summary(export, codebook).set_index("scale")
    q3 = table.loc[table["n_items"] == 3]
    assert len(q3) == 1
    # respondents' means of Q3_1..Q3_3: 11/3, 8/3, 3, 4 (respondent 4 left row 2 unanswered)
    assert q3["n"].iloc[0] == 4
    assert q3["mean"].iloc[0] == pytest.approx((11 / 3 + 8 / 3 + 3 + 4) / 4)


@pytest.mark.skipif(
    any(importlib.util.find_spec(f"casekit.surveys.{m}") is None for m in ALL_READERS),
    reason="platform detection needs every reader module",
)
def test_detection_reads_the_unseen_export_as_plain(tmp_path: Path, capsys):
    codebook = tmp_path / "codebook.yaml"
    assert main(["codebook", "draft", str(UNSEEN), "--out", str(codebook)]) == 0
    assert "# 平台 platform: plain" in codebook.read_text(encoding="utf-8")
    assert main(["survey", str(UNSEEN), "--codebook", str(codebook)]) == 0


# --------------------------------------------------------------------------------------------
# group differences (--by) and closed questions by group (--crosstabs)
#
# make_unseen.py builds the fixture so that 投诉处理信心 differs strongly between the teams
# (所在班组; TEAM_SHIFT) while 服务意识 does not depend on the team.


def _raw_scale_scores(group_column: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Scale → (scores, groups) of the scored respondents, from the raw CSV with numpy only."""
    with UNSEEN.open(encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    out = {}
    for scale, prefix in (("服务意识", "2."), ("投诉处理信心", "3.")):
        cols = [i for i, h in enumerate(header) if h.startswith(prefix)]
        matrix = np.array([[math.nan if r[c] in ("", "不适用") else
                            float(AGREE7.index(r[c]) + 1 if prefix == "2." else r[c]) for c in cols] for r in rows])
        scored = (~np.isnan(matrix)).sum(axis=1) >= math.ceil(len(cols) / 2)  # min_answered=0.5
        groups = np.array([r[header.index(group_column)] for r in rows])
        for j, c in enumerate(cols):
            if header[c].startswith(("2.服务意识—客户情绪激动", "3.投诉处理信心—遇到资费争议")):
                matrix[:, j] = 8 - matrix[:, j]
        out[scale] = (np.nanmean(matrix[scored], axis=1), groups[scored])
    return out


def test_group_differences_find_the_constructed_team_difference(tmp_path: Path):
    from scipy import stats

    table = group_differences(UNSEEN, _codebook(tmp_path), "所在班组", platform="plain")
    assert table.columns.tolist() == list(DIFFERENCE_COLUMNS)
    assert table["scale"].tolist() == ["服务意识", "投诉处理信心"]
    by_scale = table.set_index("scale")
    differs, same = by_scale.loc["投诉处理信心"], by_scale.loc["服务意识"]
    assert differs["p"] < 0.01 and differs["effect_size"] > 0.14  # a large effect
    assert same["p"] > 0.5 and same["effect_size"] < 0.02
    # two scales, one family: Benjamini–Hochberg over both (the larger p stays, the smaller doubles
    # unless the larger is below that)
    assert differs["p_adjusted"] == pytest.approx(min(2 * differs["p"], same["p"]))
    assert same["p_adjusted"] == pytest.approx(same["p"])

    for scale, (scores, groups) in _raw_scale_scores("所在班组").items():
        row = by_scale.loc[scale]
        samples = [scores[groups == g] for g in sorted(set(groups))]
        n, k = len(scores), len(samples)
        assert (row["n"], row["groups"]) == (n, k) == (40, 3)
        # the documented choice rule, applied independently
        kruskal = any(len(x) < 10 or abs(stats.skew(x, bias=False)) > 1 for x in samples)
        if kruskal:
            h, p = stats.kruskal(*samples)
            assert (row["test"], row["df"], row["effect"]) == ("Kruskal-Wallis", f"{k - 1}", "ε²")
            assert row["statistic"] == pytest.approx(h, rel=1e-12)
            assert row["effect_size"] == pytest.approx(h / (n - 1), rel=1e-12)
        else:
            f, p = stats.f_oneway(*samples)
            ss_between = sum(len(x) * (x.mean() - scores.mean()) ** 2 for x in samples)
            assert (row["test"], row["df"], row["effect"]) == ("ANOVA", f"{k - 1}, {n - k}", "eta²")
            assert row["statistic"] == pytest.approx(f, rel=1e-12)
            assert row["effect_size"] == pytest.approx(ss_between / ((scores - scores.mean()) ** 2).sum(), rel=1e-12)
        assert row["p"] == pytest.approx(p, rel=1e-9)
    # by construction: the skewed, floor-bound low teams send 投诉处理信心 to Kruskal-Wallis
    assert by_scale["test"].tolist() == ["ANOVA", "Kruskal-Wallis"]
    assert "clearly skewed" in differs["note"] and "at least 10 observations" in same["note"]


def test_group_differences_leave_out_unanswered_groups_and_say_when_no_test_applies(tmp_path: Path):
    codebook = _codebook(tmp_path)
    export = tmp_path / "export.csv"
    export.write_text(UNSEEN.read_text(encoding="utf-8-sig").replace(",石家庄,", ",,", 2), encoding="utf-8")
    table = group_differences(export, codebook, "region", platform="plain")
    assert table["n"].tolist() == [38, 38] and table["groups"].tolist() == [3, 3]
    assert table["note"].str.startswith("2 respondent(s) who did not answer region left out.").all()

    alone = group_differences(UNSEEN, codebook, "提交时间", platform="plain")  # every respondent a group
    assert alone["test"].isna().all() and alone["p"].isna().all() and alone["statistic"].isna().all()
    assert alone["groups"].tolist() == [0, 0]
    assert alone["note"].str.contains("No test: compare_groups needs at least 2 groups").all()

    with pytest.raises(SurveyFileError, match="column '工龄'"):
        group_differences(UNSEEN, codebook, "工龄", platform="plain")


def test_categorical_by_group_tests_the_closed_questions_that_are_not_items(tmp_path: Path):
    from scipy import stats

    codebook = _codebook(tmp_path)
    table = categorical_by_group(UNSEEN, codebook, "所在班组", platform="plain")
    assert table.columns.tolist() == list(CROSSTAB_COLUMNS)
    # not the items, the id, the grouping column itself, the times or the open question
    assert table["question"].tolist() == ["所在地市", "1.您在客服岗位的工作年限", "4.您最希望的培训形式"]
    raw = pd.read_csv(UNSEEN, encoding="utf-8-sig", dtype=str)
    for row in table.itertuples(index=False):
        observed = pd.crosstab(raw["所在班组"], raw[row.question])
        res = stats.chi2_contingency(observed.to_numpy(), correction=False)
        assert row.n == 40 and row.df == res.dof
        assert row.chi2 == pytest.approx(res.statistic, rel=1e-12)
        assert row.p == pytest.approx(res.pvalue, rel=1e-12)
        assert row.cramers_v == pytest.approx(math.sqrt(res.statistic / (40 * (min(observed.shape) - 1))), rel=1e-12)
        assert row.low_expected == bool((res.expected_freq < 5).mean() > 0.2)
    assert table["low_expected"].all() and table["note"].str.contains("unreliable").all()

    chosen = categorical_by_group(UNSEEN, codebook, "所在班组", columns=["region", "Q5"], platform="plain")
    assert chosen["question"].tolist() == ["所在地市", "5.您对本次培训还有什么建议？"]
    assert chosen["n"].tolist() == [40, 16]
    with pytest.raises(SurveyFileError, match=r"(?s)column '岗位'.*column '年龄段'"):
        categorical_by_group(UNSEEN, codebook, "所在班组", columns=["岗位", "年龄段"], platform="plain")


def test_format_p():
    assert [format_p(p) for p in (0.04567, 0.001, 0.000999, 1e-12, float("nan"))] == [
        "0.046", "0.001", "<0.001", "<0.001", "-"]


def test_cli_survey_by_prints_and_writes_the_group_differences(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: no header wraps
    codebook = _codebook(tmp_path)
    args = ["survey", str(UNSEEN), "--codebook", str(codebook), "--platform", "plain", "--by", "所在班组"]
    assert main(args) == 0
    reliability_part, groups_part = capsys.readouterr().out.rstrip("\n").split("\n\n")
    reliability_lines = reliability_part.splitlines()
    assert sum(line.startswith("〔") for line in reliability_lines) == len(set(_expected("所在班组")["note"]) - {""})
    assert len([line for line in reliability_lines if not line.startswith("〔")]) == 1 + 6
    lines = groups_part.splitlines()
    assert lines[0].split() == [HEADERS[c][0] for c in DIFFERENCE_COLUMNS]
    expected = group_differences(UNSEEN, codebook, "所在班组", platform="plain")
    rows = {line.split()[0]: line for line in lines[1:] if not line.startswith("〔")}
    notes = {line[: line.index("〕") + 1]: line[line.index("〕") + 1:] for line in lines if line.startswith("〔")}
    for row in expected.itertuples(index=False):
        cells = rows[row.scale].split()
        assert cells[1] == row.test and float(cells[2]) == round(row.statistic, 2)  # ids under CASEKIT_LANG=en
        p_at = 5 if row.test == "ANOVA" else 4  # df "2, 37" prints as two words
        assert cells[p_at] == format_p(row.p) and cells[p_at + 1] == format_p(row.p_adjusted)
        assert float(cells[p_at + 3]) == round(row.effect_size, 2)
        # the note is not cut: a mark in the row, the whole text under the table
        assert notes[cells[-1]] == row.note

    assert main([*args, "--crosstabs"]) == 0
    parts = capsys.readouterr().out.rstrip("\n").split("\n\n")
    assert len(parts) == 3 and parts[2].splitlines()[0].split()[0] == HEADERS[CROSSTAB_COLUMNS[0]][0]

    out = tmp_path / "out" / "stats.csv"
    assert main([*args, "--csv", str(out)]) == 0
    assert capsys.readouterr().out == ""
    # the CSVs hold the statistics under Chinese headers, rounded for reading (cli/headers.py)
    pd.testing.assert_frame_equal(pd.read_csv(out.with_name("stats_groups.csv"), dtype={"自由度": str}),
                                  readable(expected), check_dtype=False, rtol=1e-12)
    pd.testing.assert_frame_equal(pd.read_csv(out, dtype={"说明": str}).fillna({"说明": ""}),
                                  readable(_expected("所在班组")), check_dtype=False, rtol=1e-9)
    assert main([*args, "--crosstabs", "--csv", str(out)]) == 0
    assert sorted(p.name for p in out.parent.iterdir()) == ["stats.csv", "stats_crosstabs.csv", "stats_groups.csv"]

    assert main(["survey", str(UNSEEN), "--codebook", str(codebook), "--platform", "plain", "--crosstabs"]) == 2
    assert "--crosstabs needs --by" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# one reading per run, CSV for Excel, the codebook's platform:


def test_cli_survey_reads_and_scores_the_export_once(tmp_path: Path, monkeypatch, capsys):
    import casekit.analysis.survey_summary as module

    codebook = _codebook(tmp_path)
    calls = {"read": 0, "apply": 0}
    real_read, real_apply = module.read_export, module.apply_questionnaire

    def read(*args, **kwargs):
        calls["read"] += 1
        return real_read(*args, **kwargs)

    def apply(*args, **kwargs):
        calls["apply"] += 1
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(module, "read_export", read)
    monkeypatch.setattr(module, "apply_questionnaire", apply)
    args = ["survey", str(UNSEEN), "--codebook", str(codebook), "--platform", "plain", "--by", "所在班组"]
    assert main([*args, "--crosstabs"]) == 0
    assert calls == {"read": 1, "apply": 1}
    capsys.readouterr()

    # the ScoredSurvey methods give the tables of the path functions
    scored = module.score_survey(UNSEEN, codebook, platform="plain")
    export, questionnaire, data = scored  # still unpacks like the former tuple
    assert data is scored.data and export is scored.export and questionnaire is scored.questionnaire
    pd.testing.assert_frame_equal(scored.summary("region"),
                                  survey_summary(UNSEEN, codebook, by="region", platform="plain"))
    pd.testing.assert_frame_equal(scored.group_differences("所在班组"),
                                  group_differences(UNSEEN, codebook, "所在班组", platform="plain"))
    pd.testing.assert_frame_equal(scored.crosstabs("所在班组"),
                                  categorical_by_group(UNSEEN, codebook, "所在班组", platform="plain"))


def test_cli_survey_csv_has_a_bom_for_excel(tmp_path: Path):
    out = tmp_path / "stats.csv"
    assert main(["survey", str(UNSEEN), "--codebook", str(_codebook(tmp_path)), "--platform", "plain",
                 "--by", "所在班组", "--crosstabs", "--out", str(out)]) == 0
    for name in ("stats.csv", "stats_groups.csv", "stats_crosstabs.csv"):
        raw = (tmp_path / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        assert raw[3:].decode("utf-8").startswith(("量表,", "题目,"))  # Chinese headers
    assert "服务意识" in out.read_text(encoding="utf-8-sig")


def test_the_codebooks_platform_is_the_default_reader(tmp_path: Path, monkeypatch):
    import casekit.analysis.survey_summary as module

    codebook = _codebook(tmp_path)
    text = codebook.read_text(encoding="utf-8")
    codebook.write_text("platform: plain\n" + text, encoding="utf-8")
    seen: list[str | None] = []
    real_read = module.read_export

    def read(path, platform=None, **kwargs):
        seen.append(platform)
        return real_read(path, platform=platform, **kwargs)

    monkeypatch.setattr(module, "read_export", read)
    survey_summary(UNSEEN, codebook)
    survey_summary(UNSEEN, codebook, platform="plain")
    codebook.write_text("platform: auto\n" + text, encoding="utf-8")
    survey_summary(UNSEEN, codebook)
    assert seen == ["plain", "plain", None]

    codebook.write_text("platform: spss\n" + text, encoding="utf-8")  # a CSV is no .sav: read as spss
    with pytest.raises(SurveyFileError, match="kefu_training_needs.csv"):
        survey_summary(UNSEEN, codebook)


# --------------------------------------------------------------------------------------------
# issue 10: a real 问卷星 export with six labels, three matrix questions sharing a stem


CONFORM6 = ["非常不符合", "不符合", "有点不符合", "有点符合", "符合", "非常符合"]
STEM = "请评价以下说法与您的符合程度"
POPULATIONS = {6: "客户经理", 7: "支撑人员", 8: "管理人员"}  # question asked of each population


def _wjx_six_labels(path: Path, n: int = 45) -> tuple[Path, dict[int, np.ndarray], list[str]]:
    """A 问卷星 按文本 CSV: staff codes, 性别/年龄段/班组, questions 6–8 (same stem) per population.

    Returns the file, each question's answer codes 1–6 (rows of its population, in file order)
    and each row's staff code.
    """
    rng = np.random.default_rng(10)
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的工号", "2、您的性别",
              "3、您的年龄段", "4、您所在的班组", "5、您的岗位"]
    for q in POPULATIONS:
        header += [f"{q}、{STEM}—说法{k}" for k in range(1, 5)]
    codes: dict[int, list[list[int]]] = {q: [] for q in POPULATIONS}
    rows, staff = [], []
    for r in range(n):
        q_asked = list(POPULATIONS)[r % 3]
        trait = rng.normal()
        staff.append(f"AM{r + 101:03d}")
        row = [str(r + 1), f"2024/5/{1 + r % 28} 10:{r % 60:02d}:00", f"{60 + r}秒", "微信", "N/A", f"1.2.3.{r}",
               staff[-1], ["男", "女"][r % 2], ["30岁以下", "30-39岁", "40岁及以上"][(r // 3) % 3],
               ["1组", "2组", "10组"][(r // 9) % 3], POPULATIONS[q_asked]]
        for q in POPULATIONS:
            if q != q_asked:
                row += ["(跳过)"] * 4
                continue
            answers = [int(np.clip(np.rint(3.5 + 1.2 * trait + rng.normal(scale=0.7)), 1, 6)) for _ in range(4)]
            if len(codes[q]) < 6:
                answers[0] = len(codes[q]) + 1  # every label is used in every question
            codes[q].append(answers)
            row += [CONFORM6[a - 1] for a in answers]
        rows.append(row)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path, {q: np.array(c, dtype=float) for q, c in codes.items()}, staff


def test_six_labels_score_1_to_6_and_questions_sharing_a_stem_stay_apart(tmp_path: Path):
    """Issue 10: no invented midpoint 一般 = 4, no 12-item scale across three populations."""
    from casekit.analysis.psychometrics import cronbach_alpha

    export, codes, _ = _wjx_six_labels(tmp_path / "问卷星_按文本.csv")
    codebook = tmp_path / "codebook.yaml"
    text = write_draft(export, codebook).text
    assert "一般" not in text.split("items:")[0]
    assert [line for line in text.splitlines() if "TODO" in line] == []  # exactly a known 6-point set
    data = yaml.safe_load(text)
    assert data["scales"] == {"conform6": {"labels": dict(zip(CONFORM6, range(1, 7)))}}
    assert sorted({item["dimension"] for item in data["items"]}) == [f"{STEM}（第{q}题）" for q in POPULATIONS]
    table = survey_summary(export, codebook).set_index("scale")
    assert table["n_items"].tolist() == [4, 4, 4]
    for q, matrix in codes.items():
        row = table.loc[f"{STEM}（第{q}题）"]
        assert row["n"] == len(matrix) == 15
        assert row["alpha"] == pytest.approx(cronbach_alpha(pd.DataFrame(matrix)).alpha, abs=1e-12)
        assert row["mean"] == pytest.approx(matrix.mean(axis=1).mean(), abs=1e-12)
        assert row["note"] == ""


def test_items_asked_of_different_people_in_one_scale_say_why_alpha_is_blank(tmp_path: Path, capsys):
    export, _, _ = _wjx_six_labels(tmp_path / "问卷星_按文本.csv")
    codebook = tmp_path / "codebook.yaml"
    write_draft(export, codebook)
    merged = re.sub(r"dimension: \S+（第\d题）", "dimension: 符合程度", codebook.read_text(encoding="utf-8"))
    codebook.write_text(merged, encoding="utf-8")
    row = survey_summary(export, codebook).iloc[0]
    assert row["n_items"] == 12 and row["n"] == 0 and math.isnan(row["alpha"])  # 4 of 12 answered: no score
    assert row["note"] == ("0 respondent(s) with a scale score (at least 6 of its 12 items answered): no mean, "
                           "no sd and no alpha (they need at least 2). Its items were answered by different "
                           "people (no respondent answered all of them; items asked of different populations "
                           "are different scales).")
    # with a score from one item, alpha is still blank and says why
    scored_anyway = survey_summary(export, codebook, min_answered=1).iloc[0]
    assert scored_anyway["n"] == 45 and math.isnan(scored_anyway["alpha"])
    assert scored_anyway["note"].startswith("No alpha: its items were answered by different people")
    assert main(["survey", str(export), "--codebook", str(codebook)]) == 0
    assert "Its items were answered by different people" in capsys.readouterr().out


def test_draft_prefers_the_staff_codes_the_bundles_other_tables_use(tmp_path: Path, capsys):
    """Issue 10: 序号 was taken as the respondent id although ride-alongs name people by 工号."""
    export, _, staff = _wjx_six_labels(tmp_path / "问卷星_按文本.csv")
    assert main(["codebook", "draft", str(export)]) == 0
    printed = capsys.readouterr()
    assert yaml.safe_load(printed.out)["columns"]["respondent_id"] == "序号"
    assert ("respondent id: '序号': the platform's response number, one distinct value per response; "
            "'1、您的工号' also holds one code per response: give --bundle") in printed.err

    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "manifest.yaml").write_text("bundle: b\n", encoding="utf-8")
    (bundle / "ride_alongs.csv").write_text("visit_id,account_manager\n" + "".join(
        f"V{i},{code}\n" for i, code in enumerate(staff[:30])), encoding="utf-8")
    out = tmp_path / "codebook.yaml"
    assert main(["codebook", "draft", str(export), "--bundle", str(bundle), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert ("respondent id: '1、您的工号': 30 of its 45 values are staff codes used in the bundle's "
            "ride_alongs.csv (account_manager)") in err
    text = out.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["columns"]["respondent_id"] == "1、您的工号"
    assert "# 答卷编号列 / respondent id: 「1、您的工号」：45 个值中有 30 个是资料包ride_alongs.csv (account_manager)中的员工编号" in text
    assert survey_summary(export, out).shape[0] == 3  # the draft scores as written

    assert main(["codebook", "draft", str(export), "--bundle", str(tmp_path)]) == 1
    assert "expected a research bundle folder (with manifest.yaml)" in capsys.readouterr().err


def test_by_finds_the_header_without_its_number_and_lists_groups_in_option_order(tmp_path: Path, capsys,
                                                                                 monkeypatch):
    """Issue 10: ``--by 性别`` failed (the header is ``2、您的性别``); groups came in string order."""
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: no header wraps
    export, _, _ = _wjx_six_labels(tmp_path / "问卷星_按文本.csv")
    codebook = tmp_path / "codebook.yaml"
    write_draft(export, codebook)
    scale = f"{STEM}（第6题）"
    for by, groups in [("性别", ["男", "女"]), ("您的性别", ["男", "女"]), ("2、您的性别", ["男", "女"]),
                       ("年龄段", ["30岁以下", "30-39岁", "40岁及以上"]), ("班组", ["1组", "2组", "10组"])]:
        table = survey_summary(export, codebook, by=by)
        assert table.loc[table["scale"] == scale, "group"].tolist() == groups, by
    differences = group_differences(export, codebook, "年龄段")
    assert differences["groups"].tolist() == [3, 3, 3]
    assert main(["survey", str(export), "--codebook", str(codebook), "--by", "性别"]) == 0
    printed = capsys.readouterr()
    assert "--by 性别: grouped by the column '2、您的性别'" in printed.err
    rows = [line.split()[1] for line in printed.out.splitlines()[1:7]]
    assert rows == ["男", "女"] * 3


def test_by_that_matches_several_headers_lists_them(tmp_path: Path):
    text = UNSEEN.read_text(encoding="utf-8-sig").splitlines()
    lines = [text[0] + ",6.您的性别,7.您的性别"] + [f"{line},男,女" for line in text[1:]]
    export = tmp_path / "export.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    codebook = _codebook(tmp_path)
    codebook.write_text(codebook.read_text(encoding="utf-8").replace("ignore:\n", "ignore:\n- 6.您的性别\n- 7.您的性别\n"),
                        encoding="utf-8")
    with pytest.raises(SurveyFileError, match=r"column '性别': expected .*found \"'性别' in 2 headers: "
                                              r"6.您的性别 / 7.您的性别\""):
        survey_summary(export, codebook, by="性别", platform="plain")


def test_scoring_reports_each_item_and_scores_the_same(tmp_path: Path):
    from casekit.analysis.survey_summary import score_survey
    from conftest import RecordingProgress

    codebook = _codebook(tmp_path)
    progress = RecordingProgress()
    shown = score_survey(UNSEEN, codebook, platform="plain", progress=progress)
    quiet = score_survey(UNSEEN, codebook, platform="plain")
    pd.testing.assert_frame_equal(shown.data.items, quiet.data.items)
    pd.testing.assert_frame_equal(shown.summary("region"), quiet.summary("region"))
    n_items = len(quiet.data.items.columns)
    last = {label: (count, total) for label, count, total in progress.seen}
    assert last["读取问卷"] == (41, None)  # the header and 40 answer sheets
    assert last["计分"] == (n_items, n_items)
    assert [label for label, count, _ in progress.seen if count == 0] == ["读取问卷", "整理答卷", "计分", "检查重复提交"]
