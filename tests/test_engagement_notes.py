"""The notes part of the engagement-wide results after one interview note changed (issue 15).

``casekit build`` then recomputes the notes views in a new process, with the survey part read
from the result cache. The recomputed views must be those computed from scratch, while jieba
cuts only the changed note's new paragraph (the redactor's tokens and the keyword tokenizer's
cuts of every other paragraph are read from casekit's stores) and reads only the shards of its
dictionary that the texts need.
"""

from __future__ import annotations

import importlib
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE

from casekit.analysis import tokenize
from casekit.intake import load_bundle
from casekit.privacy.redaction import tokens
from casekit.reports import engagement
from casekit.reports.engagement import ResultCache, engagement_notes, shared_results
from casekit.text import jieba_dict

ADDED = "客户说下个月想再看看宽带监控的演示，价格还要再谈，报价单先发给办公室。"


def new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Write the cut stores as a process does when it ends, then forget what a new process would
    not know: the stores read, the tokenizers, jieba's dictionary and the results in memory."""
    for store in (tokens._TokenStore, tokenize._CutStore):
        for key, opened in list(store._open.items()):
            opened.save(key)
        monkeypatch.setattr(store, "_open", {})
    monkeypatch.setattr(tokens.RedactionTokenizer, "_cache", {})
    monkeypatch.setattr(engagement, "_memo", {})
    for name in ("_SHARDS", "_DICTIONARY", "_JIEBA"):
        monkeypatch.setattr(jieba_dict, name, None)


def frames(notes: Any) -> dict[tuple[str, str], Any]:
    """Every table of every view (as its columns, index, dtypes and values), and the counts."""
    out: dict[tuple[str, str], Any] = {}
    for region, view in notes.views.items():
        out[(region, "counts")] = (view.region_id, view.count, view.interviewees)
        for name in ("themes", "keywords", "quotes"):
            table = getattr(view, name)
            out[(region, name)] = (list(table.columns), list(table.index), list(map(str, table.dtypes)),
                                   pickle.dumps(table.to_dict("split")))
    return out


def primed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, ResultCache, Any]:
    """A copy of the sample whose notes views were computed once into a result cache of the
    test's own (and a user cache folder of its own): (bundle, cache, the views)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    new_process(monkeypatch)
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE, bundle)
    results = ResultCache(tmp_path / "results")
    _, before = shared_results(load_bundle(bundle), cache=results)
    return bundle, results, before


def test_one_changed_note_is_recomputed_and_only_its_new_paragraph_is_cut(tmp_path, monkeypatch):
    bundle, results, before = primed(tmp_path, monkeypatch)
    entries = {p.name for p in Path(results.folder).glob("notes-*.pkl")}

    new_process(monkeypatch)
    note = bundle / "notes" / "N001.md"  # 天津
    note.write_text(note.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + ADDED + "\n", encoding="utf-8")
    cut: dict[str, list[str]] = {"redaction": [], "keywords": []}
    redaction_cut, keyword_cut = tokens.RedactionTokenizer._cut, tokenize.Tokenizer._cut
    monkeypatch.setattr(tokens.RedactionTokenizer, "_cut",
                        lambda self, text: cut["redaction"].append(text) or redaction_cut(self, text))
    monkeypatch.setattr(tokenize.Tokenizer, "_cut",
                        lambda self, text: cut["keywords"].append(text) or keyword_cut(self, text))
    quoted: list[str] = []
    region_report = importlib.import_module("casekit.reports.region_report")  # the package names a function so
    real_quotes = region_report.region_quotes
    monkeypatch.setattr(region_report, "region_quotes",
                        lambda analysis, region, themes, **kw: quoted.append(region) or real_quotes(analysis, region,
                                                                                                     themes, **kw))
    with monkeypatch.context() as m:
        m.setattr(engagement, "engagement_analysis", lambda *a, **k: pytest.fail("the survey part was recomputed"))
        m.setattr(jieba_dict.DictionaryShards, "whole", lambda self: pytest.fail("the whole dictionary was read"))
        _, after = shared_results(load_bundle(bundle), cache=results)

    # the notes entry was recomputed (a new key), cutting the new paragraph only
    assert {p.name for p in Path(results.folder).glob("notes-*.pkl")}.isdisjoint(entries)
    assert cut["redaction"] and all("价格还要再谈" in text for text in cut["redaction"])
    assert cut["keywords"] and all("价格还要再谈" in text for text in cut["keywords"])
    # … reading the dictionary's shards of the characters met, not the whole of it
    (redactor,) = tokens.RedactionTokenizer._cache.values()
    shards = jieba_dict.dictionary_shards()
    assert 0 < len(redactor.tokenizer._read) < len(list(shards.chars())) / 4
    assert after.views.keys() == before.views.keys()
    # … choosing excerpts again only where what they are chosen from changed (天津's segments)
    changed = {r for r, v in after.views.items() if v.quotes_basis != before.views[r].quotes_basis}
    assert "tianjin" in changed and set(quoted) == changed and len(changed) < len(after.views)
    assert after.view("tianjin").count == before.view("tianjin").count

    # … and giving what a computation from scratch gives (nothing remembered)
    new_process(monkeypatch)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user-cache"))
    scratch = engagement_notes(load_bundle(bundle))
    assert frames(after) == frames(scratch)
    new_process(monkeypatch)  # the stores of this test written into its own folders, not at exit


def test_a_name_added_to_the_roster_chooses_every_region_s_excerpts_again(tmp_path, monkeypatch):
    """Excerpts are redacted with the roster: after a name is added to it, no region may show an
    excerpt kept from before, when that name was not yet replaced."""
    bundle, results, before = primed(tmp_path, monkeypatch)
    new_process(monkeypatch)
    roster = bundle / "_private" / "roster.csv"
    roster.write_text(roster.read_text(encoding="utf-8") + "company,宽带监控公司,\n", encoding="utf-8")
    _, after = shared_results(load_bundle(bundle), cache=results)
    quoted = [r for r, v in before.views.items() if v.quotes_basis]
    assert quoted and all(after.views[r].quotes_basis != before.views[r].quotes_basis for r in quoted)
    new_process(monkeypatch)
