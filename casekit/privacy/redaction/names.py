"""Persons in Chinese notes: the surnames data, titles, and every person detector.

A person is found by a surname of ``surnames.txt`` and a title (王经理, 禤科长, 岑工), 小X / 老X,
姓X, a compound surname and given name (司马婉清), a full name after a cue (联系人：王丽娟), a name
broken by whitespace or written in Latin letters before a title, or a full name jieba tags
``nr``. :func:`person_candidates` runs them all; the roster's names are matched by the redactor.
"""

from __future__ import annotations

import re

from casekit.privacy.redaction.tokens import PRIORITY, Candidate, RedactionTokenizer, Token, all_han, is_han

__all__ = ["COMMON_SURNAMES", "SURNAMES_1", "SURNAMES_2", "SURNAMES_IN_CONTEXT", "TITLES", "person_candidates",
           "person_parts"]

def _load_surnames() -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """The sections of ``casekit/privacy/redaction/surnames.txt``: (single, in-context, compound)."""
    from importlib.resources import files

    sections: dict[str, list[str]] = {}
    current = ""
    for line in files("casekit.privacy.redaction").joinpath("surnames.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif line:
            sections.setdefault(current, []).extend(line.split())
    single = frozenset("".join(sections.get("single", ())))
    context = frozenset("".join(sections.get("context", ()))) - single
    compound = tuple(dict.fromkeys(w for w in sections.get("compound", ()) if len(w) == 2))
    return single, context, compound


#: Single-character surnames (百家姓 and regional ones: 禤 覃 冼 邝 …), found before any title.
#: SURNAMES_IN_CONTEXT: surnames that are far more often an ordinary or a function word (和 向 时
#: 文 国 …): found before a title only after punctuation or a cue character, and after 姓.
#: SURNAMES_2: two-character surnames (checked before the single ones). All from ``surnames.txt``.
SURNAMES_1, SURNAMES_IN_CONTEXT, SURNAMES_2 = _load_surnames()
#: Surnames of SURNAMES_IN_CONTEXT that are mostly prepositions or conjunctions (从老师那里, 和经理
#:商量): a name before a title only after a verb taking a person (找/见/问 …), or after 姓.
_FUNCTION_SURNAMES = frozenset("和从向由都能为以与同将把被给对跟在于")
_PERSON_VERBS = frozenset("找见问请约陪叫")
#: Compound surnames that are also ordinary words (东方, 百里, 西门): a name only before a title.
_COMPOUND_WORDS = frozenset({"东方", "第五", "百里", "南门", "东门", "西门", "南宫", "司空", "单于", "独孤",
                             "公羊", "子车", "归海", "微生", "乐正", "公西", "长孙", "羊舌", "夹谷"})
#: Characters after which a surname of SURNAMES_IN_CONTEXT may start a name (找文经理, 跟向主任).
_CONTEXT_BEFORE = frozenset("找见问请约跟和与给对向的是叫陪让把被由说、，。；：:;,.（(【[“\"' \t\n")
#: The most common surnames: a full name jieba alone tagged counts only if it starts with one.
COMMON_SURNAMES: frozenset[str] = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔汤易常乔赖牛温庞樊兰殷施洪齐耿葛柴"
) | frozenset(SURNAMES_2)

#: Titles and forms of address that follow a surname (longest first when matched).
TITLES: tuple[str, ...] = tuple(sorted(
    (
        "总经理", "董事长", "董事", "总裁", "总监", "总工", "经理", "主任", "院长", "校长", "园长",
        "局长", "处长", "科长", "所长", "站长", "行长", "厂长", "店长", "部长", "社长", "馆长",
        "队长", "组长", "书记", "会计", "出纳", "老师", "讲师", "教授", "医生", "大夫", "护士长",
        "工程师", "师傅", "老板娘", "老板", "掌柜", "律师", "秘书", "主管", "先生", "女士",
        "小姐", "太太", "阿姨", "总", "董", "工", "姐", "哥", "叔", "嫂", "处", "局",
    ),
    key=len,
    reverse=True,
))
#: Titles of one character: they must end a word (李总是… is "always", not "President Li").
_SHORT_TITLES = frozenset(t for t in TITLES if len(t) == 1)
#: Surname + title strings that are ordinary words.
_TITLE_BLOCK = frozenset({
    "施工", "童工", "包工", "车工", "高工", "金工", "石工",
    # 处 (for 处长) after a character that makes a word with it
    "高处", "石处", "何处", "宁处", "牛处", "尚处", "申处", "易处", "路处", "边处", "景处", "房处",
    "单处", "华处", "叶处", "左处", "余处", "任处", "用处", "好处",
})
#: 小X / 老X pairs that are ordinary words.
_LEAD_BLOCK = frozenset({
    "小时", "小于", "小康", "小米", "小区", "小车", "小路", "老路", "小马", "小金", "老金",
    "小商", "老商", "小包", "老包", "小房", "老房", "小毛", "老毛", "小白", "老白", "小麦",
    "小华", "老华", "小关", "小方", "老方", "小单", "老单", "小石", "老石", "小龙", "老龙",
    "小牛", "老牛", "小尚", "老尚", "小万", "老万", "小童", "老童", "小宁", "老宁", "小叶",
    "小易", "老于", "小常", "老常", "老车", "小蓝", "小田", "小江", "老江",
    "小熊", "老熊", "小黄", "老黄", "小苗", "小景", "老景", "小巩", "小管", "老管", "小项",
    "老项", "小兰", "小余", "小连", "老连", "小边", "老边", "小艾", "小谷", "老谷",
})

#: A word jieba tags nr but its dictionary knows this often is a common word (顾问 1697), not a name.
_COMMON_WORD_FREQ = 50
#: A word jieba tags nr this frequent is an ordinary word (顾问 1697), never a bare name.
_BARE_NAME_FREQ = 1000

#: Characters after a one-character title that end the name (林总和小吴 = 林总 + 和 + 小吴).
_FUNCTION_CHARS = frozenset("和的是说在也都就让把跟对给们还又再才只要会很一不没跟与及等")

#: Cues after which a full name follows (联系人：王丽娟).
_NAME_CUES = ("联系人", "负责人", "对接人", "经办人", "姓名", "名叫", "叫做", "名字叫", "叫")
_NAME_STOP = frozenset("的了是说和也都在就把被对给跟与及或等着过吗呢吧啊")

def person_parts(name: str) -> tuple[str, str]:
    """Split a person string into (lead 小/老, title): ``老王`` → ``("老", "")``."""
    lead = ""
    core = name
    if len(core) >= 2 and core[0] in "小老" and (core[1] in SURNAMES_1 or core[1:3] in SURNAMES_2):
        lead, core = core[0], core[1:]
    for title in TITLES:
        if core.endswith(title) and len(core) > len(title):
            body = core[: -len(title)]
            if body.endswith("副") and len(body) > 1:
                title = "副" + title
            return lead, title
    return lead, ""


def person_candidates(text: str, tokens: list[Token], seg: RedactionTokenizer) -> list[Candidate]:
    """Every person :class:`Candidate` of the detectors below, in a fixed order (ties resolve by it).

    Parameters
    ----------
    text : str
        The normalised text (:func:`casekit.privacy.redaction.patterns.normalise`).
    tokens : list of Token
        ``seg.tokens(text)``.
    seg : RedactionTokenizer
        The tokenizer (its dictionary's frequencies and places).
    """
    starts = {t[0] for t in tokens}
    ends = {t[1] for t in tokens}
    nr_spans = {(t[0], t[1]) for t in tokens if t[3] in ("nr", "nrfg")}
    glued = {p: t[2] for t in tokens for p in range(t[0], t[1])}
    out: list[Candidate] = []
    out += _title_candidates(text, starts, ends, nr_spans, glued, seg)
    out += _surname_only_candidates(text)
    out += _cue_candidates(text, tokens, seg)
    out += _compound_name_candidates(text, starts)
    out += _broken_name_candidates(text)
    out += _latin_name_candidates(text)
    out += _jieba_candidates(tokens, seg)
    return out


def _surname_at(text: str, i: int) -> str:
    two = text[i:i + 2]
    if two in SURNAMES_2:
        return two
    return text[i] if text[i] in SURNAMES_1 else ""


def _title_at(text: str, j: int) -> str:
    for title in TITLES:
        if text.startswith(title, j):
            return title
    return ""


def _title_candidates(
    text: str, starts: set[int], ends: set[int], nr_spans: set[tuple[int, int]],
    glued: dict[int, str], seg: RedactionTokenizer,
) -> list[Candidate]:
    """王经理, 赵副院长, 欧阳主任, 老张师傅; 小李, 老张."""
    out: list[Candidate] = []
    prio = PRIORITY["title"]
    n = len(text)
    for i in range(n):
        surname = _surname_at(text, i)
        in_context = False
        if not surname and text[i] in SURNAMES_IN_CONTEXT and (i == 0 or text[i - 1] in _CONTEXT_BEFORE):
            surname, in_context = text[i], True  # 、区主任 (but 片区经理, 语文老师 are words)
        if not surname:
            continue
        j = i + len(surname)
        vice = "副" if text.startswith("副", j) else ""
        title = _title_at(text, j + len(vice))
        lead = text[i - 1] if i > 0 and text[i - 1] in "小老" and not in_context else ""
        if in_context and (len(title) == 1 and title != "总" or (
                text[i] in _FUNCTION_SURNAMES and (i == 0 or text[i - 1] not in _PERSON_VERBS))):
            continue  # 满工; 从老师那里 (a preposition, unless after 找/见/问 …)
        if title:
            end = j + len(vice) + len(title)
            start = i - len(lead)
            if surname + title in _TITLE_BLOCK or (surname + vice + title) in _TITLE_BLOCK:
                continue
            if lead and (lead + surname) in _LEAD_BLOCK:
                lead, start = "", i
            if starts and i not in starts and start not in starts and seg.freq(glued.get(i, "")) > 0:
                continue  # the surname is the end of another word (语文老师, 实施工程; not 找席 + 总,
                # a pair jieba glued without knowing it)
            if (title in _SHORT_TITLES and ends and end not in ends and end < n and is_han(text[end])
                    and text[end] not in _FUNCTION_CHARS and seg.freq(glued.get(end - 1, "")) > 0):
                continue  # 周总结, 陈工作, 王姐妹 (but 林总和小吴: 和 is a conjunction; 谭姐留: no word)
            if title == "处" and end < n and is_han(text[end]) and ends and end not in ends:
                continue
            confidence = 0.85
            if any(s <= start and end <= e or (start <= s and e <= end) for s, e in nr_spans if s < end and start < e):
                confidence = 0.95
            if title in ("处", "哥", "叔", "嫂"):
                confidence -= 0.15
            if in_context:
                confidence -= 0.1
            key = text[start:end]
            out.append(Candidate(start, end, "person", confidence, prio, key, lead, vice + title))
        elif lead:
            start, end = i - 1, j
            pair = lead + surname
            if pair in _LEAD_BLOCK:
                continue
            if starts and start not in starts and (start - 1) >= 0 and is_han(text[start - 1]):
                continue  # 养老金, 从小
            if ends and end not in ends and end < n and is_han(text[end]):
                continue  # 老方案, 小黄页
            confidence = 0.9 if (start, end) in nr_spans else 0.75
            out.append(Candidate(start, end, "person", confidence, prio, pair, lead, ""))
    return out


def _surname_only_candidates(text: str) -> list[Candidate]:
    """A surname given alone: 老板姓胡 → 老板姓〔甲〕."""
    out: list[Candidate] = []
    for m in re.finditer("姓", text):
        i = m.end()
        surname = _surname_at(text, i) if i < len(text) else ""
        if not surname and i < len(text) and text[i] in SURNAMES_IN_CONTEXT:
            surname = text[i]  # 姓文, 姓区: after 姓 any surname of the list
        if not surname:
            continue
        end = i + len(surname)
        if end < len(text) and is_han(text[end]) and text[end] not in _FUNCTION_CHARS:
            continue  # 姓名, 百姓: not a surname given
        if m.start() > 0 and text[m.start() - 1] in "百贵同异":
            continue
        out.append(Candidate(m.start(), end, "person", 0.8, PRIORITY["title"], surname, "姓", ""))
    return out


def _cue_candidates(text: str, tokens: list[tuple[int, int, str, str]], seg: RedactionTokenizer) -> list[Candidate]:
    """A full name right after 联系人/负责人/姓名/叫: ``联系人：王丽娟``."""
    out: list[Candidate] = []
    by_start = {t[0]: t for t in tokens}
    for cue in _NAME_CUES:
        for m in re.finditer(re.escape(cue) + r"(?:[:：]|是|为)?\s*", text):
            i = m.end()
            surname = _surname_at(text, i) if i < len(text) else ""
            if not surname:
                continue
            token = by_start.get(i)
            end = None
            if not (token and token[3] in ("nr", "nrfg")) and any(
                    seg.freq(text[i:i + w]) >= _COMMON_WORD_FREQ for w in (len(surname) + 1, len(surname) + 2)):
                continue  # 联系人：项目组
            if token and token[3] in ("nr", "nrfg") and 2 <= token[1] - token[0] <= 4:
                end = token[1]
            else:
                k = i + len(surname)
                while k < len(text) and k - i < len(surname) + 2 and is_han(text[k]) and text[k] not in _NAME_STOP:
                    if _title_at(text, k):
                        break
                    k += 1
                if k - i > len(surname):
                    end = k
            if end is None:
                continue
            name = text[i:end]
            if _title_at(name, len(surname)):
                continue  # 叫王经理: the title detector has it
            out.append(Candidate(i, end, "person", 0.8, PRIORITY["cue"], name))
    return out


def _compound_name_candidates(text: str, starts: set[int]) -> list[Candidate]:
    """A compound surname and the given name after it, one name: 司马婉清, 欧阳娜, 皇甫建明."""
    out: list[Candidate] = []
    for surname in SURNAMES_2:
        if surname in _COMPOUND_WORDS:
            continue
        for m in re.finditer(surname, text):
            i = m.start()
            if starts and i not in starts and i > 0 and is_han(text[i - 1]):
                continue  # inside another word
            k = m.end()
            while (k < len(text) and k - m.end() < 2 and is_han(text[k]) and text[k] not in _NAME_STOP
                   and text[k] not in _FUNCTION_CHARS and not _title_at(text, k)):
                k += 1
            if k > m.end():
                out.append(Candidate(i, k, "person", 0.85, PRIORITY["cue"], text[i:k]))
    return out


_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
#: Titles after a name broken by whitespace or written in Latin letters (two characters or 总).
_SPACED_TITLES = "|".join(re.escape(t) for t in TITLES if len(t) > 1 or t == "总")
_BROKEN_NAME = re.compile(rf"(?P<surname>[{_HAN}]{{1,2}}?)(?P<gap>[ \t]+(?:\n[ \t]*)?|\n[ \t]*)"
                          rf"(?P<given>[{_HAN}]{{1,2}}?)(?P<title>副?(?:{_SPACED_TITLES}))")
_LATIN_NAME = re.compile(r"(?<![A-Za-z0-9_@.\-])(?P<name>[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){0,2})"
                         rf"(?:[ \t]?(?P<title>{_SPACED_TITLES})|(?<=[A-Za-z]))")
#: Capitalised words of the trade that come before a title and are no name (Python老师, Office讲师).
_LATIN_WORDS = frozenset({"Python", "Java", "Office", "Excel", "Word", "Windows", "Linux", "Android", "Oracle",
                          "Cisco", "Apple", "Google", "Microsoft", "Huawei", "Sales", "Account", "Project",
                          "Product", "Marketing", "Key", "Team", "Senior", "Chief", "General", "Regional"})
#: Cues before a Latin name (联系人：David Chen).
_LATIN_CUE = re.compile(r"(?:联系人|负责人|对接人|经办人|姓名|名叫|英文名)(?:[:：]|是|叫)?[ \t]*"
                        r"(?P<name>[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){0,2})(?![A-Za-z])")


def _broken_name_candidates(text: str) -> list[Candidate]:
    """A surname and given name split by spaces or a line break, before a title: 张 伟经理, 李⏎娜经理."""
    out: list[Candidate] = []
    for m in _BROKEN_NAME.finditer(text):
        surname, given = m.group("surname"), m.group("given")
        start = m.start("surname")
        if surname not in SURNAMES_2:
            if surname[-1] not in SURNAMES_1:
                continue
            start = m.end("surname") - 1
            surname = surname[-1]
        if _title_at(text, m.start("given")):
            continue  # 张 总经理: the title detector's
        title = m.group("title")
        out.append(Candidate(start, m.end(), "person", 0.8, PRIORITY["title"], surname + given, "", title))
    return out


def _latin_name_candidates(text: str) -> list[Candidate]:
    """A name in Latin letters before a title or after a cue: David Chen经理, 联系人：David Chen."""
    out: list[Candidate] = []
    for m in _LATIN_NAME.finditer(text):
        if not m.group("title") or m.group("name").split()[0] in _LATIN_WORDS:
            continue
        key = " ".join(m.group("name").split())
        out.append(Candidate(m.start(), m.end(), "person", 0.8, PRIORITY["title"], key, "", m.group("title")))
    for m in _LATIN_CUE.finditer(text):
        key = " ".join(m.group("name").split())
        out.append(Candidate(m.start("name"), m.end("name"), "person", 0.8, PRIORITY["cue"], key))
    return out


#: Words next to a bare name that show it is a person (对接的是李娜, 李娜说).
_PERSON_BEFORE = frozenset({"是", "叫", "找", "陪", "跟", "和", "问", "给", "请", "约", "联系", "对接人",
                            "联系人", "负责人", "见", "见到", "带", "让", "告诉"})
_PERSON_AFTER = frozenset({"说", "讲", "认为", "觉得", "表示", "答应", "介绍", "提到", "手机", "电话", "微信",
                           "的手机", "的电话", "的微信"})


def _jieba_candidates(tokens: list[tuple[int, int, str, str]], seg: RedactionTokenizer) -> list[Candidate]:
    """Full names jieba tags as person names (nr): 张建国, 王丽娟."""
    out: list[Candidate] = []
    for k, (start, end, word, flag) in enumerate(tokens[:-1]):
        # 李 + 红梅: jieba cut the name in two and tagged the given name nr
        nxt = tokens[k + 1]
        if (word in SURNAMES_2 and 1 <= len(nxt[2]) <= 2 and all_han(nxt[2])
                and not _title_at(nxt[2], 0) and nxt[2][0] not in _FUNCTION_CHARS):
            out.append(Candidate(start, nxt[1], "person", 0.6, PRIORITY["jieba"], word + nxt[2]))
        if (len(word) == 1 and word in COMMON_SURNAMES and flag in ("nr", "nrfg", "ng", "zg")
                and nxt[3] in ("nr", "nrfg") and 1 <= len(nxt[2]) <= 2 and all_han(nxt[2])
                and not _title_at(nxt[2], 0) and nxt[2][0] not in _FUNCTION_CHARS):
            out.append(Candidate(start, nxt[1], "person", 0.6, PRIORITY["jieba"], word + nxt[2]))
    for k, (start, end, word, flag) in enumerate(tokens):
        if flag not in ("nr", "nrfg") or not all_han(word) or not 2 <= len(word) <= 4:
            continue
        surname = word[:2] if word[:2] in SURNAMES_2 else word[0]
        if surname not in COMMON_SURNAMES or len(word) == len(surname):
            continue
        rest = word[len(surname):]
        if _title_at(rest, 0) or word[0] in "小老" or rest[-1] in _SHORT_TITLES:
            continue
        if word in seg.places or seg.freq(word) >= _BARE_NAME_FREQ:
            continue  # 石家庄, 顾问, 黄金周: dictionary words jieba tags nr
        if seg.freq(word) >= _COMMON_WORD_FREQ:
            # a name its dictionary knows (李娜 438) or a word (蓝图 333): a name only beside a
            # word about a person (对接的是李娜), a three-character one (陆无双) always
            before = tokens[k - 1][2] if k > 0 else ""
            after = tokens[k + 1][2] if k + 1 < len(tokens) else ""
            if len(word) == 2 and before not in _PERSON_BEFORE and after not in _PERSON_AFTER:
                continue
        if len(rest) == 2:
            confidence = 0.7
        else:
            confidence = 0.55
        out.append(Candidate(start, end, "person", confidence, PRIORITY["jieba"], word))
    return out
