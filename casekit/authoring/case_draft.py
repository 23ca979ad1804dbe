"""Drafting a teaching case from one coded, redacted interview note (``docs/cases.md``).

:func:`draft_case` only rearranges what the note says: the redacted segments of
:func:`casekit.analysis.analyse_notes`, their codes, the note's front matter and the bundle's
catalogue. Whatever the note does not tell (the customer's size, the dilemma of a success story …)
is written ``【待补充：……】`` for the consultant to fill in — never invented. The same note and
bundle always give the same draft.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from casekit.authoring.cases import Case, missing
from casekit.domain import FUNNEL_STAGES, INDUSTRIES, label
from casekit.exceptions import NoteNotFoundError
from casekit.file_ids import check_file_id, normalize_id

__all__ = ["CODE_DIMENSIONS", "QUESTION_TEMPLATES", "TEACHING_POINTS", "draft_case"]

#: The research dimension each (non-dimension) code of the default frame is about; a funnel code
#: is about selling (``sales``) for account managers, ``process`` for sales managers.
CODE_DIMENSIONS: Mapping[str, str] = {
    "price_selling": "sales", "weak_product_knowledge": "product", "weak_industry_knowledge": "industry",
    "training_no_transfer": "management", "weak_team_selling": "sales",
    "technical_language": "communication", "ignores_market": "market", "no_sales_skills": "market",
    "no_market_strategy": "strategy", "results_only": "process", "unknown_time_use": "process",
    "weak_leadership": "leadership",
    "asks_needs_first": "customer", "joint_visit": "sales", "finds_decision_maker": "customer",
    "customer_language_value": "communication", "hidden_selling": "communication",
    "department_needs": "customer", "process_coaching": "process",
    "price_opening": "sales", "free_trial": "sales", "jargon": "communication", "no_next_step": "sales",
    "relationship_only": "sales", "missed_needs": "customer", "unknown_decision_maker": "customer",
}

#: Discussion questions per code (〔客户〕 is replaced by the customer, e.g. 某宾馆).
QUESTION_TEMPLATES: Mapping[str, str] = {
    "price_selling": "客户经理为什么一开口就谈价格、申请折扣？如果先问〔客户〕各部门的麻烦，会怎样？",
    "price_opening": "客户经理为什么一开口就谈价格？如果先问〔客户〕现在遇到了什么麻烦，会怎样？",
    "free_trial": "免费试用为什么没有让客户用起来？到期收费时客户的反应说明了什么？",
    "missed_needs": "客户经理没有问清楚哪些需求？请列出你会向〔客户〕各部门提的三个问题。",
    "weak_industry_knowledge": "要读懂〔客户〕这个行业，客户经理事先应该了解哪些情况（经营特点、淡旺季、客源、各部门）？",
    "weak_product_knowledge": "客户经理对产品的了解缺了什么？怎样把产品功能说成客户能得到的好处？",
    "weak_team_selling": "这一单里客户经理和支撑人员应该怎样分工？",
    "training_no_transfer": "培训学到的方法为什么没有用在这次销售里？",
    "technical_language": "支撑人员的哪些话客户听不懂？换成客户的语言该怎么说？",
    "jargon": "哪些话是技术术语？换成客户的语言该怎么说？",
    "no_next_step": "拜访结束时应该和客户约定什么下一步？",
    "relationship_only": "只靠关系能走多远？除了关系，客户经理还能给客户带来什么价值？",
    "unknown_decision_maker": "在〔客户〕里谁拍板？客户经理应该怎样找到并接触各位决策人？",
    "asks_needs_first": "客户经理问了哪些问题？这些问题为什么让客户愿意说出自己的麻烦？",
    "joint_visit": "客户经理和支撑人员事先是怎样分工的？这种分工为什么有效？",
    "hidden_selling": "支撑人员在什么时候、用什么方式出场？为什么说这是“隐性销售”？",
    "customer_language_value": "产品的价值是用谁的语言讲出来的？举出案例中的一句话。",
    "finds_decision_maker": "客户经理是怎样找到决策人的？",
    "department_needs": "客户的各个部门分别有什么需求？客户经理是怎样逐一找到的？",
    "process_coaching": "销售管理者是怎样管过程、带下属的？",
    "results_only": "只看结果不看过程，会让客户经理怎样做事？",
    "no_market_strategy": "这个区域的市场应该怎样分析、怎样定策略？",
}

#: Teaching points per code.
TEACHING_POINTS: Mapping[str, str] = {
    "price_selling": "价格不是客户的需求：以价格开场把产品变成了比价的商品",
    "price_opening": "以价格优惠开场，客户只会记住价格",
    "free_trial": "没有需求的免费试用不会让客户用起来，到期反而更难收费",
    "missed_needs": "先诊断后开药：按部门提问，挖掘客户的需求和痛点",
    "weak_industry_knowledge": "拜访前收集客户全貌信息：行业特点、经营状况、各部门的麻烦",
    "weak_product_knowledge": "熟悉产品：能把功能讲成客户的好处",
    "weak_team_selling": "团队销售：客户经理与支撑人员分工协作",
    "training_no_transfer": "把培训的方法用到每一次拜访中",
    "technical_language": "用客户的语言讲价值，不讲技术术语",
    "jargon": "用客户的语言讲价值，不讲技术术语",
    "no_next_step": "每次拜访结束都要约定下一步行动",
    "relationship_only": "关系是敲门砖，价值才是成交的理由",
    "unknown_decision_maker": "找到并接触所有决策人（总经理、财务、信息技术、使用部门）",
    "asks_needs_first": "先提问挖掘需求，再谈产品",
    "joint_visit": "联合拜访：事先分工，客户经理掌控节奏",
    "hidden_selling": "隐性销售：支撑人员作为中立专家，在需求明确后演示",
    "customer_language_value": "用客户的语言讲价值：客户关心的是能不能解决自己的麻烦",
    "finds_decision_maker": "找到决策人，按各自的关注点沟通",
    "department_needs": "按部门找需求：每个部门的麻烦都是一个切入点",
    "process_coaching": "管过程、带下属：关注销售漏斗每一步",
    "results_only": "管理销售过程，而不只是结果",
    "no_market_strategy": "先做市场分析，再定销售策略",
}

_WEAK_GROUPS = ("failure", "am_weakness", "se_weakness", "sm_weakness")
_STORY_GROUPS = ("success", "failure", "am_weakness", "se_weakness", "sm_weakness", "funnel")
_SUCCESS_WORDS = ("签了", "签约", "成交", "签下", "拿下", "合同", "中标")
_FAILURE_WORDS = ("没下文", "丢单", "丢了", "没签", "流失", "不了了之", "黄了", "没成")
_SUCCESS_TAGS = ("成功案例", "成功")
_FAILURE_TAGS = ("失败案例", "失败")
_REMARK = re.compile(r"^\s*(顾问备注|备注|顾问点评|点评)\s*[：:]")
_QUOTE = re.compile(r"[\"“「]([^\"”」]{2,80})[\"”」]")
_COMPANY = re.compile(r"〔企业[A-Z]+〕([\u4e00-\u9fff]{1,6}?)(?=[^\u4e00-\u9fff]|那|的|这|里|和|是|在|说|有|$|[，。、（(])")
_PERSON = re.compile(r"〔[^〔〕企]{1,3}〕(总经理|副总|经理|主任|院长|副院长|校长|店长|老板娘|老板|总|处长|科长|主管|会计|厂长)")
_CUSTOMER_TITLES = ("老板娘", "老板", "总经理", "院长", "校长", "店长", "厂长", "财务经理", "财务")


def draft_case(bundle: Any, note_id: str, *, case_id: str | None = None, analysis: Any = None) -> Case:
    """Draft a teaching case from one interview note's redacted, coded segments.

    Parameters
    ----------
    bundle : Bundle
        A loaded bundle (its notes, catalogue, manifest and code frame).
    note_id : str
        The note (``N002``; NFKC-normalised first, so a full-width ``Ｎ００２`` is ``N002``).
    case_id : str, optional
        The case id; default ``C`` + the note's digits (``N002`` → ``C002``).
    analysis : NotesAnalysis, optional
        ``casekit.analysis.analyse_notes(bundle)`` when already computed (it is the slow part).

    Returns
    -------
    Case
        ``status: draft``; its sections hold only what the note says, the rest marked
        ``【待补充：……】``; ``sources`` are the segment ids used.

    Raises
    ------
    NoteNotFoundError
        If the bundle has no note ``note_id`` (the message lists the first note ids); also a
        ``KeyError``, for callers that catch that.
    FileIdError
        If ``case_id`` cannot be a file name (:func:`casekit.file_ids.file_id_problem`).
    """
    if case_id is not None:
        check_file_id(case_id, "case id")
    note_id = normalize_id(note_id)  # typed by a person: Ｎ００２ is N002 (note ids are ASCII)
    if analysis is None:
        from casekit.analysis import analyse_notes

        analysis = analyse_notes(bundle)
    notes = bundle.notes
    rows = notes[notes["note_id"] == note_id]
    if rows.empty:
        raise NoteNotFoundError(f"no note {note_id!r} in {getattr(bundle, 'path', 'the bundle')} "
                       f"(notes: {', '.join(sorted(map(str, notes['note_id']))[:8])}…)")
    note = rows.iloc[0]
    segs = analysis.segments[analysis.segments["note_id"] == note_id].sort_values("position")
    coded = analysis.coded[analysis.coded["note_id"] == note_id] if "note_id" in analysis.coded.columns else \
        analysis.coded[analysis.coded["segment_id"].str.startswith(f"{note_id}-")]
    codes_of: dict[str, list[tuple[str, str, str]]] = {}
    for sid, code, lab, group in zip(coded["segment_id"], coded["code"], coded["label"], coded["code_group"]):
        codes_of.setdefault(str(sid), [])
        if (code, lab, group) not in codes_of[str(sid)]:
            codes_of[str(sid)].append((str(code), str(lab), str(group)))

    story: list[pd.Series] = []
    remarks: list[pd.Series] = []
    asked: dict[str, pd.Series] = {}  # answer segment id → the question just before it
    last_question = None
    for _, s in segs.iterrows():
        if s["kind"] == "question":
            last_question = s
            continue
        if s["kind"] == "answer" and last_question is not None:
            asked[str(s["segment_id"])] = last_question
        last_question = None
        (remarks if _REMARK.match(str(s["text"])) else story).append(s)
    all_codes = _ordered_codes(codes_of, [str(s["segment_id"]) for _, s in segs.iterrows()])

    top = str(note["top_region_id"])
    region_name = _region_name(bundle, str(note["region_id"]))
    industry_id, products = _industry_products(bundle, note, segs, top)
    customer = _customer(segs)
    customer_word = customer or _industry_customer(industry_id)
    outcome = _outcome(note, story, [g for sid in codes_of for _, _, g in codes_of[sid]])
    stage = _stage(all_codes)
    modules = _modules(all_codes, str(note["population"]), industry_id)

    used: list[str] = []

    def use(sid: str) -> str:
        if sid not in used:
            used.append(sid)
        return sid

    # 背景 -------------------------------------------------------------------------------
    facts = [
        f"- 客户：{customer or missing('客户（记录中没有写明）')}",
        f"- 行业：{label(INDUSTRIES, industry_id) if industry_id else missing('行业')}",
        f"- 地区：{region_name}",
        f"- 涉及产品：{'、'.join(products) if products else missing('产品')}",
        f"- 资料来源：{_method_label(str(note['method']))}（{note_id}）",
    ]
    described = []
    for s in story:
        for sentence in _sentences(str(s["text"])):
            if "〔企业" in sentence:
                described.append(f"{_tidy(sentence)}（{use(str(s['segment_id']))}）")
                break
    background = "\n".join(facts)
    if described:
        background += "\n\n记录中关于客户的描述：\n\n" + "\n".join(f"- {d}" for d in described)
    background += "\n\n" + missing("客户规模、经营特点（如淡旺季、客源或客户群）、各部门的现状和麻烦、谁拍板")

    # 情境 -------------------------------------------------------------------------------
    picked = _situation_segments(story, codes_of)
    speaker_intro = _speaker_intro(note)
    paragraphs = []
    for s in picked:
        sid = use(str(s["segment_id"]))
        question = asked.get(sid)
        lead = f"（问：{_tidy(str(question['text']))}）" if question is not None else ""
        if question is not None:
            use(str(question["segment_id"]))
        paragraphs.append(f"{lead}{_tidy(str(s['text']))}（{sid}）")
    situation = speaker_intro + "\n\n" + "\n\n".join(paragraphs) if paragraphs else \
        missing("客户经理做了什么、客户说了什么")
    customer_quotes = [(q, sid) for s in picked for q, who in _quotes(str(s["text"]))
                       if who == "客户" for sid in [str(s["segment_id"])]]
    if customer_quotes:
        situation += "\n\n客户的原话：\n\n" + "\n".join(f"- “{q}”（{sid}）" for q, sid in customer_quotes)
    elif paragraphs:
        situation += "\n\n" + missing("客户的原话")

    # 难题 -------------------------------------------------------------------------------
    weak = [(sid, code, lab) for sid in codes_of for code, lab, group in codes_of[sid] if group in _WEAK_GROUPS]
    if weak:
        seen: dict[str, list[str]] = {}
        for sid, _, lab in weak:
            seen.setdefault(lab, [])
            if sid not in seen[lab]:
                seen[lab].append(use(sid))
        lines = [f"- {lab}（{'、'.join(sids)}）" for lab, sids in seen.items()]
        last = story[-1] if story else None
        dilemma = "记录中的问题：\n\n" + "\n".join(lines)
        if last is not None and outcome != "success":
            dilemma += f"\n\n现在的情况：{_tidy(str(last['text']))}（{use(str(last['segment_id']))}）"
        dilemma += f"\n\n如果你是这位客户经理，下一次去{customer_word}该怎么做？"
    else:
        dilemma = missing("难题：客户经理面对的两难选择（记录中没有失败或弱点的编码）")

    # 讨论问题 ---------------------------------------------------------------------------
    questions = []
    for code in all_codes:
        template = QUESTION_TEMPLATES.get(code)
        if template:
            q = template.replace("〔客户〕", customer_word)
            if q not in questions:
                questions.append(q)
    if questions:
        questions.append(f"如果重新来一次，客户经理在“{label(FUNNEL_STAGES, stage) if stage else '每一步'}”"
                         "之前应该做好哪些准备？")
        discussion = "\n".join(f"{i}. {q}" for i, q in enumerate(questions, 1))
    else:
        discussion = "1. " + missing("讨论问题（记录中没有可用的编码）")

    # 教学要点 ---------------------------------------------------------------------------
    points = []
    for code in all_codes:
        text = TEACHING_POINTS.get(code)
        if not text:
            continue
        module = _module_for(code, str(note["population"]), industry_id)
        point = f"- {text}" + (f"〔模块：{module}〕" if module else "")
        if point not in points:
            points.append(point)
    teaching = "\n".join(points) if points else "- " + missing("教学要点")

    # 出处 -------------------------------------------------------------------------------
    by_id = {str(s["segment_id"]): s for _, s in segs.iterrows()}
    for s in remarks:
        use(str(s["segment_id"]))
    source_lines = []
    for sid in sorted(used, key=lambda x: int(by_id[x]["position"])):
        s = by_id[sid]
        labels = "、".join(lab for _, lab, g in codes_of.get(sid, []) if g != "dimension")
        speaker = f"{s['speaker']}：" if str(s.get("speaker") or "").strip() else ""
        source_lines.append(f"- {sid}{'〔' + labels + '〕' if labels else ''}：{speaker}{str(s['text']).strip()}")
    sources_text = f"{note_id}（{_method_label(str(note['method']))}，{_date(note['date'])}，{region_name}），已脱敏：\n\n" \
        + "\n".join(source_lines)

    roles = ["客户经理"]
    if any("支撑" in str(s["text"]) for s in story) or {"joint_visit", "hidden_selling"} & set(all_codes):
        roles.append("支撑人员")
    roles += [r for r in _customer_roles(story) if r not in roles]

    title = f"{customer}的苦恼" if customer else missing("标题")
    digits = re.sub(r"\D", "", note_id) or note_id
    return Case(
        id=case_id or f"C{digits}",
        title=title,
        region=region_name,
        industry=label(INDUSTRIES, industry_id) if industry_id else missing("行业"),
        products=tuple(products),
        funnel_stage=label(FUNNEL_STAGES, stage) if stage else missing("漏斗阶段"),
        outcome=outcome or missing("成功或失败"),
        roles=tuple(roles),
        modules=tuple(modules),
        sources=tuple(sorted(used, key=lambda x: int(by_id[x]["position"]))),
        status="draft",
        sections={
            "背景": background,
            "情境": situation,
            "难题": dilemma,
            "讨论问题": discussion,
            "教学要点": teaching,
            "出处": sources_text,
        },
    )


# ------------------------------------------------------------------------------------ helpers


def _ordered_codes(codes_of: Mapping[str, list[tuple[str, str, str]]], order: Iterable[str]) -> list[str]:
    out: list[str] = []
    for sid in order:
        for code, _, _ in codes_of.get(sid, []):
            if code not in out:
                out.append(code)
    return out


def _region_name(bundle: Any, region_id: str) -> str:
    try:
        return str(bundle.manifest.name(region_id))
    except Exception:  # noqa: BLE001 - a region unknown to the manifest is shown as written
        return region_id


def _industry_products(bundle: Any, note: pd.Series, segs: pd.DataFrame, top: str) -> tuple[str | None, list[str]]:
    from casekit.analysis.quotes import MentionMatcher

    matcher = MentionMatcher(bundle.catalogue)
    industries: list[str] = []
    products: list[str] = []  # as written (local names of the region, else canonical labels)
    local = set()
    cat = bundle.catalogue
    if cat is not None and not cat.empty:
        local = {str(n) for n in cat[cat["region_id"] == top]["local_name"]}

    def add(mentions: Iterable[Any]) -> None:
        for m in mentions:
            if m.kind == "industry" and m.id not in industries:
                industries.append(m.id)
            elif m.kind == "product":
                name = m.term if m.term in local else _product_label(m.id)
                if name not in products:
                    products.append(name)

    for tag in note["tags"] or ():
        add(matcher.find(str(tag), top, whole=True))
    for text in segs["text"]:
        add(matcher.find(str(text), top))
    return (industries[0] if industries else None), products


def _product_label(product_id: str) -> str:
    from casekit.domain import PRODUCTS

    return PRODUCTS[product_id].label if product_id in PRODUCTS else product_id


def _customer(segs: pd.DataFrame) -> str | None:
    """``某宾馆`` from the first company placeholder (``〔企业A〕宾馆``) of the note."""
    for text in segs["text"]:
        m = _COMPANY.search(str(text))
        if m:
            return f"某{m.group(1)}"
    return None


def _industry_customer(industry_id: str | None) -> str:
    return f"这家{label(INDUSTRIES, industry_id)}客户" if industry_id else "这位客户"


def _outcome(note: pd.Series, story: list[pd.Series], groups: list[str]) -> str | None:
    """From the note's tags (成功案例 / 失败案例), else words (签了 / 丢单), else the success and
    failure factor codes (the more numerous group); None when undecided."""
    tags = [str(t) for t in (note["tags"] or ())]
    if any(t in _SUCCESS_TAGS for t in tags):
        return "success"
    if any(t in _FAILURE_TAGS for t in tags):
        return "failure"
    text = "".join(str(s["text"]) for s in story)
    won, lost = any(w in text for w in _SUCCESS_WORDS), any(w in text for w in _FAILURE_WORDS)
    if won != lost:
        return "success" if won else "failure"
    good = sum(1 for g in groups if g == "success")
    bad = sum(1 for g in groups if g == "failure")
    if good != bad:
        return "success" if good > bad else "failure"
    return None


def _stage(codes: list[str]) -> str | None:
    """The furthest funnel step the note's codes reach."""
    stages = [c.removeprefix("funnel_") for c in codes if c.startswith("funnel_")]
    stages = [s for s in stages if s in FUNNEL_STAGES]
    if not stages:
        if {"price_opening", "price_selling", "free_trial", "jargon", "asks_needs_first"} & set(codes):
            return "visit"
        return None
    order = list(FUNNEL_STAGES)
    return max(stages, key=order.index)


def _outlines() -> dict[str, Any]:
    from casekit.curriculum import load_outlines

    return load_outlines()


def _module_for(code: str, population: str, industry_id: str | None) -> str | None:
    """The module of the population's outline that trains the code's dimension (mainly first)."""
    dim = CODE_DIMENSIONS.get(code) or (code.removeprefix("dim_") if code.startswith("dim_") else None)
    if code.startswith("funnel_"):
        dim = "process" if population == "sales_manager" else "sales"
    if dim is None:
        return None
    outlines = _outlines()
    pools = [outlines[population].modules] if population in outlines else []
    pools += [o.modules for p, o in outlines.items() if p != population]
    for modules in pools:
        first = [m for m in modules if m.dimensions and m.dimensions[0] == dim]
        if first:
            return first[0].module_id
        any_ = [m for m in modules if dim in m.dimensions]
        if any_:
            return any_[0].module_id
    return None


def _modules(codes: list[str], population: str, industry_id: str | None) -> list[str]:
    out: list[str] = []
    for code in codes:
        if code.startswith(("dim_", "funnel_")):
            continue
        m = _module_for(code, population, industry_id)
        if m and m not in out:
            out.append(m)
    if industry_id:
        term = INDUSTRIES[industry_id]
        words = (term.label, *term.aliases)
        outlines = _outlines()
        for o in ([outlines[population]] if population in outlines else []):
            for m in o.modules:
                if any(w in c for c in m.cases for w in words) and m.module_id not in out:
                    out.append(m.module_id)
    return out


def _sentences(text: str) -> list[str]:
    return [s for s in re.findall(r"[^。！？!?]+[。！？!?]?", text) if s.strip()]


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _situation_segments(story: list[pd.Series], codes_of: Mapping[str, list[tuple[str, str, str]]]) -> list[pd.Series]:
    """Story segments coded with a behaviour, weakness or funnel step, or quoting someone, and
    the uncoded ones between them (so the story reads on)."""
    marks = [i for i, s in enumerate(story)
             if any(g in _STORY_GROUPS for _, _, g in codes_of.get(str(s["segment_id"]), []))
             or _QUOTE.search(str(s["text"])) or str(s.get("speaker") or "") in ("客户", "客")]
    if not marks:
        return []
    return story[marks[0]:marks[-1] + 1]


def _speaker_intro(note: pd.Series) -> str:
    method = str(note["method"])
    if method == "ride_along_debrief":
        return "（随访记录：观察员看到的拜访经过）"
    if method == "demo_hall_visit":
        return "（演示厅考察记录）"
    from casekit.domain import POPULATIONS

    who = POPULATIONS[str(note["population"])].label if str(note["population"]) in POPULATIONS else "受访者"
    return f"（{who}在访谈中的讲述）"


def _quotes(text: str) -> list[tuple[str, str]]:
    """``(quote, speaker)``: the speaker is 客户经理 / 支撑人员 when named just before the quote
    (in the same clause), 客户 otherwise."""
    out = []
    prev_end = 0
    for m in _QUOTE.finditer(text):
        before = text[prev_end:m.start()]
        clause = re.split(r"[。！？；]", before)[-1]
        if "客户经理" in clause or re.search(r"我(就)?(跟|对|问|说)", clause):
            who = "客户经理"
        elif "支撑" in clause:
            who = "支撑人员"
        elif "可作为" in clause or "改编成" in clause or "典型的" in clause:
            who = "顾问"
        else:
            who = "客户"
        out.append((m.group(1), who))
        prev_end = m.end()
    return out


def _customer_roles(story: list[pd.Series]) -> list[str]:
    roles: list[str] = []
    for s in story:
        text = str(s["text"])
        for m in _PERSON.finditer(text):
            title = m.group(1)
            role = f"客户的{title}" if title in ("经理", "主任", "总", "主管") else title
            if role not in roles:
                roles.append(role)
        for title in _CUSTOMER_TITLES:
            if title in text.replace("客户经理", "").replace("财务经理", "财务经理") and title not in roles \
                    and not any(title in r for r in roles):
                roles.append(title)
    return roles


def _method_label(method: str) -> str:
    from casekit.domain import NOTE_METHODS

    return NOTE_METHODS[method].label if method in NOTE_METHODS else method


def _date(value: Any) -> str:
    try:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    except (ValueError, TypeError):
        return str(value)
