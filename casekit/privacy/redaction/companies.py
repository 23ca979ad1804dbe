"""Companies in Chinese notes: the suffixes, the words that describe one, and the detector.

A company is a name in front of a legal or trade suffix (有限公司, 宾馆, 超市, 医院, 厂 …): place +
trade name + industry words + suffix (:class:`CompanyName`); :func:`company_candidates` finds
them, and the redactor finds a company's short forms (恒瑞达商贸, 恒瑞达) later on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from casekit.privacy.redaction.tokens import PRIORITY, Candidate, RedactionTokenizer, Token, all_han

__all__ = ["COMPANY_SUFFIXES", "GENERIC_WORDS", "STOP_WORDS", "CompanyName", "company_candidates", "company_suffix",
           "generic_only", "legal_form", "place_splits", "trade_of"]

#: Company suffixes (the part kept in the pseudonym so the industry stays readable).
COMPANY_SUFFIXES: tuple[str, ...] = tuple(sorted(
    (
        "股份有限公司", "有限责任公司", "有限公司", "集团公司", "贸易公司", "公司", "集团",
        "大酒店", "酒店", "宾馆", "饭店", "超市", "商场", "医院", "诊所", "药房", "学校",
        "小学", "中学", "幼儿园", "地产", "旅行社", "面包房", "厂", "酒楼", "批发部", "经营部",
        "门市部",
    ),
    key=len,
    reverse=True,
))
_LONG_SUFFIXES = frozenset({"股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司", "集团"})
#: A bracketed word inside a legal name, in front of its legal form: 宏远（集团）有限公司, 华南（中国）
#: 有限公司 (matched on the normalised text, where （） are ASCII brackets). It is part of the suffix.
_BRACKETED = r"\([\u4e00-\u9fff]{1,6}\)(?=股份有限公司|有限责任公司|有限公司|集团公司|公司)"
#: What follows a suffix that is a generic word, not the end of a name: 酒店行业, 厂家, 集团客户.
_SUFFIX_FOLLOW_BLOCK = re.compile(r"行业|业(?![务主绩内余])|类|版|界|化")
_SUFFIX_FOLLOW_BLOCK_OF = {
    "厂": re.compile(r"[家商长区房子]"),
    "集团": re.compile(r"网|客户|用户|电话|短信|彩铃|业务|[Vv]网"),
}

#: Words that describe a company without naming it (这家/本地/大型 …, industries, types).
GENERIC_WORDS: frozenset[str] = frozenset("""
这 那 哪 每 各 本 该 此 某 这家 那家 一家 哪家 每家 各家 这个 那个 这所 那所 一所 这间 那间 一个 本地
当地 外地 附近 周边 周围 同行 隔壁 对面 旁边 城里 县里 市里 乡里 镇上 村里 全市 全县 全省 大型 中型 小型
中小型 大中型 中小 大中小 微型 大 中 小 新 老 旧 好 县 市 省 区 乡 镇 村 城 连锁 民营 私营 私立 公立
公办 民办 国营 国有 集体 个体 合资 独资 外资 中外 外企 上市 家族 私人 专科 综合 妇产 妇幼 儿童 口腔 眼科
中医 西医 骨科 肿瘤 精神病 男科 整形 美容 康复 附属 职工 人民 中心 第一 第二 第三 第四 第五 社区 卫生 乡镇
县级 市级 省级 区级 三甲 二甲 一甲 二级 三级 星级 五星级 四星级 三星级 二星级 快捷 经济型 商务 度假 主题 高档
豪华 普通 一般 高端 低端 重点 实验 示范 寄宿 寄宿制 完全 初级 高级 职业 技术 技工 培训 艺术 外语 驾驶 特殊
教育 希望 物流 化妆品 批发 零售 建材 装修 装饰 软件 广告 保险 运输 家具 服装 食品 贸易 商贸 外贸 进出口 电子
电器 家电 五金 灯具 化工 机械 汽车 汽配 印刷 纺织 钢铁 水泥 塑料 医药 药品 制药 餐饮 酒楼 物业 房地产 地产
开发 建筑 工程 科技 信息 网络 通信 通讯 电信 移动 联通 网通 铁通 广电 邮政 银行 旅游 旅行 咨询 投资 担保
文化 传媒 体育 娱乐 美发 管理 服务 发展 实业 销售 生产 制造 加工 生鲜 便利 仓储 百货 购物 商业 工业 住宅
婚庆 快递 搬家 保安 家政 出租车 出租 面包 蛋糕 烘焙 西点 玩具 鞋 酒 啤酒 药 砖 糖 造纸 面粉 饲料 服饰 电脑
网吧 游戏 金融 证券 期货 超市 酒店 宾馆 医院 学校 公司 集团 商场 工厂 厂 分 子 母 总 国际 全国 跨国 中国
国内 地方 这些 那些 几家 多家 两家 三家 同类 类似 竞争 对手 竞争对手 客户 别的 其他 其它 另一家 另外 台资
港资 外资 中资 侨资 供暖 供热 供水 供电 供气 燃气 自来水 热力 公交 环卫 城建 市政 电力 电厂 汽修 修理 维修
农资 农机 种子 化肥 粮油 副食 日杂 烟酒 茶叶 水果 蔬菜 肉食 冷饮 乳品 奶制品 配件 零件 零部件 包装 木材 石材
陶瓷 玻璃 皮革 箱包 鞋业 制衣 钢材 铝材 线缆 电缆 管材 制品 船代 货代 船务 代理 报关 主机 配套 器材 通讯器材
设备 仪器 仪表 材料 用品 器械 电气 电器 能源 环保 智能 数码 光电 电子 自动化 新材料 系统 集成 工贸 实业
""".split())  # noqa: SIM905

#: Tokens that end the name in front of a suffix (verbs and words of the consultant's notes).
STOP_WORDS: frozenset[str] = frozenset("""
随访 拜访 走访 回访 访问 访谈 参观 调研 考察 接待 陪同 跟进 跟踪 联系 签约 签了 签下 成交 丢单 拿下 搞定
介绍 推荐 负责 维护 接触 进入 覆盖 上门 包括 比如 例如 像 如 提到 认识 了解 知道 属于 位于 来自 离 从 向
往 在 是 有 没有 去 到 来 进 跟 给 找 见 问 说 做 签 谈 约 请 帮 为 对 把 被 叫 名叫 叫做 和 与 同
及 或 跟着 听 讲 告诉 让 使 用 装 开 办 丢 打 跑 看 等 也 都 还 就 又 再 才 只 却 已 已经 正在 今天
昨天 明天 前天 上周 下周 本周 这周 上月 下月 本月 今年 去年 明年 当时 现在 后来 之前 之后 以前 以后 最近
目前 当天 早上 上午 中午 下午 晚上 客户经理 支撑人员 经理 老板 老板娘 对方 上次 这次 下次 那次 每次 头回
刚才 当初 平时 本来 原来 那天 这天 前几天 上个月 下个月 年初 年底 月初 月底 周末 我们 他们 你们 咱们
""".split())  # noqa: SIM905
_STOP_FLAGS = frozenset({"p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "r", "x", "y", "e",
                         "o", "w", "d", "zg", "eng"})
_NAME_FLAGS = frozenset({"nr", "nrfg", "nrt", "nz", "nt", "j", "ns"})

#: A verb this frequent (觉得, 推荐) is never the start of a company name.
_COMMON_VERB_FREQ = 1000
#: A word of a company's name is rarer than this in jieba's dictionary (宏达 275, 育才 566),
#: unless jieba tags it a name; commoner words describe (主管 2884, 全市 7178).
_NAME_WORD_FREQ = 1000
_INSTITUTION_WORDS = frozenset({"人民", "中心", "第一", "第二", "第三", "第四", "第五", "实验", "附属"})

_MEASURE = re.compile(r"^[这那哪每各本该此某一二两三四五六七八九十几多数半]*[家个所间座位]$"
                      r"|^[这那哪每各本该此某一二两三四五六七八九十几多数半]+[趟次回遍番批]$|^[一二两三四五六七八九十百几]+$")
_ORDINAL = re.compile(r"^第[一二三四五六七八九十百]+$")


def generic_only(name: str) -> bool:
    """Whether ``name`` is made only of legal forms and generic words (公司, 有限公司, 物流公司, 分公司)."""
    pieces = GENERIC_WORDS | set(COMPANY_SUFFIXES) | {"有限", "股份", "责任", "有限责任"}
    ok = [True] + [False] * len(name)
    for end in range(1, len(name) + 1):
        ok[end] = any(ok[start] and name[start:end] in pieces for start in range(max(0, end - 6), end))
    return ok[len(name)]


def company_suffix(name: str) -> str:
    """The company suffix ``name`` ends in (``华夏宾馆`` → ``宾馆``), or ``""``."""
    for suffix in COMPANY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return suffix
    return ""


def place_splits(text: str, seg: RedactionTokenizer) -> list[tuple[str, ...]]:
    """``text`` as a sequence of places (石家庄市, 广西南宁), or no sequence."""
    if not text:
        return [()]
    out: list[tuple[str, ...]] = []
    for n in range(2, min(len(text), 8) + 1):
        head = text[:n]
        if _is_place(head, "", seg):
            out += [(head, *rest) for rest in place_splits(text[n:], seg)]
            if out:
                break
    return out

@dataclass(frozen=True)
class CompanyName:
    """A company's name split into its parts: place + trade name + industry words + suffix.

    ``佛山市南海区顺德隆五金制品有限公司`` → place ``佛山市南海区``, trade ``顺德隆``, industry
    ``五金制品``, suffix ``有限公司``. :meth:`short_forms` are the ways the same note writes the
    company later (``顺德隆五金``, ``顺德隆``); they get the same pseudonym.
    """

    place: str
    trade: str
    industry: tuple[str, ...]
    suffix: str

    @property
    def key(self) -> str:
        """Its identity: the name without the place (``金桂园酒店`` however it was introduced)."""
        return (self.trade or self.place) + "".join(self.industry) + self.suffix

    def short_forms(self, seg: RedactionTokenizer) -> tuple[str, ...]:
        """Shorter ways of writing it: trade name + industry words (+ 公司), the trade name alone.

        The trade name alone counts only if it is distinctive: two characters or more, not a
        place, not a generic word and rare in jieba's dictionary (华夏 is a word, 恒瑞达 is not).
        """
        if not self.trade:
            return ()
        industry = "".join(self.industry)
        forms = [self.trade + industry[:n] for n in range(len(industry), 0, -1) if _is_generic(industry[:n])]
        if self.place:
            forms.insert(0, self.key)
        legal = legal_form(self.suffix)
        if legal in _LEGAL_FORMS and legal != "公司":
            forms.insert(0, self.trade + "".join(self.industry) + "公司")
        if legal != self.suffix:  # 宏远(集团)有限公司 written 宏远有限公司
            forms.insert(0, self.trade + "".join(self.industry) + legal)
        if (len(self.trade) >= 2 and self.trade not in seg.places and self.trade not in GENERIC_WORDS
                and seg.freq(self.trade) < _TRADE_NAME_FREQ):
            forms.append(self.trade)
        return tuple(f for f in dict.fromkeys(forms) if f != self.key + self.place and len(f) >= 2)


#: Legal forms of a company (a name in front of one may be long, with a place in front).
_LEGAL_FORMS = frozenset({"股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司", "集团"})
#: A trade name this frequent in jieba's dictionary is a word (华夏 1348), not a short form.
_TRADE_NAME_FREQ = 100
#: Single-character words that end a name in front of a suffix (去了酒店, 在医院): verbs and
#: function words; any other single character (恒瑞 + 达, 宝泰 + 隆) may be part of a name.
_STOP_CHARS = frozenset("去到在是有找见说问跟给把被对从向往让叫做签谈约请帮为看打跑装开办丢用听讲进来想要会能"
                        "买卖换送住吃管回过和与同及或也都还就又再才只已却了的地得着呢吗吧啊嘛")
#: Characters that begin a word which ends a name: negations (没说到医院, 不去超市).
_NEGATIONS = "没不未别莫甭"
#: Conjunctions and prepositions joining two names (A和B, 跟B, 与B): a word jieba glued from one
#: of them and the start of a name (和惠 of 和惠万家超市) ends the name before its first character.
_JOINING_CHARS = frozenset("和跟与同及或")
_COMPANY_STOP_FLAGS = _STOP_FLAGS | {"f"}


def company_candidates(text: str, tokens: list[Token], seg: RedactionTokenizer) -> list[Candidate]:
    """A name in front of a company suffix: 华夏宾馆, 康明灯具厂, 宏达物流有限公司.

    The span runs back from the suffix over the words of the name and stops at an ordinary word
    (上次, 去的, 没说到, 我们, a verb, a measure word, punctuation); leading descriptions and
    places are trimmed or kept as the name's place; the words left must name a company (see
    :func:`_name_like`). Each candidate carries its :class:`CompanyName`.
    """
    if not tokens:
        return []
    out: list[Candidate] = []
    index_of_end = {t[1]: k for k, t in enumerate(tokens)}
    token_at: dict[int, int] = {}
    for k, (s, e, _, _) in enumerate(tokens):
        for p in range(s, e):
            token_at[p] = k
    suffix_re = re.compile(f"(?:{_BRACKETED})?(?:" + "|".join(re.escape(s) for s in COMPANY_SUFFIXES) + ")")
    pos = 0
    while True:
        m = suffix_re.search(text, pos)
        if m is None:
            break
        s, e, suffix = m.start(), m.end(), m.group()
        pos = e  # a suffix is used once: 有限责任公司 is not also 公司 with the name 有限责任
        legal = legal_form(suffix)
        special = _SUFFIX_FOLLOW_BLOCK_OF.get(legal)
        if _SUFFIX_FOLLOW_BLOCK.match(text, e) or (special is not None and special.match(text, e)):
            continue  # 酒店行业, 厂家, 集团客户
        if e not in index_of_end and e < len(text):
            # the suffix is inside a longer word (厂家, 中医院长 …) unless a longer suffix ends there
            k = token_at.get(e - 1)
            if k is None or tokens[k][1] != e:
                continue
        k = token_at.get(s)
        if k is None:
            continue
        prefix_parts: list[tuple[str, str]] = []
        tok_start = tokens[k][0]
        if tok_start < s:  # the suffix ends a token: 灯具厂 → 灯具 + 厂
            remainder = text[tok_start:s]
            if not all_han(remainder):
                continue
            word = tokens[k][2]
            # a dictionary word ending in the suffix is an ordinary noun (主机厂, 中医院): its
            # first part only describes
            ordinary = seg.freq(word) > 0 and word not in seg.added and tokens[k][3] not in _NAME_FLAGS
            prefix_parts.append((remainder, "generic" if ordinary else tokens[k][3]))
        k -= 1
        limit = 16 if legal in _LONG_SUFFIXES else 8
        length = sum(len(p) for p, _ in prefix_parts)
        while k >= 0:
            _, _, word, flag = tokens[k]
            if (not all_han(word) or word in STOP_WORDS or flag in _COMPANY_STOP_FLAGS or _MEASURE.match(word)
                    or word[0] in _NEGATIONS or (len(word) == 1 and word in _STOP_CHARS)):
                break
            if len(word) > 1 and word[0] in _JOINING_CHARS and seg.freq(word) == 0:
                # 那边和惠万家超市: jieba glued the conjunction to the name (和惠); it ends the name
                if length + len(word) - 1 <= limit:
                    prefix_parts.insert(0, (word[1:], "nz"))
                break
            if flag in ("v", "vd", "vi", "l") and len(word) > 1 and word not in GENERIC_WORDS and (
                    seg.freq(word) >= _COMMON_VERB_FREQ):
                break  # 觉得酒店…: a common verb ends the name (开心假期旅行社 keeps its rare one)
            if length + len(word) > limit:
                break
            prefix_parts.insert(0, (word, flag))
            length += len(word)
            k -= 1
        while prefix_parts and _trimmable(prefix_parts[0]):
            prefix_parts.pop(0)
        prefix = "".join(p for p, _ in prefix_parts)
        if len(prefix) < 2 or not _name_like(prefix_parts, seg):
            continue
        start = s - len(prefix)
        name = _split_company(prefix_parts, suffix, seg)
        out.append(Candidate(start, e, "company", 0.8, PRIORITY["company"], name.key, "",
                              "".join(name.industry) + suffix if name.trade else suffix, company=name))
    return out


def legal_form(suffix: str) -> str:
    """A suffix without the bracketed word inside it: ``(集团)有限公司`` → ``有限公司``."""
    return re.sub(r"^\(.*?\)", "", suffix)


def trade_of(form: str, key: str) -> str:
    """The part of a short form that is the company's name (``恒瑞达商贸`` of ``恒瑞达商贸有限公司`` →
    ``恒瑞达``: the common start of form and key, up to the industry words)."""
    n = 0
    while n < min(len(form), len(key)) and form[n] == key[n]:
        n += 1
    common = form[:n]
    # keep whole generic words after the trade name visible (商贸, 五金)
    for cut in range(1, len(common) + 1):
        if _is_generic(form[cut:]) or form[cut:] == "" or (form[cut:].endswith("公司") and (
                form[cut:-2] == "" or _is_generic(form[cut:-2]))):
            return form[:cut]
    return common


def _is_place(word: str, flag: str, seg: RedactionTokenizer) -> bool:
    return word in seg.places or word[:-1] in seg.places or (flag == "ns" and word[-1:] in "省市县区镇乡")


def _is_generic(word: str, flag: str = "") -> bool:
    """A word that describes a company without naming it (物流, 五金制品: two such words)."""
    if flag == "generic" or word in GENERIC_WORDS:
        return True
    return any(word[:n] in GENERIC_WORDS and word[n:] in GENERIC_WORDS for n in range(1, len(word)))


def _split_company(parts: list[tuple[str, str]], suffix: str, seg: RedactionTokenizer) -> CompanyName:
    """Split a name's words into place, trade name and industry words (see :class:`CompanyName`).

    A name made of a place and an ordinal (南宁市第一人民医院) has no trade name: it keeps only
    its suffix in its pseudonym.
    """
    def industry_start(n_place: int) -> int:
        k = len(parts)
        while k > n_place + 1 and _is_generic(*parts[k - 1]) and parts[k - 1][0] not in _INSTITUTION_WORDS:
            k -= 1
        return k

    n_place = 0
    while n_place < len(parts) - 1 and (_is_place(*parts[n_place], seg) or parts[n_place][1] == "ns"):
        n_place += 1
    k = industry_start(n_place)
    while n_place > 0 and not _is_place(*parts[n_place - 1], seg) and not _name_like(parts[n_place:k], seg, places=False):
        n_place -= 1  # a word jieba tags as a place is the trade name (邕江国际大酒店: 邕江)
        k = industry_start(n_place)
    place = "".join(w for w, _ in parts[:n_place])
    trade_parts = parts[n_place:k]
    if not _name_like(trade_parts, seg, places=False):
        # no trade name of its own (保定市第二医院, 南宁酒店): the whole is the name
        return CompanyName(place="".join(w for w, _ in parts), trade="", industry=(), suffix=suffix)
    return CompanyName(place=place, trade="".join(w for w, _ in trade_parts),
                       industry=tuple(w for w, _ in parts[k:]), suffix=suffix)


def _trimmable(part: tuple[str, str]) -> bool:
    """A leading word of a prefix that only describes (这家, 本地, 大型); 小 of 小太阳 stays."""
    word, flag = part
    if flag in ("nr", "nrfg"):
        return False
    if len(word) == 1:
        return word in "这那哪每各本该此某县市省区乡镇村城"
    return word in GENERIC_WORDS or flag == "generic"


def _name_like(parts: list[tuple[str, str]], seg: RedactionTokenizer, *, places: bool = True) -> bool:
    """Whether a prefix names a company rather than describing one (物流公司, 中小型医院).

    A name needs one word that is not a generic description, not a place and not a common
    dictionary word (主管全市医院); a place with an ordinal or 人民 names a public institution
    (保定市第二医院) unless ``places`` is false.
    """
    has_place = has_institution = False
    for word, flag in parts:
        if _is_place(word, flag, seg):
            has_place = True
            continue
        if _is_generic(word, flag) or _MEASURE.match(word) or _ORDINAL.match(word):
            if word in _INSTITUTION_WORDS or _ORDINAL.match(word):
                has_institution = True
            continue
        if flag == "b":
            continue
        if len(word) == 1 or flag in _NAME_FLAGS or seg.freq(word) < _NAME_WORD_FREQ:
            return True
    return places and has_place and has_institution
