"""casekit speaks Chinese (casekit/language.py): ``--help``, argparse's own words and errors, and
every problem ``casekit validate`` reports; ``CASEKIT_LANG=en`` gives the English text back.

The rest of the suite runs with ``CASEKIT_LANG=en`` (tests/conftest.py); these tests switch to
Chinese with ``monkeypatch``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BROKEN, MINI
from test_intake_followup import PLANTED as FOLLOWUP_PLANTED
from test_intake_followup import _followup as followup_files

from casekit import cli
from casekit.cli.terminal_table import cell_width
from casekit.language import language, tr

ROOT = Path(__file__).resolve().parents[1]

#: Four or more English words in a row: a sentence (or most of one) left in English.
ENGLISH_PHRASE = re.compile(r"[A-Za-z]{2,}(?:[,;:()'-]*\s+[,;:()'-]*[A-Za-z]{2,}){3,}")
#: What is data in a message and so shown as found: 「…」, '…', "…", and paths and options.
QUOTED = re.compile(r"「[^」]*」|'[^']*'|\"[^\"]*\"|“[^”]*”|\{[^}]*\}|\S*[/\\.]\S*|--?[a-z][\w-]*")


@pytest.fixture
def zh(monkeypatch):
    """The language a consultant gets by default: Chinese."""
    monkeypatch.setenv("CASEKIT_LANG", "zh")


def english_phrases(text: str) -> list[str]:
    """The English phrases of ``text`` outside quoted values, file names and options."""
    return [m.group() for line in text.splitlines() for m in ENGLISH_PHRASE.finditer(QUOTED.sub(" ", line))]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """``casekit argv`` → exit code, stdout, stderr (``--help`` and usage errors exit via SystemExit)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# -- the language ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "expected"), [
    (None, "zh"), ("", "zh"), ("zh", "zh"), ("zh_CN.UTF-8", "zh"), ("fr", "zh"), ("english?", "en"),
    ("en", "en"), ("EN", "en"), ("en_US.UTF-8", "en"),
])
def test_chinese_unless_casekit_lang_says_english(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("CASEKIT_LANG", raising=False)
    else:
        monkeypatch.setenv("CASEKIT_LANG", value)
    assert language() == expected
    assert tr("中文", "English") == ("English" if expected == "en" else "中文")


def test_a_new_shell_without_the_variable_gets_chinese_help():
    env = {k: v for k, v in os.environ.items() if k != "CASEKIT_LANG"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-m", "casekit.cli", "--help"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0
    assert done.stdout.startswith("用法：casekit")


# -- --help ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [["--help"], ["validate", "--help"], ["build", "--help"], ["case", "list", "--help"],
                                  ["codebook", "draft", "--help"], ["init", "--help"]])
def test_help_is_chinese_and_fits_80_columns(zh, capsys, argv):
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert out.startswith("用法：casekit")
    assert "选项：" in out and "显示帮助并退出" in out
    assert not english_phrases(out), english_phrases(out)
    assert "usage:" not in out and "options:" not in out and "show this help" not in out
    too_wide = [line for line in out.splitlines() if cell_width(line) > 80]
    assert not too_wide, too_wide


def test_help_columns_line_up_after_chinese_placeholders(zh, capsys):
    _, out, _ = run(capsys, "init", "--help")
    starts = {cell_width(line[: line.index(text)]) for line in out.splitlines()
              for text in ("客户名称", "项目名称", "显示帮助") if text in line}
    assert len(starts) == 1, out  # the help of --client 名称 starts where that of -h does


def test_top_level_help_describes_casekit_and_its_commands_in_chinese(zh, capsys):
    _, out, _ = run(capsys, "--help")
    assert "位置参数：" in out
    assert "检查调研资料包，列出全部问题" in out  # validate
    assert "生成资料包中每个地区的报告" in out  # build


# -- argparse's errors -------------------------------------------------------------------------------
def test_a_missing_argument_is_a_chinese_usage_error(zh, capsys):
    code, _, err = run(capsys, "validate")
    assert code == 2
    assert err.splitlines()[0].startswith("用法：casekit validate")
    assert err.splitlines()[-1] == "casekit validate: 错误：缺少必需的参数：资料包"


@pytest.mark.parametrize(("argv", "said"), [
    (["nosuch"], "参数 命令：无效的选择 'nosuch'（可选：'init'、"),
    (["gaps", str(MINI), "--by", "foo"], "参数 --by：无效的选择 'foo'（可选：'top_region'、'city'、'all'）"),
    (["validate", str(MINI), "extra"], "不认识的参数：extra"),
    (["gaps", str(MINI), "--min-n"], "参数 --min-n：需要给出一个值"),
    (["gaps", str(MINI), "--min-n", "x"], "参数 --min-n：'x' 不是有效的整数"),
    (["build", str(MINI), "--jobs", "0"], "参数 --jobs：应为不小于 1 的整数，实际为「0」"),
])
def test_usage_errors_are_chinese(zh, capsys, argv, said):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert said in err
    assert not english_phrases(err), english_phrases(err)


# -- casekit's own errors ----------------------------------------------------------------------------
def test_validate_prints_every_problem_in_chinese_with_file_row_and_column(zh, capsys):
    code, _, err = run(capsys, "validate", str(BROKEN))
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == f"{BROKEN}: 发现 39 个问题："
    assert "  - ride_alongs.csv 第 2 行，「date」列：应为日期，格式为 YYYY-MM-DD，实际为「2008-13-01」" in lines
    assert "  - notes/N002.md 第 1 行，「interviewee」列：应为文首信息中的键「interviewee」，实际为（空）" in lines
    assert ("  - survey/responses.csv 第 5 行，「答卷编号」列：应为不重复的值，"
            "实际为「13800000002（第一次出现在 survey/responses.csv 第 3 行）」") in lines
    assert any(line.startswith("  - catalogue/tianjin.csv：应为以省级地区编号命名的文件") for line in lines)
    assert not english_phrases(err), english_phrases(err)


def test_a_folder_that_is_not_a_bundle_is_said_in_chinese(zh, capsys, tmp_path):
    code, _, err = run(capsys, "build", str(tmp_path / "nosuch"))
    assert code == 1
    assert err.startswith(f"casekit build: {tmp_path / 'nosuch'} 不是调研资料包：找不到 ")
    assert "调研资料包是一个含有 manifest.yaml 的文件夹" in err


def test_an_unknown_region_is_said_in_chinese(zh, capsys, tmp_path):
    code, _, err = run(capsys, "build", str(MINI), "--regions", "天津", "--out", str(tmp_path))
    assert code == 1
    assert "没有地区「天津」" in err
    # the regions a consultant can type, by name, provinces first (not a list of ids cut off)
    assert "可选的地区：北京、河北（各地的地市也可" in err and "beijing" not in err and "石家庄" not in err


# -- English on request ------------------------------------------------------------------------------
def test_casekit_lang_en_gives_the_english_text_back(monkeypatch, capsys):
    monkeypatch.setenv("CASEKIT_LANG", "en")
    _, out, _ = run(capsys, "validate", "--help")
    assert out.startswith("usage: casekit validate") and "show this help message and exit" in out
    assert "positional arguments:" in out and "bundle folder (holds manifest.yaml)" in out
    code, _, err = run(capsys, "validate")
    assert code == 2 and "casekit validate: error: the following arguments are required: bundle" in err
    _, _, err = run(capsys, "validate", str(BROKEN))
    assert err.splitlines()[0] == f"{BROKEN}: 39 problems found:"
    assert "  - ride_alongs.csv, row 2, column 'date': expected a date YYYY-MM-DD, found '2008-13-01'" in err


# -- coverage: every problem of the suite's broken bundles, in Chinese -------------------------------
#: Broken inputs as the suite builds them: files of the valid ``mini`` bundle replaced (``mini_copy``).
BROKEN_FILES = {
    "encodings and tables": {
        "ride_alongs.csv": "访谈记录表\n" + (MINI / "ride_alongs.csv").read_text(encoding="utf-8"),
        "reviews_360.csv": (MINI / "reviews_360.csv").read_text(encoding="utf-8").encode("gbk"),
        "catalogue/beijing.csv": "local_name,local_name\n宽视界,宽视界\n",
        "catalogue/hebei.csv": "",
        "catalogue/notes.txt": "不是产品目录",
    },
    "yaml": {
        "manifest.yaml": (MINI / "manifest.yaml").read_text(encoding="utf-8").replace("client:", "clinet:")
        + "extra: &a [1]\nmore: *a\n",
        "codebook.yaml": "columns: {respondent_id: 答卷编号}\ncolumns: {}\n",
        "competency.yaml": "account_manager: {产品: 9, 营销: 3}\n客服: {产品: 3}\n",
        "code_frame.yaml": "extends: default\ncodes:\n  - {id: Price, label: '', group: nosuch, rules: []}\n",
    },
    "configuration keys": {
        "manifest.yaml": (MINI / "manifest.yaml").read_text(encoding="utf-8").replace("client:", "clinet:")
        .replace("days: 3.0}", "days: 0}", 1).replace("name: 北京", "name: 北京\n    nmae: 京"),
        "codebook.yaml": (MINI / "codebook.yaml").read_text(encoding="utf-8") + "scale: agree5\n",
    },
    "notes": {
        "notes/N001.md": "# 没有文首信息\n\n正文\n",
        "notes/N002.md": "---\nid: N002\ndate: 2008-09-31\n",
        "notes/N004.doc": b"\xd0\xcf\x11\xe0",
        "notes/codes.csv": "segment_id,code,action,coder,date\nN999-01,nosuch,maybe,,yesterday\n",
    },
    "cases": {
        "cases/C1.md": "---\nid: C2\nkind: 案例\ntitle: 【待补充】\nstatus: reviewed\noutcome: 大概\nminutes: -5\n"
                       "sources: [N999-01, x]\nfoo: 1\n---\n\n## 背景\n\n## 背景\n\n张三 13912345678\n",
        "cases/readme.txt": "不是案例",
    },
}


@pytest.mark.parametrize("kind", [*BROKEN_FILES, "followup"])
def test_no_problem_of_a_broken_bundle_is_left_in_english(zh, capsys, mini_copy, kind):
    root = mini_copy(followup_files(**FOLLOWUP_PLANTED) if kind == "followup" else BROKEN_FILES[kind])
    code, _, err = run(capsys, "validate", str(root))
    assert code == 1
    assert "发现" in err.splitlines()[0]
    assert not english_phrases(err), "\n".join(english_phrases(err))


#: Questionnaire exports a reader refuses: ragged rows and unparsable times, an empty file, broken UTF-16.
BROKEN_EXPORTS = {
    "wjx.csv": "序号,提交答卷时间,所用时间,1、您的岗位,2、您的地区\n1,2024/3/5 9:12,95秒,客户经理,北京\n"
               "2,昨天,很久,支撑,河北,多余\n",
    "empty.csv": "",
    "utf16.csv": b"\xff\xfe\x00",
}


@pytest.mark.parametrize("name", BROKEN_EXPORTS)
def test_survey_export_problems_are_chinese(zh, capsys, tmp_path, name):
    export = tmp_path / name
    content = BROKEN_EXPORTS[name]
    export.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    code, _, err = run(capsys, "codebook", "draft", str(export))
    assert code == 1
    assert f"  - {name}" in err and "应为" in err
    assert not english_phrases(err), english_phrases(err)


def test_the_broken_fixture_bundle_has_no_english_left(zh, capsys):
    _, _, err = run(capsys, "validate", str(BROKEN))
    assert not english_phrases(err)


# -- analysis, curriculum, authoring and reports: errors in Chinese, English on request -------------
def _problems() -> dict[str, tuple]:
    """Each a call that fails as a consultant's notebook or command can make it fail, with a part of
    its Chinese message and its English message (as it was before the translation)."""
    import pandas as pd

    from casekit.analysis.group_tests import compare_groups
    from casekit.analysis.psychometrics import cronbach_alpha
    from casekit.curriculum.schedule import SessionPlan, schedule_course
    from casekit.reports.distributed import check_scheduler

    return {
        "one-item alpha": (lambda: cronbach_alpha(pd.DataFrame({"q1": [1.0, 2.0]})),
                           "题目表只有 1 列，计算信度系数至少需要 2 道题",
                           "items has 1 column, cronbach_alpha needs at least 2"),
        "one group": (lambda: compare_groups(pd.Series([1.0, 2.0, 3.0]), pd.Series(["a", "a", "b"])),
                      "比较至少需要 2 个组、每组至少 2 人有得分，实际只有 1 个组（「b」不足 2 人有得分，未参与比较）",
                      "compare_groups needs at least 2 groups with 2 or more scores, found 1 (dropped: 'b')"),
        "module without a title": (lambda: schedule_course([{"id": "m", "title": "", "days": 0.5}]),
                                   "模块「m」，键 title：应为非空文字",
                                   "module 'm', key 'title': expected a non-empty text, found ''"),
        "afternoon before noon": (lambda: SessionPlan(morning_start="09:00", afternoon_start="10:00"),
                                  "下午开始时间应不早于 12:00（上午 09:00 开始，共 180 分钟）",
                                  "SessionPlan.afternoon_start: expected 12:00 or later (the morning starts at 09:00 "
                                  "and lasts 180 minutes), found '10:00'"),
        "scheduler without a port": (lambda: check_scheduler("nohost"),
                                     "「nohost」不是 Dask 调度器的地址：需要主机和端口",
                                     "not a Dask scheduler address: 'nohost': it needs a host and a port "
                                     "(e.g. tcp://10.0.0.5:8786)"),
    }


@pytest.mark.parametrize("name", ["one-item alpha", "one group", "module without a title", "afternoon before noon",
                                  "scheduler without a port"])
def test_analysis_curriculum_and_report_errors_are_chinese_and_english_on_request(monkeypatch, name):
    from casekit.exceptions import CasekitError

    call, chinese, english = _problems()[name]
    monkeypatch.setenv("CASEKIT_LANG", "zh")
    with pytest.raises(CasekitError) as caught:
        call()
    assert chinese in str(caught.value)
    assert not english_phrases(str(caught.value)), english_phrases(str(caught.value))
    monkeypatch.setenv("CASEKIT_LANG", "en")
    with pytest.raises(CasekitError) as caught:
        call()
    assert str(caught.value) == english


def test_a_question_bank_that_is_not_a_mapping_is_said_in_chinese(zh, tmp_path):
    from casekit.authoring.interview_outline import load_question_bank
    from casekit.exceptions import AnalysisError

    bank = tmp_path / "bank.yaml"
    bank.write_text("- 不是映射\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="最外层应为映射") as caught:
        load_question_bank(bank)
    assert not english_phrases(str(caught.value))


def test_an_interview_too_short_for_its_sections_is_said_in_chinese(zh, capsys):
    code, _, err = run(capsys, "outline-interview", str(MINI), "--regions", "beijing", "--minutes", "20")
    assert code == 1
    assert "20 分钟不够安排" in err and "至少需要" in err
    assert not english_phrases(err), english_phrases(err)


# -- casekit survey: notes, tests and scale names a consultant reads ---------------------------------
def test_survey_by_group_prints_its_notes_tests_and_effects_in_chinese(zh, capsys, tmp_path):
    from test_survey_summary import UNSEEN
    from test_survey_summary import _codebook as unseen_codebook

    code, out, _ = run(capsys, "survey", str(UNSEEN), "--codebook", str(unseen_codebook(tmp_path)),
                       "--platform", "plain", "--by", "所在班组", "--crosstabs", "--quiet")
    assert code == 0
    assert not english_phrases(out), english_phrases(out)
    lines = out.splitlines()
    assert any(line.split()[:2] == ["服务意识", "方差分析"] and "η²" in line for line in lines), out
    assert any(line.split()[:2] == ["投诉处理信心", "秩和检验"] and "ε²" in line for line in lines), out
    assert "秩和检验：「宽带业务组」、「政企热线组」的分数分布明显不对称" in out
    assert "卡方检验的 p值不可靠；请合并人数少的组或回答。" in out
    for english in ("ANOVA", "Kruskal", "eta²", "expected counts", "respondent(s)"):
        assert english not in out


def test_survey_of_a_bundle_codebook_names_scales_by_dimension_and_population(zh, capsys):
    sample = ROOT / "research_data" / "sample"
    code, out, _ = run(capsys, "survey", str(sample / "survey" / "responses.csv"),
                       "--codebook", str(sample / "codebook.yaml"), "--by", "population", "--quiet")
    assert code == 0
    assert "产品（政企客户经理）" in out and "沟通（政企客户经理、支撑人员）" in out and "市场分析与策略" in out
    assert "account_manager" not in out and "product（" not in out
    assert "没有人有量表得分（4 道题中至少答了 2 道才有得分）：没有均分、标准差和信度系数（至少需要 2 人）。" in out
    assert "没有信度系数：至少需要 2 道题，这个量表只有 1 道。" in out
    assert not english_phrases(out), english_phrases(out)


def test_survey_keeps_the_ids_in_english(monkeypatch, capsys, tmp_path):
    from test_survey_summary import UNSEEN
    from test_survey_summary import _codebook as unseen_codebook

    monkeypatch.setenv("CASEKIT_LANG", "en")
    _, out, _ = run(capsys, "survey", str(UNSEEN), "--codebook", str(unseen_codebook(tmp_path)),
                    "--platform", "plain", "--by", "所在班组", "--quiet")
    assert "Kruskal-Wallis: group(s) '宽带业务组', '政企热线组' are clearly skewed" in out
    assert any(line.split()[:2] == ["服务意识", "ANOVA"] and "eta²" in line for line in out.splitlines()), out
