"""The teaching note of a case: what the trainer reads before and during the discussion.

Every case carries one, in its ``## 教学笔记`` section (trainer edition only), as ten ``### ``
parts (:data:`TEACHING_NOTE_PARTS`) — the elements the case-method houses ask of a teaching note
(Harvard Business School's and The Case Centre's guidance): a synopsis, learning objectives, the
audience and course module, preparation questions, an opening question, a discussion plan whose
minutes add up to the class time (the case's ``minutes``, default 60), the analysis (as thorough as
the best trainee's answer), the wrap-up, a board plan, and what actually happened afterwards.

:func:`teaching_note_problems` is the check (a missing or empty part, minutes that do not add
up); :func:`casekit.authoring.cases.validate_case` reports it for reviewed cases.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from casekit.exceptions import Problem
from casekit.language import tr

__all__ = [
    "ANALYSIS_PHRASES",
    "DISCUSSION_PLAN",
    "MANAGEMENT_STEPS",
    "SM_TOPICS",
    "TEACHING_NOTE_PARTS",
    "TEACHING_NOTE_SECTION",
    "discussion_minutes",
    "discussion_plan",
    "plan_steps",
    "teaching_note_markdown",
    "teaching_note_parts",
    "teaching_note_problems",
]

#: The section of a case that holds the teaching note.
TEACHING_NOTE_SECTION = "教学笔记"
#: The ten parts of a teaching note, in order (each a ``### `` heading of ``## 教学笔记``).
TEACHING_NOTE_PARTS: tuple[str, ...] = (
    "案例概要", "学习目标", "适用对象与模块", "课前思考题", "开场问题",
    "讨论安排", "案例分析", "总结", "板书设计", "后来的情况",
)
#: The steps of a case discussion and their share of the class time (shares of 60 minutes).
DISCUSSION_PLAN: tuple[tuple[int, str], ...] = (
    (5, "开场：提出开场问题，请两三位学员回答，不作评价"),
    (20, "小组讨论：各组讨论“讨论问题”，把答案写在白板纸上"),
    (15, "各组汇报：每组选一个问题汇报，其他组补充或质疑"),
    (10, "全班讨论难题：如果你是主人公，下一步怎么做？讲师追问理由"),
    (10, "讲师总结：对照板书讲案例分析和要点，最后讲后来的情况"),
)

#: The analysis phrasebook: per code of the default code frame, what a consultant says about it in a
#: teaching note (2–4 sentences: what typically goes wrong or right, why it matters to the customer,
#: which tool of the method answers it). ``{hero}``, ``{customer}`` and ``{depts}`` are the case's
#: main character, its customer and that customer's departments (their titles); ``{peers}`` is
#: what the customer's peers are called in a trusted reference (医疗机构 for a hospital, else 同行).
ANALYSIS_PHRASES: Mapping[str, str] = {
    # -- 调研维度
    "dim_product": ("对产品有没有把握，决定了{hero}敢不敢在客户面前讲、能不能当场演示。客户买的不是功能，是功能替他解决的麻烦。"
                    "工具：产品与客户需求对照表，把每个产品练成一句{customer}听得懂的好处。"),
    "dim_industry": ("不懂{customer}这一行怎么赚钱（淡旺季、客源、成本在哪），就找不到他的麻烦。"
                     "客户愿意跟懂他生意的人谈。工具：客户管理表一，拜访前先写下客户全貌。"),
    "dim_sales": ("这里看得出{hero}是在推销产品，还是在帮客户解决问题。推销让客户防备、比价；顾问式销售让客户自己说出要什么。"
                  "工具：销售漏斗八步，看这一单卡在哪一步。"),
    "dim_management": ("客户经理受到怎样的管理，就会怎样做销售：只考核数字，他就只追数字。"
                       "对客户来说，这意味着拜访只为了签单、没有下文。工具：管理五步中的过程控制。"),
    "dim_time": ("时间花在哪里，结果就出在哪里。路上、报表和会议占掉的时间，就是没有给客户的时间。"
                 "工具：客户管理表，按客户潜力排拜访顺序。"),
    "dim_customer": ("{customer}不是一个人，而是几个部门（{depts}），各有各的麻烦和说话分量。"
                     "只认识一个人，就只听到一种需求。工具：客户需求与部门职能对照表、客户管理表二。"),
    "dim_communication": ("说的话客户听不听得懂，决定了他记住的是好处还是术语。"
                          "客户只关心自己的麻烦能不能解决。工具：价值三角（客户的问题、解决办法、得到的好处）。"),
    "dim_market": ("支撑工程师了不了解客户的生意，决定了方案是讲技术还是讲客户的账。"
                   "客户愿意为解决生意上的麻烦付钱，不为参数付钱。工具：行业解决方案和价值三角。"),
    "dim_strategy": ("先想清楚卖给谁，再分指标。不做市场分析，指标只能平均分，客户经理只能撒网。"
                     "工具：目标客户模型和管理五步的第一步——目标分解。"),
    "dim_process": ("结果是过程做出来的。经理看不到过程，就只能在月底催数字，问题发现时已经晚了。"
                    "工具：销售漏斗，每周看每个客户推进到了哪一步。"),
    "dim_leadership": ("带人是经理最主要的工作。下属怎样被对待，就会怎样对待客户。"
                       "工具：管理五步中的辅导和激励，陪访后当场复盘。"),
    # -- 客户经理的弱点
    "price_selling": ("这是典型的“三板斧”：降价、免费、捆绑。价格不是客户的需求，一开口谈价格，产品就成了比价的商品，"
                      "客户只会要更低的价，{customer}各部门（{depts}）真正的麻烦却没人问。"
                      "工具：伤口四步——先寻找伤口、揭开伤口，再谈药；价格放进价值三角里说（客户能省多少、多赚多少）。"),
    "weak_product_knowledge": ("讲不清、演示不了，客户就会怀疑产品，也怀疑人；一句“回去问技术”往往就是这一单的终点。"
                               "产品知识不是背参数，而是知道每个功能替哪个部门解决什么麻烦。"
                               "工具：三张对照表中的产品与客户需求对照表，加上当场演示的练习。"),
    "weak_industry_knowledge": ("说不出{customer}有哪些部门、淡旺季在哪、客源从哪来，拜访就只能从产品讲起。"
                                "客户感到你不懂他，自然不愿多说。"
                                "工具：客户管理表一（客户全貌），拜访前先写一页{customer}的经营情况。"),
    "training_no_transfer": ("培训前激动，培训时感动，培训后一动不动。学到的方法没有用在下一次拜访，客户看到的还是老一套。"
                             "工具：课后马上拿一家真实客户练一次，经理陪访时检查用上没有（管理五步中的辅导）。"),
    "weak_team_selling": ("多人拍板的单子一个人跑，技术问题答不上、高层见不到，机会就这样拖黄了。"
                          "客户看到的是一个团队能不能把事办成。工具：联合拜访前的分工表——谁问需求、谁讲方案、谁在什么时候出场。"),
    # -- 支撑人员的弱点
    "technical_language": ("满口技术语言，客户听不懂，也记不住，只会觉得这东西复杂、贵。"
                           "客户要听的是“我的麻烦能不能解决”。工具：价值三角，把每个功能说成客户的问题、解决办法和得到的好处。"),
    "ignores_market": ("支撑工程师觉得“销售跟我没关系”，方案就只讲技术，说不到客户的生意上。"
                       "客户的钱花在生意上的麻烦，不花在参数上。工具：支撑工程师的五个关键环节，从提问找伤口做起。"),
    "no_sales_skills": ("支撑工程师讲完功能就结束，没有问出需求，也没有约下一步，客户经理接不上话。"
                        "好的支撑是在客户经理的烘托下当中立的专家。工具：隐性销售和联合拜访前的分工。"),
    # -- 销售管理人员的弱点
    "no_market_strategy": ("指标平均分、“谁要就卖给谁”，每个客户经理都在撒网，强的片区吃不饱、弱的片区完不成。"
                           "工具：目标客户模型——先按行业和规模选出样板客户，再按潜力分解目标（管理五步的第一步）。"),
    "results_only": ("只在月底看数字，客户经理就会为了数字打价格战、报喜不报忧；等看到结果，这个月已经过去了。"
                     "工具：用销售漏斗管过程，每周例会看每个重点客户推进到哪一步、下一步是什么（管理五步中的过程控制）。"),
    "unknown_time_use": ("经理说不清下属的时间花在哪、弱在哪，辅导就只能是泛泛的“多跑客户”。"
                         "工具：拜访记录和客户管理表，每周看一次下属见了谁、推进到哪一步。"),
    "weak_leadership": ("经理自己跑单、对下属训话，下属就学会了抱怨和等待，长不起来。"
                        "经理的本事在于让下属会卖，而不是替他们卖。工具：管理五步中的辅导——陪访时不插话，事后先问后教。"),
    # -- 成功因素
    "asks_needs_first": ("先问客户的生意和麻烦，再讲产品，客户才会把真正的问题说出来；这正是从“卖药的”变成“医生”。"
                         "工具：伤口四步的前两步——寻找伤口、揭开伤口，把好问题写成自己的提问清单。"),
    "joint_visit": ("客户经理和支撑工程师事先分工、一起上门，客户看到的是一个能把事办成的团队。"
                    "客户经理掌控节奏，支撑工程师在需求清楚后出场。工具：联合拜访的分工表，是支撑工程师五个关键环节之一。"),
    "finds_decision_maker": ("找到拍板的人，并弄清谁把关、谁在用，每个人听到的是自己关心的那一句。"
                             "工具：客户管理表二（决策链），按决策者、使用者、把关者、影响者分别准备。"),
    "customer_language_value": ("用客户自己的账和听得懂的话讲价值，客户才会觉得这是“为我想的”。"
                                "工具：价值三角——客户的问题、解决办法、得到的好处，每一句都说客户的话。"),
    "hidden_selling": ("支撑工程师不推销，只以中立专家的身份回答客户最担心的问题，客户反而更信。"
                       "这就是隐性销售：客户经理烘托，专家出场，说服力来自专业而不是推销。"
                       "工具：善用权威原则——一个可信的参照（例如“四十多家{peers}在用”）比十句好话有用。"),
    "department_needs": ("把{customer}的部门（{depts}）一个个列出来，分别问出各自的麻烦，每个部门都是一个切入点。"
                         "工具：三张对照表中的客户需求与部门职能对照表、产品与部门需求对照表。"),
    "process_coaching": ("经理按漏斗管过程、陪访、复盘、带徒弟，下属的本事是一单一单练出来的。"
                         "工具：管理五步（目标分解、过程控制、辅导、评估、激励），把这些做法变成每周的固定动作。"),
    # -- 失败因素
    "price_opening": ("一开口就讲优惠，客户只会记住价格，接下来的谈话都是讨价还价。"
                      "工具：伤口四步——先寻找伤口，等客户看到价值以后再谈价格。"),
    "free_trial": ("没有需求的免费试用，客户不会认真用，到期收费反而更难开口。"
                   "工具：试用三约定——试用前约好谁来用、解决哪个麻烦、到期怎样算效果。"),
    "jargon": ("对客户讲参数和术语，客户听不懂也不好意思问，只会说“再研究研究”。"
               "工具：价值三角，把每句术语换成{customer}的问题和好处。"),
    "no_next_step": ("拜访结束没有约定下一步，客户一句“发个资料”“再研究”，这一单就停在原地。"
                     "工具：销售漏斗——每次离开前约好下一步：见谁、看什么、哪天。"),
    "relationship_only": ("关系是敲门砖，不是成交的理由；只寒暄不谈生意，关系再好客户也会跟着价格走。"
                          "工具：客户管理表一，借着好关系问出客户的一个经营麻烦。"),
    "missed_needs": ("没有挖掘需求就开药，客户的“伤口”还没找到，产品自然说不到点子上。"
                     "工具：伤口四步——寻找伤口、揭开伤口、往伤口上撒盐、给伤口抹药；按部门（{depts}）各问一个问题。"),
    "unknown_decision_maker": ("不清楚谁拍板，谈了半天的人说了不算，真正拍板的人却从没见过。"
                               "工具：客户管理表二（决策链）——拍板的、把关的、使用的、影响的，逐一见到。"),
    # -- 销售漏斗
    "funnel_preparation": ("拜访前的准备决定了见面时问什么。没有准备，就只能讲产品。工具：销售漏斗第一步，客户管理表一。"),
    "funnel_customer_profile": ("先收集客户全貌（规模、部门、经营状况、用着谁家的业务），才知道从哪里切入。"
                                "工具：客户管理表一和表二。"),
    "funnel_entry_point": ("切入点是客户最痛的那一处，而不是我们最想卖的产品。工具：伤口四步中的寻找伤口。"),
    "funnel_visit": ("拜访的目的是让客户说，而不是我们说。工具：伤口四步，拜访后用客户管理表记下客户的原话。"),
    "funnel_pain_development": ("客户说出麻烦以后，要帮他算清这个麻烦让他损失了多少，他才会想解决。"
                                "工具：伤口四步中的往伤口上撒盐。"),
    "funnel_solution": ("方案要回答客户说过的麻烦，一条麻烦对一个办法、一个好处。工具：价值三角和产品与部门需求对照表。"),
    "funnel_closing": ("成交时客户最担心的是风险：用不起来怎么办、别人用得怎样。"
                       "工具：善用权威原则——一个可信的参照（例如“四十多家{peers}在用”）比再降一次价管用。"),
    "funnel_after_sales": ("签约只是开始：用好了，客户会介绍下一单；用不好，下一单就没了。"
                           "工具：服务销售（支撑工程师五个关键环节的最后一环），签约后定期回访。"),
}

#: The seed's five steps of sales management (管理五步), each with the words of a note that tell
#: what the manager does at that step (for the board plan).
MANAGEMENT_STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("目标分解", ("指标", "分解", "平均", "人头", "目标", "一个数")),
    ("过程控制", ("例会", "漏斗", "过程", "重点客户", "下一步", "进展", "卡在", "时间怎么用")),
    ("辅导", ("陪", "辅导", "徒弟", "师傅", "示范", "不说话", "不插话", "亲自", "自己跑", "谈话")),
    ("评估", ("排名", "考核", "评估", "打分", "报表", "月底", "倒数", "数字")),
    ("激励", ("表扬", "奖", "激励", "批评", "骂", "鼓励", "谈话")),
)
#: What a sales manager's case is about, by the kind of its role-play
#: (:data:`casekit.authoring.roleplays.KIND_LABELS`): target, process, coaching or launch.
SM_TOPICS: Mapping[str, str] = {
    "coaching": "target", "market_choice": "target", "pipeline_review": "process",
    "support_coordination": "process", "ride_along_debrief": "coaching", "launch_planning": "launch",
}
#: The exercise a management case's group work does, per topic.
_SM_EXERCISE = {
    "target": "指标分解练习：各组按行业和规模把片区客户分成几类，再把一个指标分给三个客户经理，说出理由",
    "process": "设计一次周例会：各组写出{hero}每周对每个重点客户要问的三个问题（到了漏斗哪一步、下一步是什么、卡在哪里）",
    "coaching": "写辅导提纲：各组写出{hero}陪访时做什么、不做什么，陪访后一对一谈话先问什么、再教什么",
    "launch": "上市计划：各组画出新业务上市的第一个月——先卖给谁、谁来支撑、每周检查什么",
}
#: A role-play without the customer: who speaks in the debrief after the observers.
_INTERNAL_DEBRIEF = {
    "se_training": "演练点评：观察员先说，扮演客户经理的学员再说“哪一句我听懂了、回去能讲给客户”，讲师最后点评",
    "visit_prep": "演练点评：观察员先说，两位演练者再说“分工里哪一步还没想清楚”，讲师最后点评",
    "coaching": "演练点评：观察员先说，扮演客户经理的学员再说“什么时候我觉得这个指标是公平的”，讲师最后点评",
    "pipeline_review": "演练点评：观察员先说，扮演客户经理的学员再说“哪一个问题让我说了实话”，讲师最后点评",
    "ride_along_debrief": "演练点评：观察员先说，扮演客户经理的学员再说“哪一句话让我愿意改”，讲师最后点评",
    "launch_planning": "演练点评：观察员先说，参会的学员再说“这个计划里我第一周做什么”，讲师最后点评",
    "market_choice": "演练点评：观察员先说，参会的学员再说“选这个行业的理由我信不信”，讲师最后点评",
    "support_coordination": "演练点评：观察员先说，扮演客户经理和支撑工程师的学员再说“这样分工我下周能不能照做”，讲师最后点评",
}


def plan_steps(population: str, *, questions: int, roleplay: bool, hero: str = "主人公",
               customer: str = "客户", scene: str | None = None, success: bool = False,
               price: bool = False, topic: str | None = None) -> tuple[tuple[int, str], ...]:
    """The steps of a case's discussion and their minutes, from the case itself.

    Group work takes about four minutes per discussion question (at least 12), the reports three per
    question (at least 9); a case with a role-play adds the exercise (20 minutes) and its debrief
    (10). The parts differ by kind: a sales case has a dilemma discussion (or, for a success, what
    made it work) and an accounts exercise when the hero sold on price; a support case starts with
    each trainee marking the five key links; a management case fills in the five steps of
    management and does its topic's exercise.

    Parameters
    ----------
    population : str
        ``account_manager``, ``support_engineer`` or ``sales_manager`` (the kind of case).
    questions : int
        Number of discussion questions.
    roleplay : bool
        Whether a role-play follows the case in class.
    hero, customer : str
        The case's main character and customer, named in the steps.
    scene : str, optional
        The role-play's kind (:data:`casekit.authoring.roleplays.KIND_LABELS`); its Chinese label
        names the exercise, and a scene without the customer never asks anyone to play one.
    success : bool
        Whether the case is a success story.
    price : bool
        Whether the hero sold on price (a sales case then does the accounts exercise).
    topic : str, optional
        A management case's topic (:data:`SM_TOPICS`: target, process, coaching, launch).

    Returns
    -------
    tuple of (int, str)
        Minutes and what happens, in class order.
    """
    from casekit.authoring.roleplays import INTERNAL_KINDS, KIND_LABELS

    n = max(1, questions)
    group = max(12, 4 * n)
    report = max(9, 3 * n)
    steps: list[tuple[int, str]] = [(5, "开场：提出开场问题，请两三位学员回答，不作评价")]
    if population == "support_engineer":
        steps.append((8, f"个人打分：每位学员对照支撑工程师的五个关键环节，给{hero}逐项标出做到、没做到、案例没写"))
        steps.append((group, f"小组讨论：各组讨论{n}个讨论问题，比较各人的打分，找出分歧最大的一个环节"))
        steps.append((report, "各组汇报：每组讲分歧最大的环节和理由，其他组补充或质疑"))
        nxt = "下一次给客户经理讲产品" if scene == "se_training" else "下一次联合拜访"
        steps.append((10, (f"全班讨论：{hero}这次做对的哪一件事，换一家客户也能照做？" if success else
                           f"全班讨论难题：如果你是{hero}，{nxt}之前先做什么？讲师追问理由")))
    elif population == "sales_manager":
        steps.append((10, f"管理五步对照：各组把{hero}的做法填进管理五步（目标分解、过程控制、辅导、评估、激励），"
                          "每一步写做到了什么、缺了什么"))
        steps.append((group, _SM_EXERCISE.get(topic or "", "小组讨论：各组讨论{n}个讨论问题，写出{hero}可以检查的销售过程")
                      .format(hero=hero, n=n)))
        steps.append((report, "各组汇报：每组讲自己的做法，其他组挑一个漏洞"))
    else:
        if price:
            steps.append((group, f"算账练习：各组替{customer}算一笔账——降价和免费让{hero}丢了什么；"
                                 f"{customer}各部门的麻烦每月值多少钱，写在白板纸上"))
        elif success:
            steps.append((group, f"小组讨论：各组讨论{n}个讨论问题，找出{hero}做对的三件事，每件事对应哪一步销售漏斗"))
        else:
            steps.append((group, f"小组讨论：各组讨论{n}个讨论问题，把{customer}各部门的麻烦写在白板纸上"))
        steps.append((report, "各组汇报：每组选一个问题汇报，其他组补充或质疑"))
        steps.append((10, (f"全班讨论：这一单做成的关键是哪一步？换一家客户，{hero}的做法哪些能照搬、哪些不能？"
                           if success else f"全班讨论难题：如果你是{hero}，下一次见{customer}先问什么？讲师追问理由")))
    if roleplay:
        kind = scene or {"account_manager": "sales_visit", "support_engineer": "joint_visit"}.get(population, "coaching")
        label = KIND_LABELS.get(kind, "角色演练")
        if kind not in INTERNAL_KINDS:
            who = (f"学员按角色卡分别扮演{hero}和{customer}的人" if kind == "sales_visit" else
                   f"一组学员按角色卡扮演客户经理和支撑工程师，其余角色由学员扮演{customer}的人")
            steps.append((20, f"角色演练（{label}）：{who}，把这次拜访重来一次（先问再讲），观察员按观察清单记录"))
            steps.append((10, "演练点评：观察员先说，扮演客户的学员再说“什么时候我愿意多说”，讲师最后点评"))
        else:
            lead = hero if population == "sales_manager" else f"{hero}这样的支撑工程师"
            steps.append((20, f"角色演练（{label}）：一位学员扮演{lead}，其余角色按角色卡分给学员，观察员按观察清单记录"))
            steps.append((10, _INTERNAL_DEBRIEF.get(kind, "演练点评：观察员先说，演练者再说自己的感受，讲师最后点评")))
    used = sum(m for m, _ in steps)
    wrap = 10
    total = -(-(used + wrap) // 5) * 5  # whole five minutes
    steps.append((total - used, "讲师总结：对照板书讲案例分析和要点，最后讲后来的情况"))
    return tuple(steps)


_PART_RE = re.compile(r"^###(?!#)\s*(.+?)\s*#*\s*$", re.MULTILINE)
_STEP_RE = re.compile(r"^\s*(?:[-*+]|\d+[.、．)])\s*(\d+)\s*分钟")
_MISSING_MARK = "【待补充"


def teaching_note_parts(case: Any) -> dict[str, str]:
    """The parts of a case's teaching note: ``### `` heading → its text, in file order.

    A file of the older format has no ``教学笔记``; its ``教学要点`` is returned as the
    ``总结`` part.

    Parameters
    ----------
    case : Case
        Any object with ``sections`` (heading → text).

    Returns
    -------
    dict of str to str
        Empty when the case has no teaching note.
    """
    sections: Mapping[str, str] = getattr(case, "sections", {}) or {}
    text = sections.get(TEACHING_NOTE_SECTION)
    if text is None:
        legacy = sections.get("教学要点")
        return {"总结": legacy.strip()} if legacy is not None else {}
    out: dict[str, str] = {}
    matches = list(_PART_RE.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        heading = m.group(1).strip()
        if heading not in out:
            out[heading] = text[m.end():end].strip()
    return out


def discussion_minutes(plan: str) -> list[int]:
    """The minutes of each step of a ``讨论安排`` (lines ``- 10分钟 …`` or ``1. 10分钟 …``)."""
    return [int(m.group(1)) for line in plan.split("\n") for m in [_STEP_RE.match(line)] if m]


def discussion_plan(minutes: int, steps: Sequence[tuple[int, str]] = DISCUSSION_PLAN) -> str:
    """A ``讨论安排`` whose steps add up to ``minutes``: ``- 10分钟 …`` lines.

    Each step gets its share of ``minutes`` (``steps`` give shares, e.g. of 60, or the minutes of
    :func:`plan_steps`), rounded to whole minutes, at least one each; the last step takes what
    rounding left over.

    Raises
    ------
    ValueError
        If ``minutes`` is smaller than the number of steps.
    """
    if minutes < len(steps):
        raise ValueError(tr(f"{minutes} 分钟的讨论排不下 {len(steps)} 个步骤",
                            f"a discussion of {minutes} minutes cannot have {len(steps)} steps"))
    total = sum(share for share, _ in steps)
    got = [max(1, round(minutes * share / total)) for share, _ in steps]
    while sum(got) > minutes:  # rounding up too much: take from the longest
        got[got.index(max(got))] -= 1
    got[-1] += minutes - sum(got)
    return "\n".join(f"- {n}分钟　{text}" for n, (_, text) in zip(got, steps))


def teaching_note_markdown(parts: Mapping[str, str]) -> str:
    """The text of a ``## 教学笔记`` section: each part of :data:`TEACHING_NOTE_PARTS` as ``### ``.

    Parts not in ``parts`` are written as ``【待补充：…】``; parts not in the list are appended.
    """
    from casekit.authoring.cases import missing

    chunks = []
    for heading in (*TEACHING_NOTE_PARTS, *(h for h in parts if h not in TEACHING_NOTE_PARTS)):
        body = str(parts.get(heading, "")).strip() or missing(heading)
        chunks.append(f"### {heading}\n\n{body}")
    return "\n\n".join(chunks)


def _note_start(case: Any) -> int | None:
    """The file line of the first text line under ``## 教学笔记`` in the file casekit would write."""
    from casekit.authoring.cases import case_to_markdown

    lines = case_to_markdown(case).split("\n")
    for n, line in enumerate(lines):
        if re.match(rf"^##\s*{TEACHING_NOTE_SECTION}\s*$", line):
            return next((k + 1 for k in range(n + 1, len(lines)) if lines[k].strip()), n + 1)
    return None


def teaching_note_problems(case: Any, *, rel: str | None = None, line: int | None = None) -> list[Problem]:
    """What a case's teaching note lacks: a missing or empty part, minutes that do not add up.

    Parameters
    ----------
    case : Case
    rel : str, optional
        The file named in each problem (default ``cases/<id>.md``).
    line : int, optional
        File line of the first text line under ``## 教学笔记``; default: where
        :func:`casekit.authoring.cases.write_case` would put it.

    Returns
    -------
    list of Problem
        ``(file, line, "教学笔记", expected, found)``; empty when the note is complete. A part
        still marked ``【待补充】`` is not one of them (a reviewed case reports those already).
    """
    rel = rel or f"cases/{getattr(case, 'id', '') or '<memory>'}.md"
    sections: Mapping[str, str] = getattr(case, "sections", {}) or {}
    start = line if line is not None else _note_start(case)
    if TEACHING_NOTE_SECTION not in sections:
        return [Problem(rel, None, TEACHING_NOTE_SECTION, tr(f"“## {TEACHING_NOTE_SECTION}”一节",
                                                             f"the section '## {TEACHING_NOTE_SECTION}'"), "<missing>")]
    text = sections[TEACHING_NOTE_SECTION]
    parts = teaching_note_parts(case)

    def row(heading: str | None) -> int | None:
        if start is None:
            return None
        if heading is None:
            return start
        m = re.search(rf"^###\s*{re.escape(heading)}\s*$", text, re.MULTILINE)
        return start + text[:m.start()].count("\n") if m else start

    problems: list[Problem] = []
    for heading in TEACHING_NOTE_PARTS:
        if heading not in parts:
            problems.append(Problem(rel, row(None), TEACHING_NOTE_SECTION,
                                    tr(f"教学说明中的“### {heading}”部分", f"the part '### {heading}' of the teaching note"),
                                    "<missing>"))
        elif not parts[heading].strip():
            problems.append(Problem(rel, row(heading), TEACHING_NOTE_SECTION,
                                    tr(f"“### {heading}”下面有文字", f"some text under '### {heading}'"),
                                    tr("空的部分", "an empty part")))
    plan = parts.get("讨论安排", "")
    if plan.strip() and _MISSING_MARK not in plan:
        steps = discussion_minutes(plan)
        want = getattr(case, "minutes", None) or 60
        if not steps:
            problems.append(Problem(rel, row("讨论安排"), TEACHING_NOTE_SECTION,
                                    tr("“### 讨论安排”下面写成“- 10分钟 …”的步骤", "steps written '- 10分钟 …' under '### 讨论安排'"),
                                    plan.split("\n")[0][:40]))
        elif sum(steps) != want:
            problems.append(Problem(rel, row("讨论安排"), TEACHING_NOTE_SECTION,
                                    tr(f"讨论各步骤加起来等于 minutes：{want}",
                                       f"discussion steps adding up to minutes: {want}"),
                                    f"{'+'.join(map(str, steps))} = {sum(steps)} 分钟"))
    return problems
