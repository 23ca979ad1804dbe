"""Redaction of personal data in Chinese interview notes (访谈记录脱敏).

Research notes name customers' companies, contacts and their phone numbers; none of it may reach
a case, a report or an export. :class:`Redactor` finds

* numbers: ``mobile`` (手机号), ``landline`` (座机, with area code, brackets, spaces, extensions,
  or a bare local number after 电话/座机/Tel), ``service_number`` (400/800 hotlines),
  ``id_number`` (18-digit resident ID, 15-digit old ID after 身份证), ``email``, ``qq``,
  ``wechat`` (an id after 微信/vx/wx, any id holding a mobile number among letters);
* names: ``person`` (the bundle's roster; any surname of ``surnames.txt`` + title 王经理/禤科长/
  岑工/王姐; 小李/老张; 姓胡; compound surname + given name 司马婉清; full names after
  联系人/负责人/姓名; full names jieba tags ``nr``) and ``company`` (the roster; a whole name,
  place + trade name + industry words, in front of a legal or trade suffix: 有限公司, 宾馆, 超市,
  医院, 小学, 面包房, 厂 …; its short forms later on, 恒瑞达商贸, 恒瑞达: see :class:`CompanyName`),

and replaces each with a readable placeholder that keeps the role: ``王经理`` → ``〔甲〕经理``,
``华夏宾馆`` → ``〔企业A〕宾馆``, ``13912345678`` → ``〔手机号〕``. Within a bundle the same person
or company always gets the same pseudonym; the mapping is kept only in the bundle's private
area (``_private/pseudonyms.csv``, see :mod:`casekit.intake.roster` and ``docs/redaction.md``).

Examples
--------
>>> from casekit.intake.redaction import redact_text
>>> redact_text("王经理说，有事打 139-1234-5678。")
'〔甲〕经理说，有事打 〔手机号〕。'
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from casekit.exceptions import CasekitError
from casekit.intake.pii_numbers import (
    EMAIL_RANK,
    ID_RANK,
    NUMBER_RANK,
    find_numbers,
    id_check_digit_ok,
    normalise,
)
from casekit.intake.roster import (
    RosterEntry,
    read_pseudonyms,
    read_roster,
    write_pseudonyms,
)

if TYPE_CHECKING:  # pragma: no cover
    from casekit.intake.bundle import Bundle

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "CompanyName",
    "Finding",
    "Redaction",
    "Redactor",
    "id_check_digit_ok",
    "read_document",
    "redact_bundle_notes",
    "encode_like",
    "redact_text",
    "unsafe_name",
    "write_redacted",
]

#: Every kind of personal data found, with its Chinese label (shown to consultants).
KIND_LABELS: dict[str, str] = {
    "mobile": "手机号",
    "landline": "座机",
    "service_number": "400/800电话",
    "id_number": "身份证号",
    "email": "邮箱",
    "qq": "QQ号",
    "wechat": "微信号",
    "person": "人名",
    "company": "企业名称",
}
KINDS: tuple[str, ...] = tuple(KIND_LABELS)

#: What replaces a number (numbers get no pseudonym: a case never needs to tell two apart).
NUMBER_PLACEHOLDERS: dict[str, str] = {
    "mobile": "〔手机号〕",
    "landline": "〔电话〕",
    "service_number": "〔服务电话〕",
    "id_number": "〔身份证号〕",
    "email": "〔邮箱〕",
    "qq": "〔QQ号〕",
    "wechat": "〔微信号〕",
}


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found and replaced.

    Parameters
    ----------
    start, end : int
        Its span in the *original* text (``text[start:end] == original``).
    kind : str
        One of :data:`KINDS`.
    original : str
        The text replaced.
    replacement : str
        What replaces it in the redacted text.
    confidence : float
        0–1: how sure the detector is (a roster name 1.0, a valid ID 0.99, a name jieba
        alone tagged 0.55–0.7).
    """

    start: int
    end: int
    kind: str
    original: str
    replacement: str
    confidence: float


@dataclass(frozen=True)
class Redaction:
    """The redacted text and what was replaced (spans in the original text's coordinates)."""

    text: str
    findings: tuple[Finding, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """Return kind → number of findings, in the order of :data:`KINDS`."""
        counter = Counter(f.kind for f in self.findings)
        return {k: counter[k] for k in KINDS if counter[k]}


# --------------------------------------------------------------------------------- vocabulary

def _load_surnames() -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """The sections of ``casekit/intake/surnames.txt``: (single, in-context, compound)."""
    from importlib.resources import files

    sections: dict[str, list[str]] = {}
    current = ""
    for line in files("casekit.intake").joinpath("surnames.txt").read_text(encoding="utf-8").splitlines():
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
#: Administrative places: a place alone in front of a suffix does not make a name (南宁酒店).
PLACE_WORDS: frozenset[str] = frozenset("""
北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川
贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 石家庄 保定 唐山 邯郸 邢台 沧州 衡水 廊坊
承德 张家口 秦皇岛 南宁 济南 青岛 广州 深圳 武汉 郑州 太原 沈阳 义乌
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
#: A word jieba tags nr but its dictionary knows this often is a common word (顾问 1697), not a name.
_COMMON_WORD_FREQ = 50
#: A word jieba tags nr this frequent is an ordinary word (顾问 1697), never a bare name.
_BARE_NAME_FREQ = 1000
#: A verb this frequent (觉得, 推荐) is never the start of a company name.
_COMMON_VERB_FREQ = 1000
#: A word of a company's name is rarer than this in jieba's dictionary (宏达 275, 育才 566),
#: unless jieba tags it a name; commoner words describe (主管 2884, 全市 7178).
_NAME_WORD_FREQ = 1000
_INSTITUTION_WORDS = frozenset({"人民", "中心", "第一", "第二", "第三", "第四", "第五", "实验", "附属"})
#: Characters after a one-character title that end the name (林总和小吴 = 林总 + 和 + 小吴).
_FUNCTION_CHARS = frozenset("和的是说在也都就让把跟对给们还又再才只要会很一不没跟与及等")
_MEASURE = re.compile(r"^[这那哪每各本该此某一二两三四五六七八九十几多数半]*[家个所间座位]$"
                      r"|^[这那哪每各本该此某一二两三四五六七八九十几多数半]+[趟次回遍番批]$|^[一二两三四五六七八九十百几]+$")
_ORDINAL = re.compile(r"^第[一二三四五六七八九十百]+$")

#: Cues after which a full name follows (联系人：王丽娟).
_NAME_CUES = ("联系人", "负责人", "对接人", "经办人", "姓名", "名叫", "叫做", "名字叫", "叫")
_NAME_STOP = frozenset("的了是说和也都在就把被对给跟与及或等着过吗呢吧啊")

#: Domain words jieba must keep whole and never flag (products, roles, tools of the method).
DOMAIN_TERMS: tuple[str, ...] = (
    "客户经理", "政企客户经理", "大客户经理", "支撑人员", "销售管理人员", "营销中心", "营销中心主任",
    "商务领航", "宽带监控", "宽视界", "场景监控", "全球眼", "混合组网", "集团网", "企业虚拟网",
    "黄页", "电话黄页", "光纤专线", "企业网站", "天翼", "商务光速", "视频看店", "商务快车",
    "隐性销售", "工作随访", "随访", "复盘", "客户管理表", "销售工具", "置业顾问", "售楼处",
    "前台主管", "大堂经理", "项目经理", "产品经理", "区域经理", "销售经理", "客服主管", "班主任",
    "办公室主任", "院办主任", "信息科", "教导处", "教务处", "号码百事通", "C网", "老板娘",
)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _all_han(s: str) -> bool:
    return bool(s) and all(_is_han(c) for c in s)


# ------------------------------------------------------------------------------ roster names

#: Whitespace a name may be broken by (张 伟, 李⏎娜): spaces, then at most one line break.
_NAME_GAP = r"[ \t]*(?:\n[ \t]*)?"


def _generic_only(name: str) -> bool:
    """Whether ``name`` is made only of legal forms and generic words (公司, 有限公司, 物流公司, 分公司)."""
    pieces = GENERIC_WORDS | set(COMPANY_SUFFIXES) | {"有限", "股份", "责任", "有限责任"}
    ok = [True] + [False] * len(name)
    for end in range(1, len(name) + 1):
        ok[end] = any(ok[start] and name[start:end] in pieces for start in range(max(0, end - 6), end))
    return ok[len(name)]


def unsafe_name(kind: str, name: str) -> str | None:
    """Why a roster name or alias cannot be redacted safely, or ``None`` when it can.

    A roster name is replaced wherever it is written, so it must be long and specific enough
    not to match ordinary text: ``李`` would turn 李子 into 〔甲〕子, ``公司`` every company
    into 〔企业A〕.

    Parameters
    ----------
    kind : {"person", "company"}
    name : str
        The name or alias as the roster writes it.

    Returns
    -------
    str or None
        What a safe name would be (a :class:`~casekit.exceptions.Problem`'s ``expected``).

    Examples
    --------
    >>> unsafe_name("person", "李")
    'a name of at least two Chinese characters or three Latin letters (a shorter one would be replaced inside ordinary words)'
    >>> unsafe_name("company", "有限公司") is not None, unsafe_name("company", "华夏宾馆")
    (True, None)
    """
    core = re.sub(r"\s+", "", normalise(name))
    n_han = sum(_is_han(c) for c in core)
    n_latin = sum(c.isascii() and c.isalpha() for c in core)
    if n_han < 2 and n_latin < 3:
        return ("a name of at least two Chinese characters or three Latin letters "
                "(a shorter one would be replaced inside ordinary words)")
    if kind == "company" and n_han == len(core) and _generic_only(core):
        return ("a company's own name, not only legal-form or industry words "
                "(公司, 有限公司, 集团, 医院 would be replaced wherever they are written)")
    if kind == "person" and (core in TITLES or core in GENERIC_WORDS or core in STOP_WORDS or core in DOMAIN_TERMS):
        return ("a person's name, not a title or an ordinary word "
                "(经理, 老板 would be replaced wherever they are written)")
    return None


def _roster_pattern(form: str) -> str:
    """The regular expression of a roster form: whitespace and one line break may split it
    (张 伟, 李⏎娜经理); a Latin name is matched whole, in any case, however it is spaced (David Chen)."""
    chars = [c for c in normalise(form) if not c.isspace()]
    if any(c.isascii() and c.isalpha() for c in chars):
        words = normalise(form).split()
        body = r"\s+".join(_NAME_GAP.join(re.escape(c) for c in w) if _all_han(w) else re.escape(w) for w in words)
        return rf"(?i:(?<![A-Za-z]){body}(?![A-Za-z]))"
    return _NAME_GAP.join(re.escape(c) for c in chars)


# ------------------------------------------------------------------------------------ jieba


class _Segmenter:
    """A private jieba tokenizer (the global one is left alone) with the domain words added.

    One per set of extra words (a bundle's product names and regions), cached: redacting with
    one bundle never changes how another bundle's notes are cut.
    """

    _lock = threading.RLock()
    _cache: ClassVar[dict[tuple[frozenset[str], frozenset[str]], _Segmenter]] = {}

    def __init__(self, words: Iterable[str] = (), places: Iterable[str] = ()) -> None:
        import jieba
        import jieba.posseg

        from casekit.text.jieba_dict import base_jieba_dictionary

        logging.getLogger("jieba").setLevel(logging.WARNING)
        # A private copy of jieba's general dictionary, read from the package (never through
        # jieba's cache file in the temporary folder, which may belong to another user and make
        # jieba log an error on stderr); words added below stay in this copy.
        freq, total = base_jieba_dictionary()
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.FREQ, self.tokenizer.total = dict(freq), total
        self.tokenizer.initialized = True
        self.pos = jieba.posseg.POSTokenizer(self.tokenizer)
        self.added: set[str] = set()
        self.add_words(DOMAIN_TERMS)
        self.add_words(words)
        self.places: set[str] = set()
        self.add_places(PLACE_WORDS)
        self.add_places(places)

    @classmethod
    def get(cls, words: Iterable[str] = (), places: Iterable[str] = ()) -> _Segmenter:
        """The segmenter with these extra words and places (created once)."""
        key = (frozenset(words) - frozenset(DOMAIN_TERMS), frozenset(places) - PLACE_WORDS)
        with cls._lock:
            if key not in cls._cache:
                if len(cls._cache) >= 8:
                    cls._cache.pop(next(iter(cls._cache)))
                cls._cache[key] = cls(*key)
            return cls._cache[key]

    def add_words(self, words: Iterable[str], tag: str = "nz") -> None:
        with self._lock:
            for word in words:
                if word and word not in self.added and len(word) > 1:
                    self.tokenizer.add_word(word, freq=max(self.freq(word), 20000), tag=tag)
                    self.added.add(word)

    def add_places(self, names: Iterable[str]) -> None:
        """Region names: segmented whole, tagged ns, never a person nor a company name alone."""
        names = [n for n in names if n and len(n) > 1]
        self.add_words(names, tag="ns")
        self.places.update(names)

    def freq(self, word: str) -> int:
        return int(self.tokenizer.FREQ.get(word) or 0)

    def tokens(self, text: str) -> list[tuple[int, int, str, str]]:
        """``(start, end, word, flag)`` of every token; offsets are the text's."""
        out = []
        pos = 0
        with self._lock:
            pairs = list(self.pos.cut(text))
        for pair in pairs:
            word, flag = pair.word, pair.flag
            start = text.find(word, pos) if text[pos:pos + len(word)] != word else pos
            if start < 0:  # jieba changed the text (it never should): no tokens, no jieba signals
                return []
            out.append((start, start + len(word), word, flag))
            pos = start + len(word)
        return out


# --------------------------------------------------------------------------------- candidates


@dataclass
class _Candidate:
    start: int
    end: int
    kind: str
    confidence: float
    priority: int
    key: str = ""  # identity of a person or company (its pseudonym's key)
    lead: str = ""  # 小 / 老 kept before a person's pseudonym
    tail: str = ""  # title or suffix kept after the pseudonym
    roster: bool = False
    company: CompanyName | None = None  # a company's name found in front of its suffix


#: Which detector wins an overlap (lower first, then the longer span): numbers rank as
#: :mod:`casekit.intake.pii_numbers` ranks them.
_PRIORITY = {"roster": 0, "email": EMAIL_RANK, "id": ID_RANK, "number": NUMBER_RANK, "title": 4, "company": 5,
             "cue": 6, "jieba": 7}


def _person_parts(name: str) -> tuple[str, str]:
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


def _company_suffix(name: str) -> str:
    for suffix in COMPANY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return suffix
    return ""


def _stem(index: int) -> str:
    stems = "甲乙丙丁戊己庚辛壬癸"
    return stems[index % 10] + ("" if index < 10 else str(index // 10 + 1))


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


def _new_pseudonym(kind: str, index: int) -> str:
    return f"〔{_stem(index)}〕" if kind == "person" else f"〔企业{_letters(index)}〕"


class Redactor:
    """Finds personal data in Chinese notes and replaces it with consistent pseudonyms.

    Parameters
    ----------
    roster : iterable of RosterEntry, optional
        Known persons and companies (a bundle's ``_private/roster.csv``).
    pseudonyms : iterable of (kind, original, pseudonym), optional
        Pseudonyms handed out earlier (a bundle's ``_private/pseudonyms.csv``); they never
        change, new ones continue their numbering.
    root : path-like, optional
        The bundle folder :meth:`save` writes ``_private/pseudonyms.csv`` into; ``None``: the
        pseudonyms live only as long as this object (numbered per run).
    protected : iterable of str, optional
        More words never to redact (local product names …), on top of :data:`DOMAIN_TERMS`.
    places : iterable of str, optional
        More region names (the manifest's): never a person, and not a company name alone.
    min_confidence : float, default 0.5
        Findings less sure than this are left in the text.

    Examples
    --------
    >>> r = Redactor()
    >>> r.redact("华夏宾馆的王经理说，王经理下周再谈。").text
    '〔企业A〕宾馆的〔甲〕经理说，〔甲〕经理下周再谈。'
    """

    def __init__(
        self,
        roster: Iterable[RosterEntry] = (),
        pseudonyms: Iterable[tuple[str, str, str]] = (),
        *,
        root: str | Path | None = None,
        protected: Iterable[str] = (),
        places: Iterable[str] = (),
        min_confidence: float = 0.5,
    ) -> None:
        self.root = Path(root) if root is not None else None
        self.min_confidence = float(min_confidence)
        self.roster = list(roster)
        self._rows: list[tuple[str, str, str]] = []
        self._map: dict[tuple[str, str], str] = {}
        self._used: set[str] = set()
        self._saved = 0
        for kind, original, pseudonym in pseudonyms:
            self._remember(kind, original, pseudonym)
        self._saved = len(self._rows)
        # roster: every written form → (kind, canonical name)
        self._roster_forms: dict[str, tuple[str, str]] = {}
        for entry in self.roster:
            for form in (entry.name, *entry.aliases):
                self._roster_forms.setdefault(_squeeze(form), (entry.kind, entry.name))
        self._roster_re = (
            re.compile("|".join(_roster_pattern(f) for f in sorted(self._roster_forms, key=len, reverse=True)))
            if self._roster_forms else None
        )
        self.protected = tuple(dict.fromkeys(t for t in (*DOMAIN_TERMS, *protected) if t and len(t) > 1))
        self._protected_re = re.compile(
            "|".join(re.escape(t) for t in sorted(self.protected, key=len, reverse=True))
        )
        self._seg = _Segmenter.get(self.protected, places)
        # short forms of the companies met so far (恒瑞达商贸 → the keys of the companies written
        # so, in the order met); the pseudonym table's companies are known from the start
        self._company_forms: dict[str, list[str]] = {}
        for kind, original, _ in self._rows:
            if kind == "company":
                self._learn_company(original)

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_bundle(cls, bundle_or_path: Bundle | str | Path, **kwargs: Any) -> Redactor:
        """A redactor with a bundle's roster, pseudonyms and local product names.

        Parameters
        ----------
        bundle_or_path : Bundle or path-like
            A loaded :class:`~casekit.intake.Bundle` or the bundle folder (it need not be
            valid: only ``_private/`` and ``catalogue/`` are read).
        **kwargs
            Passed to :class:`Redactor` (``min_confidence``, ``protected``).

        Raises
        ------
        BundleValidationError
            If ``_private/roster.csv`` or ``_private/pseudonyms.csv`` is malformed.
        """
        root = Path(getattr(bundle_or_path, "path", bundle_or_path))
        catalogue = getattr(bundle_or_path, "catalogue", None)
        products: list[str] = []
        if catalogue is not None and "local_name" in getattr(catalogue, "columns", ()):
            products = [str(n) for n in catalogue["local_name"].dropna()]
        else:
            products = _catalogue_names(root)
        protected = [*products, *kwargs.pop("protected", ())]
        manifest = getattr(bundle_or_path, "manifest", None)
        if manifest is not None:
            places = [str(n) for n in manifest.regions["name"]]
        else:
            places = _manifest_names(root)
        places = [*places, *kwargs.pop("places", ())]
        return cls(read_roster(root), read_pseudonyms(root), root=root, protected=protected, places=places,
                   **kwargs)

    # ------------------------------------------------------------------ pseudonyms

    def _remember(self, kind: str, original: str, pseudonym: str) -> None:
        if (kind, original) in self._map:
            return
        self._map[(kind, original)] = pseudonym
        self._used.add(pseudonym)
        self._rows.append((kind, original, pseudonym))

    def pseudonym(self, kind: str, key: str) -> str:
        """The pseudonym of a person or company (``〔甲〕``, ``〔企业A〕``), handing out the next one.

        Parameters
        ----------
        kind : {"person", "company"}
        key : str
            The identity: a roster name, or the string found (``王经理``, ``华夏宾馆``).
        """
        found = self._map.get((kind, key))
        if found is not None:
            return found
        index = sum(1 for k, _, _ in self._rows if k == kind)
        while _new_pseudonym(kind, index) in self._used:
            index += 1
        pseudonym = _new_pseudonym(kind, index)
        self._remember(kind, key, pseudonym)
        return pseudonym

    @property
    def pseudonyms(self) -> list[tuple[str, str, str]]:
        """Every ``(kind, original, pseudonym)`` known, in the order they were handed out."""
        return list(self._rows)

    @property
    def unsaved(self) -> int:
        """How many pseudonyms were handed out since loading or the last :meth:`save`."""
        return len(self._rows) - self._saved

    def save(self) -> Path | None:
        """Write ``<root>/_private/pseudonyms.csv`` if new pseudonyms were handed out.

        Returns
        -------
        Path or None
            The file written, or ``None`` (no bundle, or nothing new).
        """
        if self.root is None or not self.unsaved:
            return None
        path = write_pseudonyms(self.root, self._rows)
        self._saved = len(self._rows)
        return path

    # ------------------------------------------------------------------ redaction

    def redact(self, text: str) -> Redaction:
        """Return ``text`` with every personal datum replaced, and what was replaced.

        Parameters
        ----------
        text : str
            Any text (a note with its front matter, a paragraph, a case draft).

        Returns
        -------
        Redaction
            ``.text`` the redacted text; ``.findings`` sorted by position, spans in ``text``.
        """
        norm = normalise(text)
        tokens = self._seg.tokens(norm)
        candidates = self._candidates(norm, tokens)
        candidates += self._short_form_candidates(norm, tokens, candidates)
        chosen = self._resolve(norm, candidates)
        for c in chosen:
            if c.company is not None:
                self._learn(c.company)
        findings: list[Finding] = []
        parts: list[str] = []
        pos = 0
        for c in chosen:
            if c.tail and norm[c.end - len(c.tail):c.end] == c.tail:
                c.tail = text[c.end - len(c.tail):c.end]  # kept as written: （集团）有限公司
            replacement = self._replacement(c)
            findings.append(Finding(c.start, c.end, c.kind, text[c.start:c.end], replacement,
                                    round(c.confidence, 2)))
            parts.append(text[pos:c.start])
            parts.append(replacement)
            pos = c.end
        parts.append(text[pos:])
        return Redaction("".join(parts), tuple(findings))

    # ------------------------------------------------------------------ companies' short forms

    def _learn(self, name: CompanyName) -> None:
        for form in (name.key, *name.short_forms(self._seg)):
            keys = self._company_forms.setdefault(form, [])
            if name.key not in keys:
                keys.append(name.key)

    def _learn_company(self, original: str) -> None:
        """Learn the short forms of a company named in the pseudonym table."""
        norm = normalise(original)
        for c in _company_candidates(norm, self._seg.tokens(norm), self._seg):
            if c.company is not None and (c.start, c.end) == (0, len(norm)):
                self._learn(c.company)

    def _short_form_candidates(
        self, text: str, tokens: list[tuple[int, int, str, str]], candidates: list[_Candidate],
    ) -> list[_Candidate]:
        """Companies written short (恒瑞达商贸, 恒瑞达) after their full name, in this note or before.

        A short form several companies share (恒瑞达 of 恒瑞达商贸有限责任公司 and 恒瑞达科技有限公司)
        is the company of that form written last before it, or else the first one of this note
        (or of the notes before): it is never left in the text.
        """
        forms: dict[str, list[str]] = {}
        mentions: list[tuple[int, str]] = []  # (position, key) of each company named in full
        for c in sorted((c for c in candidates if c.company is not None), key=lambda c: c.start):
            mentions.append((c.start, c.company.key))
            for form in (c.company.key, *c.company.short_forms(self._seg)):
                keys = forms.setdefault(form, [])
                if c.company.key not in keys:
                    keys.append(c.company.key)
        for form, keys in self._company_forms.items():
            forms.setdefault(form, [])
            forms[form] += [k for k in keys if k not in forms[form]]
        if not forms:
            return []
        starts = {t[0] for t in tokens}
        pattern = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
        out: list[_Candidate] = []
        for m in pattern.finditer(text):
            i = m.start()
            if i > 0 and _is_han(text[i - 1]) and starts and i not in starts:
                continue  # inside another word
            keys = forms[m.group()]
            before = [k for p, k in mentions if p < i and k in keys]
            key = before[-1] if before else keys[0]
            if len(keys) == 1:
                mentions.append((i, key))
            tail = m.group()[len(_trade_of(m.group(), key)):] if m.group() != key else ""
            out.append(_Candidate(i, m.end(), "company", 0.8, _PRIORITY["company"], key, "", tail))
        return out

    def _replacement(self, c: _Candidate) -> str:
        if c.kind in NUMBER_PLACEHOLDERS:
            return NUMBER_PLACEHOLDERS[c.kind]
        return c.lead + self.pseudonym(c.kind, c.key) + c.tail

    def _resolve(self, text: str, candidates: list[_Candidate]) -> list[_Candidate]:
        protected = [(m.start(), m.end()) for m in self._protected_re.finditer(text)]

        def shielded(c: _Candidate) -> bool:
            if c.roster or c.kind in NUMBER_PLACEHOLDERS:
                return False
            for ps, pe in protected:
                if c.start < pe and ps < c.end and not (c.start <= ps and pe <= c.end and (c.start, c.end) != (ps, pe)):
                    return True
            return False

        rostered = [c for c in candidates if c.roster]
        for c in candidates:  # 石家庄市 + roster 康泰医药连锁有限公司: the longer span, the roster's identity
            if c.roster:
                continue
            for r in rostered:
                if r.kind == c.kind and c.start <= r.start and r.end <= c.end and self._extends(text, c, r):
                    c.key, c.roster, c.confidence, c.priority = r.key, True, 1.0, _PRIORITY["roster"]
                    break
        kept: list[_Candidate] = []
        taken = [False] * (len(text) + 1)
        for c in sorted(candidates, key=lambda c: (c.priority, -(c.end - c.start), c.start)):
            if c.confidence < self.min_confidence or c.end <= c.start or shielded(c):
                continue
            if any(taken[c.start:c.end]):
                continue
            for i in range(c.start, c.end):
                taken[i] = True
            kept.append(c)
        return sorted(kept, key=lambda c: c.start)

    def _extends(self, text: str, c: _Candidate, r: _Candidate) -> bool:
        """Whether a span found around a roster name only adds a place before it or a suffix
        after it (石家庄市 + 康泰医药连锁有限公司, 康明灯具 + 厂): then it is the roster's company.
        Anything else (和 + 惠万家超市) is not the roster's name, which keeps its own span."""
        before, after = text[c.start:r.start], text[r.end:c.end]
        if c.kind == "person":
            return before in ("", "小", "老") and (after == "" or after in TITLES or after.lstrip("副") in TITLES)
        place = not before or any(before == "".join(p) for p in _place_splits(before, self._seg))
        return place and (after == "" or _legal_form(after) in COMPANY_SUFFIXES or after in COMPANY_SUFFIXES)

    # ------------------------------------------------------------------ detectors

    def _candidates(self, text: str, tokens: list[tuple[int, int, str, str]]) -> list[_Candidate]:
        starts = {t[0] for t in tokens}
        ends = {t[1] for t in tokens}
        nr_spans = {(t[0], t[1]) for t in tokens if t[3] in ("nr", "nrfg")}
        out: list[_Candidate] = []
        out += self._roster_candidates(text)
        out += _number_candidates(text)
        glued = {p: t[2] for t in tokens for p in range(t[0], t[1])}
        out += _title_candidates(text, starts, ends, nr_spans, glued, self._seg)
        out += _surname_only_candidates(text)
        out += _company_candidates(text, tokens, self._seg)
        out += _cue_candidates(text, tokens, self._seg)
        out += _compound_name_candidates(text, starts)
        out += _broken_name_candidates(text)
        out += _latin_name_candidates(text)
        out += _jieba_candidates(tokens, self._seg)
        return out

    def _roster_candidates(self, text: str) -> list[_Candidate]:
        if self._roster_re is None:
            return []
        out = []
        for m in self._roster_re.finditer(text):
            form = _squeeze(m.group())
            kind, name = self._roster_forms[form]
            if kind == "person":
                lead, title = _person_parts(form)
                if form == name:
                    lead, title = "", ""
            else:
                lead, title = "", _company_suffix(form)
            out.append(_Candidate(m.start(), m.end(), kind, 1.0, _PRIORITY["roster"], name, lead, title, roster=True))
        return out


def _place_splits(text: str, seg: _Segmenter) -> list[tuple[str, ...]]:
    """``text`` as a sequence of places (石家庄市, 广西南宁), or no sequence."""
    if not text:
        return [()]
    out: list[tuple[str, ...]] = []
    for n in range(2, min(len(text), 8) + 1):
        head = text[:n]
        if _is_place(head, "", seg):
            out += [(head, *rest) for rest in _place_splits(text[n:], seg)]
            if out:
                break
    return out


def _squeeze(form: str) -> str:
    """A roster form as matched: half-width, without the whitespace inside a Chinese name,
    Latin words single-spaced and lower-case (``David  Chen`` → ``david chen``)."""
    words = normalise(form).split()
    return " ".join(w.lower() if not _all_han(w) else w for w in words) if any(
        not _all_han(w) for w in words) else "".join(words)


def _number_candidates(text: str) -> list[_Candidate]:
    return [_Candidate(m.start, m.end, m.kind, m.confidence, m.rank) for m in find_numbers(text)]


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
    glued: dict[int, str], seg: _Segmenter,
) -> list[_Candidate]:
    """王经理, 赵副院长, 欧阳主任, 老张师傅; 小李, 老张."""
    out: list[_Candidate] = []
    prio = _PRIORITY["title"]
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
            if (title in _SHORT_TITLES and ends and end not in ends and end < n and _is_han(text[end])
                    and text[end] not in _FUNCTION_CHARS and seg.freq(glued.get(end - 1, "")) > 0):
                continue  # 周总结, 陈工作, 王姐妹 (but 林总和小吴: 和 is a conjunction; 谭姐留: no word)
            if title == "处" and end < n and _is_han(text[end]) and ends and end not in ends:
                continue
            confidence = 0.85
            if any(s <= start and end <= e or (start <= s and e <= end) for s, e in nr_spans if s < end and start < e):
                confidence = 0.95
            if title in ("处", "哥", "叔", "嫂"):
                confidence -= 0.15
            if in_context:
                confidence -= 0.1
            key = text[start:end]
            out.append(_Candidate(start, end, "person", confidence, prio, key, lead, vice + title))
        elif lead:
            start, end = i - 1, j
            pair = lead + surname
            if pair in _LEAD_BLOCK:
                continue
            if starts and start not in starts and (start - 1) >= 0 and _is_han(text[start - 1]):
                continue  # 养老金, 从小
            if ends and end not in ends and end < n and _is_han(text[end]):
                continue  # 老方案, 小黄页
            confidence = 0.9 if (start, end) in nr_spans else 0.75
            out.append(_Candidate(start, end, "person", confidence, prio, pair, lead, ""))
    return out


def _surname_only_candidates(text: str) -> list[_Candidate]:
    """A surname given alone: 老板姓胡 → 老板姓〔甲〕."""
    out: list[_Candidate] = []
    for m in re.finditer("姓", text):
        i = m.end()
        surname = _surname_at(text, i) if i < len(text) else ""
        if not surname and i < len(text) and text[i] in SURNAMES_IN_CONTEXT:
            surname = text[i]  # 姓文, 姓区: after 姓 any surname of the list
        if not surname:
            continue
        end = i + len(surname)
        if end < len(text) and _is_han(text[end]) and text[end] not in _FUNCTION_CHARS:
            continue  # 姓名, 百姓: not a surname given
        if m.start() > 0 and text[m.start() - 1] in "百贵同异":
            continue
        out.append(_Candidate(m.start(), end, "person", 0.8, _PRIORITY["title"], surname, "姓", ""))
    return out


def _cue_candidates(text: str, tokens: list[tuple[int, int, str, str]], seg: _Segmenter) -> list[_Candidate]:
    """A full name right after 联系人/负责人/姓名/叫: ``联系人：王丽娟``."""
    out: list[_Candidate] = []
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
                while k < len(text) and k - i < len(surname) + 2 and _is_han(text[k]) and text[k] not in _NAME_STOP:
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
            out.append(_Candidate(i, end, "person", 0.8, _PRIORITY["cue"], name))
    return out


def _compound_name_candidates(text: str, starts: set[int]) -> list[_Candidate]:
    """A compound surname and the given name after it, one name: 司马婉清, 欧阳娜, 皇甫建明."""
    out: list[_Candidate] = []
    for surname in SURNAMES_2:
        if surname in _COMPOUND_WORDS:
            continue
        for m in re.finditer(surname, text):
            i = m.start()
            if starts and i not in starts and i > 0 and _is_han(text[i - 1]):
                continue  # inside another word
            k = m.end()
            while (k < len(text) and k - m.end() < 2 and _is_han(text[k]) and text[k] not in _NAME_STOP
                   and text[k] not in _FUNCTION_CHARS and not _title_at(text, k)):
                k += 1
            if k > m.end():
                out.append(_Candidate(i, k, "person", 0.85, _PRIORITY["cue"], text[i:k]))
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


def _broken_name_candidates(text: str) -> list[_Candidate]:
    """A surname and given name split by spaces or a line break, before a title: 张 伟经理, 李⏎娜经理."""
    out: list[_Candidate] = []
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
        out.append(_Candidate(start, m.end(), "person", 0.8, _PRIORITY["title"], surname + given, "", title))
    return out


def _latin_name_candidates(text: str) -> list[_Candidate]:
    """A name in Latin letters before a title or after a cue: David Chen经理, 联系人：David Chen."""
    out: list[_Candidate] = []
    for m in _LATIN_NAME.finditer(text):
        if not m.group("title") or m.group("name").split()[0] in _LATIN_WORDS:
            continue
        key = " ".join(m.group("name").split())
        out.append(_Candidate(m.start(), m.end(), "person", 0.8, _PRIORITY["title"], key, "", m.group("title")))
    for m in _LATIN_CUE.finditer(text):
        key = " ".join(m.group("name").split())
        out.append(_Candidate(m.start("name"), m.end("name"), "person", 0.8, _PRIORITY["cue"], key))
    return out


#: Words next to a bare name that show it is a person (对接的是李娜, 李娜说).
_PERSON_BEFORE = frozenset({"是", "叫", "找", "陪", "跟", "和", "问", "给", "请", "约", "联系", "对接人",
                            "联系人", "负责人", "见", "见到", "带", "让", "告诉"})
_PERSON_AFTER = frozenset({"说", "讲", "认为", "觉得", "表示", "答应", "介绍", "提到", "手机", "电话", "微信",
                           "的手机", "的电话", "的微信"})


def _jieba_candidates(tokens: list[tuple[int, int, str, str]], seg: _Segmenter) -> list[_Candidate]:
    """Full names jieba tags as person names (nr): 张建国, 王丽娟."""
    out: list[_Candidate] = []
    for k, (start, end, word, flag) in enumerate(tokens[:-1]):
        # 李 + 红梅: jieba cut the name in two and tagged the given name nr
        nxt = tokens[k + 1]
        if (word in SURNAMES_2 and 1 <= len(nxt[2]) <= 2 and _all_han(nxt[2])
                and not _title_at(nxt[2], 0) and nxt[2][0] not in _FUNCTION_CHARS):
            out.append(_Candidate(start, nxt[1], "person", 0.6, _PRIORITY["jieba"], word + nxt[2]))
        if (len(word) == 1 and word in COMMON_SURNAMES and flag in ("nr", "nrfg", "ng", "zg")
                and nxt[3] in ("nr", "nrfg") and 1 <= len(nxt[2]) <= 2 and _all_han(nxt[2])
                and not _title_at(nxt[2], 0) and nxt[2][0] not in _FUNCTION_CHARS):
            out.append(_Candidate(start, nxt[1], "person", 0.6, _PRIORITY["jieba"], word + nxt[2]))
    for k, (start, end, word, flag) in enumerate(tokens):
        if flag not in ("nr", "nrfg") or not _all_han(word) or not 2 <= len(word) <= 4:
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
        out.append(_Candidate(start, end, "person", confidence, _PRIORITY["jieba"], word))
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

    def short_forms(self, seg: _Segmenter) -> tuple[str, ...]:
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
        legal = _legal_form(self.suffix)
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


def _company_candidates(text: str, tokens: list[tuple[int, int, str, str]], seg: _Segmenter) -> list[_Candidate]:
    """A name in front of a company suffix: 华夏宾馆, 康明灯具厂, 宏达物流有限公司.

    The span runs back from the suffix over the words of the name and stops at an ordinary word
    (上次, 去的, 没说到, 我们, a verb, a measure word, punctuation); leading descriptions and
    places are trimmed or kept as the name's place; the words left must name a company (see
    :func:`_name_like`). Each candidate carries its :class:`CompanyName`.
    """
    if not tokens:
        return []
    out: list[_Candidate] = []
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
        legal = _legal_form(suffix)
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
            if not _all_han(remainder):
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
            if (not _all_han(word) or word in STOP_WORDS or flag in _COMPANY_STOP_FLAGS or _MEASURE.match(word)
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
        out.append(_Candidate(start, e, "company", 0.8, _PRIORITY["company"], name.key, "",
                              "".join(name.industry) + suffix if name.trade else suffix, company=name))
    return out


def _legal_form(suffix: str) -> str:
    """A suffix without the bracketed word inside it: ``(集团)有限公司`` → ``有限公司``."""
    return re.sub(r"^\(.*?\)", "", suffix)


def _trade_of(form: str, key: str) -> str:
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


def _is_place(word: str, flag: str, seg: _Segmenter) -> bool:
    return word in seg.places or word[:-1] in seg.places or (flag == "ns" and word[-1:] in "省市县区镇乡")


def _is_generic(word: str, flag: str = "") -> bool:
    """A word that describes a company without naming it (物流, 五金制品: two such words)."""
    if flag == "generic" or word in GENERIC_WORDS:
        return True
    return any(word[:n] in GENERIC_WORDS and word[n:] in GENERIC_WORDS for n in range(1, len(word)))


def _split_company(parts: list[tuple[str, str]], suffix: str, seg: _Segmenter) -> CompanyName:
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


def _name_like(parts: list[tuple[str, str]], seg: _Segmenter, *, places: bool = True) -> bool:
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


def _manifest_names(root: Path) -> list[str]:
    """Region names of ``manifest.yaml`` (read leniently: a broken manifest gives none)."""
    import yaml

    from casekit.bounded import StrictYamlLoader, read_bytes

    try:  # the same bounded reader and strict YAML as the bundle's own reading (validate reports)
        data = yaml.load(read_bytes(root / "manifest.yaml", "manifest.yaml").decode("utf-8-sig"),
                         Loader=StrictYamlLoader)
    except (CasekitError, UnicodeDecodeError, yaml.YAMLError):
        return []
    names: list[str] = []

    def walk(regions: Any) -> None:
        for region in regions if isinstance(regions, list) else []:
            if isinstance(region, dict):
                names.append(str(region.get("name", "")))
                walk(region.get("cities"))

    walk(data.get("regions") if isinstance(data, dict) else None)
    return [n for n in names if n]


def _catalogue_names(root: Path) -> list[str]:
    from casekit.bounded import csv_records, read_bytes

    names: list[str] = []
    for path in sorted((root / "catalogue").glob("*.csv")) if (root / "catalogue").is_dir() else []:
        rel = f"catalogue/{path.name}"
        try:  # bounded like every bundle file: no links out, no runaway cells (validate reports)
            text = read_bytes(path, rel).decode("utf-8-sig").replace("\r\n", "\n")
            records, _ = csv_records(text, rel)
        except (CasekitError, UnicodeDecodeError):
            continue
        if records and "local_name" in records[0]:
            at = records[0].index("local_name")
            names += [record[at] for record in records[1:] if len(record) > at]
    return [n for n in names if n]


# ------------------------------------------------------------------------------ conveniences


def redact_text(text: str, redactor: Redactor | None = None) -> str:
    """Return ``text`` redacted (a fresh :class:`Redactor`, numbering pseudonyms anew, if none given)."""
    return (redactor or Redactor()).redact(text).text


def read_document(path: str | Path) -> str:
    """The text of a note: ``.docx`` paragraphs and table cells, else UTF-8 (or GB18030) text.

    Raises
    ------
    OSError
        If the file cannot be read.
    UnicodeDecodeError
        If a text file is neither UTF-8 nor GB18030.
    ValueError
        If a ``.docx`` file is not a Word document (damaged, or another format renamed).
    """
    from casekit.intake._files import read_text
    from casekit.intake.notes import docx_paragraph_text

    path = Path(path)
    if path.suffix.lower() == ".docx":
        return "\n".join(docx_paragraph_text(p._p) for p in _docx_paragraphs(_open_docx(path)))
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    # the notes reader's encodings: UTF-8 (BOM or not), UTF-16 with a BOM, GB18030/GBK
    text, problems = read_text(path, path.name, legacy=True)
    if text is None:
        raise UnicodeDecodeError("utf-8", b"", 0, 1, "; ".join(str(p) for p in problems))
    return text


def _open_docx(path: Path) -> Any:
    import zipfile

    import docx
    from docx.opc.exceptions import OpcError

    from casekit.intake.redaction_docx import open_package

    open_package(path).close()  # a Word package of a sane size (no zip bomb), before loading it
    try:
        return docx.Document(str(path))
    except (OpcError, zipfile.BadZipFile, KeyError) as exc:
        raise ValueError(f"{path} is not a Word .docx document ({exc})") from None


def _docx_paragraphs(document: Any) -> Iterator[Any]:
    def walk(container: Any) -> Iterator[Any]:
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(document)
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                yield from walk(part)


def write_redacted(path: str | Path, out_dir: str | Path, redactor: Redactor) -> tuple[Path, Redaction]:
    """Redact one note into ``out_dir`` under the same name (a ``.docx`` stays a ``.docx``).

    A ``.docx`` is redacted in every part that holds text (body, tables, text boxes, headers,
    footers, footnotes, endnotes, comments, tracked changes, hyperlink targets, document
    properties; see :mod:`casekit.intake.redaction_docx`). A text note is written back in the
    encoding and line ends it was read in (UTF-8 with or without a BOM, UTF-16 with its BOM,
    GB18030/GBK), so the consultant's editor opens it as before.

    Returns
    -------
    (Path, Redaction)
        The file written and the redaction of the note's whole text.
    """
    from casekit.files import write_atomic
    from casekit.intake.redaction_docx import redact_docx_bytes

    path = Path(path)
    target = Path(out_dir) / path.name
    if path.suffix.lower() == ".docx":
        data, result = redact_docx_bytes(path, redactor)
        write_atomic(target, data)
        return target, result
    result = redactor.redact(read_document(path))
    write_atomic(target, encode_like(result.text, path.read_bytes()))
    return target, result


def encode_like(text: str, original: bytes) -> bytes:
    """``text`` encoded as ``original`` was: same encoding, byte-order mark and line ends.

    The encodings are those :func:`read_document` reads: UTF-16 with a BOM (either byte order),
    UTF-8 with or without a BOM, else GB18030 (a superset of GBK and GB2312).

    Examples
    --------
    >>> encode_like("〔甲〕经理", "王经理".encode("gbk")) == "〔甲〕经理".encode("gb18030")
    True
    """
    if original[:2] in (b"\xff\xfe", b"\xfe\xff"):
        little = original[:2] == b"\xff\xfe"
        crlf = "\r\n".encode("utf-16-le" if little else "utf-16-be") in original
        body = text.replace("\n", "\r\n") if crlf else text
        return original[:2] + body.encode("utf-16-le" if little else "utf-16-be")
    crlf = b"\r\n" in original
    body = text.replace("\n", "\r\n") if crlf else text
    try:
        original.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.encode("gb18030")
    return (b"\xef\xbb\xbf" if original.startswith(b"\xef\xbb\xbf") else b"") + body.encode("utf-8")


def redact_bundle_notes(bundle_or_path: Bundle | str | Path, *, save: bool = True) -> dict[str, Redaction]:
    """Redact every note of a bundle (``notes/*.md``, whole files), in file-name order.

    Parameters
    ----------
    bundle_or_path : Bundle or path-like
    save : bool, default True
        Write new pseudonyms to ``_private/pseudonyms.csv``.

    Returns
    -------
    dict of str to Redaction
        ``notes/<name>`` → its redaction.
    """
    redactor = Redactor.from_bundle(bundle_or_path)
    root = Path(getattr(bundle_or_path, "path", bundle_or_path))
    results = {
        f"notes/{p.name}": redactor.redact(read_document(p))
        for p in sorted((root / "notes").glob("*.md"))
        if not p.name.startswith((".", "_"))
    }
    if save:
        redactor.save()
    return results
