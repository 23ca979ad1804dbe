"""notes/*.md: front matter checks with line numbers; text and tags kept."""

from __future__ import annotations

import pandas as pd
from conftest import MINI

from casekit.intake import load_bundle, validate_bundle

GOOD = """---
id: N004
date: 2008-09-21
region: 保定
population: 客户经理
interviewee: 客户经理B09
method: 随访
---
# 随访复盘

客户说“先试用再说”。
"""


def test_notes_are_loaded_with_ids_dates_and_tags():
    notes = load_bundle(MINI).notes.set_index("note_id")
    assert notes.at["N001", "date"] == pd.Timestamp("2008-09-12")
    assert notes.at["N001", "tags"] == ("商务领航", "酒店", "价格战")
    assert notes.at["N003", "tags"] == ("过程管理", "目标分解")      # a ；-separated string
    assert notes.at["N002", "tags"] == ()
    assert notes.at["N002", "method"] == "demo_hall_visit"          # from 演示厅
    assert notes.at["N001", "top_region_id"] == "hebei"
    assert notes.at["N001", "text"] == "客户经理B07谈到，酒店客户最关心的是入住率。"
    assert notes.at["N001", "file"] == "notes/N001.md"


def test_note_with_body_heading_and_aliases(mini_copy):
    b = load_bundle(mini_copy({"notes/N004.md": GOOD}))
    n = b.notes.set_index("note_id").loc["N004"]
    assert (n["method"], n["population"]) == ("ride_along_debrief", "account_manager")
    assert n["text"].startswith("# 随访复盘")


def _note_problems(mini_copy, text, name="N004.md"):
    root = mini_copy({f"notes/{name}": text})
    return [(p.row, p.column, p.found) for p in validate_bundle(root) if p.file == f"notes/{name}"]


def test_id_must_match_file_name(mini_copy):
    assert _note_problems(mini_copy, GOOD, "N005.md") == [(2, "id", "N004")]


def test_missing_keys_are_each_reported(mini_copy):
    text = GOOD.replace("interviewee: 客户经理B09\n", "").replace("date: 2008-09-21\n", "")
    assert sorted(_note_problems(mini_copy, text)) == [(1, "date", "<missing>"), (1, "interviewee", "<missing>")]


def test_bad_method_date_region_population_point_at_their_lines(mini_copy):
    text = (GOOD.replace("method: 随访", "method: 座谈").replace("2008-09-21", "2008/9/21")
            .replace("region: 保定", "region: 廊坊").replace("客户经理\n", "经理\n"))
    assert _note_problems(mini_copy, text) == [
        (3, "date", "2008/9/21"), (4, "region", "廊坊"), (5, "population", "经理"), (7, "method", "座谈")]


def test_no_front_matter(mini_copy):
    problems = _note_problems(mini_copy, "# 访谈记录\n正文")
    assert problems == [(1, None, "# 访谈记录")]


def test_unclosed_front_matter(mini_copy):
    assert _note_problems(mini_copy, "---\nid: N004\n正文\n") == [(4, None, "end of file")]
