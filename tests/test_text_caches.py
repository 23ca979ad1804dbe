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


# -- jieba's dictionary read shard by shard ------------------------------------------------------
TEXTS = (TEXT, "我爱北京天安门，王经理说宽带监控太贵了。", "小李跟进了华夏宾馆的商务领航项目, 下周再谈价格。",
         "客户经理AM034于2009年3月拜访了保定市第二医院的信息科赵科长", "Tony总说OK，  明天再说！")


def _whole_tokenizer(words=()):
    """A jieba tokenizer and POS tokenizer holding the whole dictionary, as casekit made them
    before it read the dictionary by shards, with ``words`` (word → tag) added."""
    import jieba
    import jieba.posseg

    whole = jieba_dict._load_dictionary()
    tk = jieba.Tokenizer()
    tk.FREQ, tk.total, tk.initialized = dict(whole.freq), whole.total, True
    for word, tag in dict(words).items():
        tk.add_word(word, freq=max(int(tk.FREQ.get(word) or 0), 20000), tag=tag)
    pos = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    pos.tokenizer, pos.word_tag_tab = tk, dict(whole.tags)
    return tk, pos


def test_a_tokenizer_reading_shards_cuts_as_one_holding_the_whole_dictionary(cache_home):
    whole, _ = _whole_tokenizer({"恒瑞达商贸": "nz", "宽带监控": "nz"})
    partial = jieba_dict.partial_tokenizer()
    assert partial.FREQ == {}  # nothing read yet
    for word in ("恒瑞达商贸", "宽带监控"):
        partial.add_word(word, freq=max(partial.freq_of(word), 20000), tag="nz")
    for text in TEXTS:
        for hmm in (True, False):
            assert partial.lcut(text, HMM=hmm) == whole.lcut(text, HMM=hmm)
        assert partial.lcut_for_search(text) == whole.lcut_for_search(text)
    for word in ("北京", "宽带监控", "恒瑞达", "不是一个词", "AM034"):
        assert partial.freq_of(word) == int(whole.FREQ.get(word) or 0)
    assert partial.total == whole.total
    shards = jieba_dict.dictionary_shards()
    assert 0 < len(partial._read) < len(list(shards.chars())) / 10  # the shards of these texts only


def test_lazy_tags_are_the_whole_table(cache_home):
    whole = jieba_dict._load_dictionary().tags
    tags = jieba_dict.LazyTags()
    assert tags.get("北京") == whole["北京"] and tags["宽带"] == whole["宽带"]
    assert tags.get("不是一个词", "x") == "x" and "不是一个词" not in tags
    tags.update({"北京": "nz", "恒瑞达": "nt"})  # a word added by a tokenizer wins over the dictionary
    assert tags["北京"] == "nz" and tags.get("恒瑞达") == "nt"
    expected = {**whole, "北京": "nz", "恒瑞达": "nt"}
    assert len(tags) == len(expected) and dict(tags) == expected and tags == expected
    assert pickle.loads(pickle.dumps(tags)) == expected


def test_redaction_tokens_are_those_of_the_whole_dictionary(cache_home):
    seg = RedactionTokenizer(["恒瑞达"], ["石家庄"])
    _, pos = _whole_tokenizer(seg._added_tags)  # the domain words and places with their tags
    for text in TEXTS:
        expected, at = [], 0
        for pair in pos.cut(text):
            expected.append((at, at + len(pair.word), pair.word, pair.flag))
            at += len(pair.word)
        assert seg.tokens(text) == expected
    assert seg.freq("北京") == int(pos.tokenizer.FREQ["北京"])


def test_jieba_posseg_imported_by_casekit_cuts_as_a_plain_import(tmp_path):
    """casekit imports jieba.posseg without its global tokenizer reading the dictionary's tags;
    the global tokenizer then cuts and tags exactly as after a plain import."""
    import subprocess
    import sys
    from pathlib import Path

    text = "；".join(TEXTS)
    plain = ("import logging, jieba\nlogging.getLogger('jieba').setLevel(logging.ERROR)\nimport jieba.posseg\n"
             f"print('|'.join(f'{{w}}/{{f}}' for w, f in jieba.posseg.cut({text!r})))\n")
    casekit = ("import logging, jieba\nlogging.getLogger('jieba').setLevel(logging.ERROR)\n"
               "from casekit.privacy.redaction.tokens import RedactionTokenizer\n"
               f"RedactionTokenizer([], []).tokens({text!r} + '不曾记得的句子')\n"
               "import jieba.posseg\nassert type(jieba.posseg.dt.word_tag_tab).__name__ == 'LazyTags'\n"
               f"print('|'.join(f'{{w}}/{{f}}' for w, f in jieba.posseg.cut({text!r})))\n")
    env = {"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path), "TMPDIR": str(tmp_path), "HOME": str(tmp_path),
           "CASEKIT_CACHE_KEY": "00" * 32}
    root = Path(__file__).resolve().parents[1]
    outputs = []
    for code in (plain, casekit):
        done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=root,
                              env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and "北京/ns" in outputs[0]


# -- the keyword tokenizer's cuts ------------------------------------------------------------------
def test_keyword_cuts_are_remembered_and_the_file_holds_no_text(cache_home, monkeypatch):
    from casekit.analysis import tokenize

    monkeypatch.setattr(tokenize._CutStore, "_open", {})
    first = tokenize.Tokenizer(["恒瑞达"])
    cut = first.cut(TEXT)
    assert "".join(cut) == TEXT and "恒瑞达" in cut
    key = first._cut_key()
    tokenize._CutStore._open[key].save(key)  # what the process does at its end
    files = list(cache_home.glob("keyword-cuts-*.pickle"))
    assert len(files) == 1
    content = files[0].read_bytes()
    assert not any(ch.encode("utf-8") in content for ch in "华夏宾馆王经理张伟恒瑞达")

    tokenize._CutStore._open.clear()  # a new process
    again = tokenize.Tokenizer(["恒瑞达"])
    monkeypatch.setattr(again, "_cut", lambda text: pytest.fail(f"cut again: {text}"))
    assert again.cut(TEXT) == cut  # read from the file
    assert tokenize.Tokenizer(["恒瑞达", "王经理说"])._cut_key() != key  # other terms: other cuts
    assert tokenize.Tokenizer(["恒瑞达"], hmm=False)._cut_key() != key
