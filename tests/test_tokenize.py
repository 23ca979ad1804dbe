"""casekit.analysis.tokenize: jieba with the method's and the region's terms, private and quiet."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINI

from casekit import domain
from casekit.analysis.tokenize import Tokenizer, domain_terms, seed_terms, stopwords, user_dictionary
from casekit.intake import load_bundle

ROOT = Path(__file__).parents[1]
TEXT = ("客户经理说商务领航和宽带监控都卖不动，混合组网陷入价格战，宽视界也一样；"
        "全球眼的老板娘问：“晚上能不能在家看？”电话0311-86012345，80%的单子2008年靠免费试用。")
CATALOGUE_ROWS = ("七彩看店,video_monitoring,,,,,,\n"
                  "商务领航·酒店版,business_navigator,,,,,,\n"
                  "宽带+电脑,pc_bundle,,,,,,\n")


@pytest.fixture(scope="module")
def mini():
    return load_bundle(MINI)


@pytest.fixture
def other(mini_copy):
    """A second bundle whose Beijing catalogue has three more local names."""
    csv = (MINI / "catalogue" / "beijing.csv").read_text(encoding="utf-8") + CATALOGUE_ROWS
    return load_bundle(mini_copy({"catalogue/beijing.csv": csv}))


def test_products_roles_and_local_names_stay_whole(other):
    tok = Tokenizer(user_dictionary(other))
    tokens = tok.cut(TEXT + "七彩看店和商务领航·酒店版、宽带+电脑")
    for word in ("商务领航", "宽带监控", "混合组网", "客户经理", "宽视界", "全球眼", "价格战", "免费试用",
                 "七彩看店", "商务领航·酒店版", "宽带+电脑"):
        assert word in tokens, word


def test_cut_keeps_every_character_and_words_keep_content(mini):
    tok = Tokenizer(user_dictionary(mini))
    assert "".join(tok.cut(TEXT)) == TEXT
    words = tok.words(TEXT)
    assert words[:4] == ["客户经理", "商务领航", "宽带监控", "卖"]
    for dropped in ("，", "“", "的", "和", "也", "0311-86012345", "80%", "2008", "年", "在", "能"):
        assert dropped not in words, dropped
    assert Tokenizer(["189", "CRM模块"]).words("卖了3部189，送CRM模块，共1890元") == ["卖", "189", "送", "CRM模块"]


def test_same_input_same_output(mini):
    terms = user_dictionary(mini)
    assert Tokenizer(terms).cut(TEXT) == Tokenizer(list(reversed(terms))).cut(TEXT) == Tokenizer(terms).cut(TEXT)


def test_output_is_the_same_in_another_process_and_nothing_reaches_stderr(mini):
    code = ("from casekit.analysis.tokenize import Tokenizer\n"
            f"print('|'.join(Tokenizer().cut({TEXT!r})))\n")
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONHASHSEED": "123", "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.strip().split("|") == Tokenizer().cut(TEXT)


def test_no_stderr_when_a_tokenizer_is_built(capfd):
    Tokenizer(["一个从未用过的词组", "商务领航"]).cut(TEXT)
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_terms_of_one_bundle_do_not_leak_into_another(mini, other):
    first = Tokenizer(user_dictionary(mini))
    second = Tokenizer(user_dictionary(other))
    assert "七彩看店" in second.cut("老板对七彩看店很感兴趣")
    again = Tokenizer(user_dictionary(mini))
    for tok in (first, again):
        assert tok.cut("老板对七彩看店很感兴趣")[2:4] == ["七彩", "看店"]
    import jieba

    for word in ("七彩看店", "商务领航", "宽视界"):                     # nothing added to any jieba
        assert word not in first._jieba.FREQ and word not in jieba.dt.FREQ
    assert first._jieba is not jieba.dt


def test_user_dictionary_sources(mini):
    terms = user_dictionary(mini)
    assert terms == sorted(set(terms)) and all(len(t) >= 2 for t in terms)
    expected = {
        "商务领航", "CRM模块", "全球眼", "宽视界", "114号码百事通",                # products, aliases, local
        "酒店", "零售超市", "零售", "超市", "专科医院",                          # industries, split labels
        "政企客户经理", "客户经理", "支撑人员", "销售管理人员", "营销中心主任", "上级主管",  # roles
        "转型业务", "隐性销售", "价值三角", "中立专家", "销售漏斗", "痛点", "决策人", "工具箱", "伤口",
        "以价格优惠开场", "提问挖掘需求",                                      # behaviours
        "增收", "降支", "发展痛点", "总经理", "决策层",                          # needs, funnel, departments
    }
    assert expected <= set(terms)
    assert "本人" not in terms
    assert set(domain_terms()) <= set(terms)
    assert {t.label for t in domain.BEHAVIOURS.values()} <= set(terms)


def test_data_files():
    assert 60 <= len(seed_terms()) == len(set(seed_terms()))
    words = stopwords()
    assert {"的", "了", "我们", "什么"} <= words
    assert not words & set(domain_terms())
    assert Tokenizer().terms == domain_terms()
