"""survey_summary.py and ``casekit survey``: an unseen questionnaire, end to end.

The acceptance test drafts a codebook for an export nobody wrote casekit for, edits only the
reverse keys (as a consultant would), and checks n, means and Cronbach's alpha against an
independent computation from the raw CSV.
"""

from __future__ import annotations

import csv
import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from casekit.analysis.survey_summary import SUMMARY_COLUMNS, survey_summary
from casekit.cli import main
from casekit.exceptions import SurveyFileError
from casekit.intake.codebook_draft import write_draft

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
            x = matrix[member]
            k = x.shape[1]
            x = x[(~np.isnan(x)).sum(axis=1) >= math.ceil(k / 2)]  # min_answered=0.5
            scores = np.nanmean(x, axis=1)
            cov = np.empty((k, k))
            for a in range(k):
                for b in range(k):
                    both = ~np.isnan(x[:, a]) & ~np.isnan(x[:, b])
                    xa, xb = x[both, a], x[both, b]
                    cov[a, b] = ((xa - xa.mean()) * (xb - xb.mean())).sum() / (both.sum() - 1)
            alpha = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
            out.append({"scale": scale, "group": "(all)" if group is None else group, "n_items": k,
                        "n": len(scores), "mean": scores.mean(), "sd": scores.std(ddof=1), "alpha": alpha})
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


def test_unknown_by_is_a_problem(tmp_path: Path):
    with pytest.raises(SurveyFileError, match=r"column '班组': expected a name under columns: in codebook.yaml"
                                              r" \(region\) or a header of kefu_training_needs.csv found once"):
        survey_summary(UNSEEN, _codebook(tmp_path), by="班组", platform="plain")


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


def test_cli_survey_prints_writes_and_exits(tmp_path: Path, capsys):
    codebook = _codebook(tmp_path)
    assert main(["survey", str(UNSEEN), "--codebook", str(codebook), "--platform", "plain"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == list(SUMMARY_COLUMNS)
    expected = _expected()
    first = out[1].split()
    assert first[:4] == ["服务意识", "(all)", "5", "40"]
    assert float(first[4]) == round(expected.at[0, "mean"], 2)
    assert float(first[6]) == round(expected.at[0, "alpha"], 3)

    table = tmp_path / "out" / "summary.csv"
    assert main(["survey", str(UNSEEN), "--codebook", str(codebook), "--platform", "plain",
                 "--by", "所在班组", "--out", str(table)]) == 0
    written = pd.read_csv(table)
    pd.testing.assert_frame_equal(written, _expected("所在班组"), check_dtype=False, rtol=1e-9)
    assert [p.name for p in table.parent.iterdir()] == ["summary.csv"]

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
        pytest.importorskip(f"casekit.intake.exports.{name}")
    codebook = tmp_path / "codebook.yaml"
    text = write_draft(export, codebook)
    assert "TODO" not in text
    table = survey_summary(export, codebook).set_index("scale")
    q3 = table.loc[table["n_items"] == 3]
    assert len(q3) == 1
    # respondents' means of Q3_1..Q3_3: 11/3, 8/3, 3, 4 (respondent 4 left row 2 unanswered)
    assert q3["n"].iloc[0] == 4
    assert q3["mean"].iloc[0] == pytest.approx((11 / 3 + 8 / 3 + 3 + 4) / 4)


@pytest.mark.skipif(
    any(importlib.util.find_spec(f"casekit.intake.exports.{m}") is None for m in ALL_READERS),
    reason="platform detection needs every reader module",
)
def test_detection_reads_the_unseen_export_as_plain(tmp_path: Path, capsys):
    codebook = tmp_path / "codebook.yaml"
    assert main(["codebook", "draft", str(UNSEEN), "--out", str(codebook)]) == 0
    assert "# 平台 platform: plain" in codebook.read_text(encoding="utf-8")
    assert main(["survey", str(UNSEEN), "--codebook", str(codebook)]) == 0
