"""casekit's own caches of jieba's dictionary and of the redactor's cuts: signed, same results."""

from __future__ import annotations

import pickle

import pytest

from casekit.privacy.redaction.tokens import RedactionTokenizer, _TokenStore
from casekit.text import jieba_dict
from casekit.text.signed_files import MAGIC, signed, unsigned

TEXT = "华夏宾馆的王经理说，有事打 139-1234-5678。客户经理张伟下周去石家庄拜访恒瑞达商贸有限公司。"


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(_TokenStore, "_open", {})
    return tmp_path / "casekit"


def test_signed_bytes_round_trip_and_foreign_bytes_read_as_absent():
    assert unsigned(signed(b"payload")) == b"payload"
    forged = MAGIC + b"\0" * 32 + b"payload"
    assert unsigned(forged) is None
    assert unsigned(b"") is None


def test_dictionary_cache_holds_what_jieba_parses_and_a_foreign_file_is_replaced(cache_home):
    data, _ = jieba_dict._dictionary_bytes()
    parsed = jieba_dict._parse(data)
    first = jieba_dict._load_dictionary()  # parsed, and the cache file written
    files = list(cache_home.glob("jieba-dict-*.pickle"))
    assert len(files) == 1
    cached = jieba_dict._load_dictionary()  # read from the file
    for got in (first, cached):
        assert got.freq == parsed.freq and got.total == parsed.total and got.tags == parsed.tags
    # a file this user's casekit did not sign is never unpickled: parsed again and replaced
    files[0].write_bytes(MAGIC + b"\0" * 32 + pickle.dumps(({}, 0, {})))
    again = jieba_dict._load_dictionary()
    assert again.freq == parsed.freq and again.tags == parsed.tags
    assert unsigned(files[0].read_bytes()) is not None


def test_remembered_tokens_cut_alike_and_the_file_holds_no_text(cache_home):
    fresh = RedactionTokenizer(["恒瑞达"], ["石家庄"])
    cut = fresh.tokens(TEXT)
    assert "".join(word for _, _, word, _ in cut) == TEXT
    key = fresh._cut_key()
    _TokenStore._open[key].save(key)  # what the process does at its end
    files = list(cache_home.glob("redaction-tokens-*.pickle"))
    assert len(files) == 1
    content = files[0].read_bytes()
    assert not any(ch.encode("utf-8") in content for ch in "华夏宾馆王经理张伟恒瑞达")

    _TokenStore._open.clear()  # a new process
    again = RedactionTokenizer(["恒瑞达"], ["石家庄"])
    assert again.tokens(TEXT) == cut
    assert again._pos is None  # read from the file: nothing was cut
    assert again.tokens(TEXT + "。") != cut  # another text is cut


def test_tokens_remembered_for_other_words_are_not_used(cache_home):
    with_word = RedactionTokenizer(["王经理说"], [])
    without = RedactionTokenizer([], [])
    assert with_word._cut_key() != without._cut_key()
    assert with_word.tokens(TEXT) != without.tokens(TEXT)


def test_a_token_store_not_signed_by_this_user_is_ignored(cache_home):
    seg = RedactionTokenizer([], [])
    key = seg._cut_key()
    path = cache_home / f"redaction-tokens-{key}.pickle"
    cache_home.mkdir(parents=True, exist_ok=True)
    forged = {_TokenStore.text_key(TEXT): ((0, len(TEXT), "x"),)}  # one token: no name found
    path.write_bytes(MAGIC + b"\0" * 32 + pickle.dumps((key, forged)))
    tokens = seg.tokens(TEXT)
    assert len(tokens) > 1
