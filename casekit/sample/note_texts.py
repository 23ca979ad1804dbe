"""Hand-written interview notes (the consultants' 访谈记录), as a pool of distinct passages.

Each passage is written once, by hand, in the voice of a consultant's notes: verbatim quotes,
bullet lists, question/answer turns or plain narrative, success and failure stories. The generator
assigns each passage to an interviewee of the right population (and, for account managers, of the
planted behaviour type the passage describes), a region and a date, and fills in the region's
local product names:

``{bn}`` 商务领航 · ``{crm}`` CRM模块 · ``{vm}`` 宽带监控 · ``{hn}`` 混合组网 · ``{yp}`` 黄页 ·
``{hl}`` 114 · ``{web}`` 网站 · ``{pc}`` 电脑捆绑 · ``{mc}`` C网手机 · ``{bb}`` 宽带 · ``{city}`` the
interviewee's city.

Some passages carry personal data (a customer's mobile or landline, a surname with a title, a
customer's company name) that a later redaction step must remove; every such string is declared
in ``pii`` and listed in the sample's ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PASSAGES", "PLACEHOLDER_PRODUCTS", "Passage"]

#: Placeholder → canonical product id.
PLACEHOLDER_PRODUCTS: dict[str, str] = {
    "bn": "business_navigator",
    "crm": "crm_module",
    "vm": "video_monitoring",
    "hn": "hybrid_network",
    "yp": "yellow_pages",
    "hl": "hotline_114",
    "web": "website",
    "pc": "pc_bundle",
    "mc": "mobile_c",
    "bb": "broadband",
}


@dataclass(frozen=True)
class Passage:
    """One hand-written interview note.

    Parameters
    ----------
    key : str
        Stable short name of the passage (used in the ground truth).
    population : str
        Population of the interviewee (for 360° interviews: of the manager reviewed).
    method : str
        Note method id (``interview``, ``ride_along_debrief``, ``demo_hall_visit``,
        ``interview_360``).
    body : str
        The note's text with placeholders.
    am_type : str or None
        Planted account-manager type the passage describes (None: any).
    industry : str or None
        Customer industry id the passage is about.
    units : tuple of str
        Region or city ids the passage must be placed in (empty: anywhere).
    tags : tuple of str
        Topic tags (product names and the industry label are added by the generator).
    outcome : str or None
        For ride-along debriefs: the visit's outcome id.
    funnel_step : int or None
        For ride-along debriefs: the furthest funnel step reached.
    behaviours : tuple of str
        For ride-along debriefs: behaviours observed in the visit.
    minutes_on_site : int or None
        For ride-along debriefs whose text states the visit's length.
    pii : tuple of (str, str)
        Planted personal data: ``(string, kind)`` with kind ``mobile``, ``landline``,
        ``person_title`` or ``company``.
    """

    key: str
    population: str
    method: str
    body: str
    am_type: str | None = None
    industry: str | None = None
    units: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    outcome: str | None = None
    funnel_step: int | None = None
    behaviours: tuple[str, ...] = ()
    minutes_on_site: int | None = None
    pii: tuple[tuple[str, str], ...] = field(default=())


AM, SE, SM = "account_manager", "support_engineer", "sales_manager"

PASSAGES: tuple[Passage, ...] = (
    # ------------------------------------------------------------------ account managers
    Passage(
        key="hotel_price_cut",
        population=AM,
        method="interview",
        am_type="price_pusher",
        industry="hotel",
        tags=("价格战", "失败案例"),
        pii=(("华夏宾馆", "company"), ("王经理", "person_title")),
        body="""\
问：最近跟的酒店客户进展怎么样？
答：华夏宾馆那边跟了快两个月了。{bn}我给他们报的是标准价，王经理嫌贵，我就跟他说可以先免费用三个月，后来又申请了八折。
问：他们用了以后呢？
答：三个月里基本没人登录。前台还是用原来的单机软件，客房部压根不知道有这个东西。到期要收费，王经理说"没用过的东西我为什么交钱"。
问：当时有没有问过他们前台、客房、餐饮各自有什么麻烦？
答：（想了一会儿）没细问。我觉得酒店都差不多，就是想便宜点。
问：现在怎么打算？
答：领导让我再去谈，我想看能不能再申请个优惠，或者捆上{bb}一起打折。

顾问备注：典型的"三板斧"——降价、免费试用、捆绑，全程没有需求诊断。客户经理自己也说不出这个宾馆的淡旺季和客源结构。可以改编成"华夏宾馆的苦恼"的前半段。""",
    ),
    Passage(
        key="supermarket_monitor_list",
        population=AM,
        method="interview",
        am_type="price_pusher",
        industry="retail",
        tags=("免费试用", "产品知识"),
        body="""\
访谈要点（超市客户，{vm}）：

- 客户经理自述"超市老板最关心便宜"，开场就讲本月{vm}初装费全免。
- 问他超市老板为什么要装监控，答："防小偷吧。"再问还有什么用，答不上来。
- 不知道{vm}可以用手机远程看店，以为只能在店里的电脑上看。
- 去年推过{yp}，也是靠"买一送一"卖出去的，第二年续费率很低，他自己估计"一半都不到"。
- 对自己的评价："我嘴皮子还行，就是产品太多记不住，技术的事都找支撑。"

初步判断：产品知识弱 + 只会价格推销。建议课程里用"中、小型超市"的案例，把丢货、收银差错、店长不在店这几个痛点讲透。""",
    ),
    Passage(
        key="bakery_debrief_short",
        population=AM,
        method="ride_along_debrief",
        am_type="price_pusher",
        industry="bakery",
        tags=("随访", "价格战"),
        outcome="stalled",
        funnel_step=3,
        behaviours=("price_first", "free_trial_offer"),
        minutes_on_site=18,
        pii=(("金麦穗面包房", "company"),),
        body="""\
随访金麦穗面包房，全程不到二十分钟。
开口第一句："老板，我们{bn}这个月有活动，前三个月不要钱。"老板说忙，留了张单页。
复盘时问他这家店有几个分店、每天几点出货，他都不知道。""",
    ),
    Passage(
        key="school_relationship_hebei",
        population=AM,
        method="interview",
        am_type="relationship_keeper",
        industry="education",
        units=("hebei",),
        tags=("客户关系", "行业知识"),
        pii=(("刘校长", "person_title"),),
        body="""\
这位客户经理在{city}做了六年，教育口的客户几乎都是她维护的。她说话很有感染力，一说起客户就停不下来：

"刘校长跟我关系特别好，逢年过节我都去看看。学校的固话、宽带一直是我们的，从来没丢过。"

我问她学校现在最头疼的事是什么。她说："这个……应该是经费紧吧。"再问家长和学校之间怎么沟通、学校有没有想做校园网站、门口接送孩子的安全问题谁在管，她都说没聊过，"校长没提过"。

她也承认{web}和{vm}在学校里一单都没做成："关系是好，可一谈新业务校长就说再研究研究。"

我们的看法：关系是敲门砖，但她对学校怎么运转、谁管经费、谁管安全几乎一无所知，"关系好"没有变成"懂客户"。河北地市的客户经理普遍是这种情况，很多是从营业厅、话务转岗过来的，行业知识几乎是空白。""",
    ),
    Passage(
        key="hotel_debrief_chat",
        population=AM,
        method="ride_along_debrief",
        am_type="relationship_keeper",
        industry="hotel",
        tags=("随访", "客户关系", "时间管理"),
        outcome="stalled",
        funnel_step=2,
        behaviours=("relationship_talk", "agrees_next_step"),
        minutes_on_site=100,
        pii=(("13731186502", "mobile"),),
        body="""\
随访复盘

拜访时长一小时四十分钟，其中大约一个半小时在聊家常：孩子上学、房价、上周的酒席。真正谈业务是最后十分钟，客户经理提了一句{hl}今年有新套餐，对方说"你发个资料给我看看"。

出门后我问她这次拜访的目的是什么。她说："维护一下，好久没来了。"问下一步打算，她说回去把资料发过去。客户前台主管当场留了手机 13731186502，说有事直接打。

复盘中她自己算了一下，这个月拜访了四十多次，但能说出"推进到哪一步"的项目只有两个。她很委屈："我天天在外面跑，领导还说我业绩不行。"

要点：拜访量大≠有效拜访。课程里时间管理和拜访目的设定要结合她这样的真实日程来做练习。""",
    ),
    Passage(
        key="travel_agency_lost",
        population=AM,
        method="interview",
        am_type="relationship_keeper",
        industry="travel",
        tags=("失败案例", "决策人"),
        body="""\
旅行社那单丢了。我跟他们老板是老乡，吃过好几次饭，本来以为{web}和{hl}打包肯定没问题。

后来才知道，他们真正拍板的是管财务的合伙人，老板只管跑线路。人家合伙人嫌我们的方案里没有网上报名和在线付款，转头找了做旅游网站的公司。

我连他们有两个合伙人都不知道。""",
    ),
    Passage(
        key="hospital_crm_success",
        population=AM,
        method="interview",
        am_type="consultant",
        industry="hospital",
        tags=("成功案例", "需求挖掘", "联合拜访"),
        pii=(("赵院长", "person_title"),),
        body="""\
成功案例：一家专科医院的{crm}

背景：医院有八十多张床位，主要做妇产科和不孕不育。客户经理最早只是去收宽带费。

过程（按她的讲述整理）：

1. 第一次拜访没讲产品，先问"医院现在病人主要从哪里来"。赵院长说主要靠老病人介绍，也在报纸和电视上打广告，但不知道哪个渠道管用。
2. 第二次她带着一张自己画的表格去，把医院的部门列出来：院办、财务、门诊、市场部，分别问每个部门最头疼什么。市场部主任说病人回访全靠护士打电话，记在本子上，经常漏。
3. 她回去找支撑人员一起看{crm}能不能做"病人档案 + 复诊提醒 + 短信回访"，支撑人员说短信接口现成就有。
4. 第三次两人一起去，支撑人员只讲了十分钟系统，其余时间她在问：一个月新病人多少？复诊率多少？如果复诊率提高五个百分点，医院一年多收多少？院长自己拿计算器算了一遍。
5. 一个月后签约，加了{bb}升级，之后又上了{web}。

她的原话："以前我是去推产品，这次我是去帮院长算账。"

顾问备注：这是顾问式销售的完整样本：先问后讲、按部门找需求、支撑人员做中立专家、用客户的账说话。可直接改编为"中、小型医院营销实例"。""",
    ),
    Passage(
        key="real_estate_debrief",
        population=AM,
        method="ride_along_debrief",
        am_type="consultant",
        industry="real_estate",
        tags=("随访", "决策人", "销售工具"),
        outcome="advanced",
        funnel_step=6,
        behaviours=(
            "asks_needs",
            "identifies_decision_makers",
            "uses_toolbox",
            "customer_language",
            "agrees_next_step",
        ),
        pii=(("明大地产", "company"), ("13912345678", "mobile")),
        body="""\
随访：明大地产售楼处

拜访前十分钟，客户经理在车里把《客户管理表二》过了一遍：决策人（总经理）、使用者（售楼处经理、置业顾问）、影响者（财务）。她说上次见了售楼处经理，这次要见财务。

现场：
- 先问售楼处每天来访客户多少、多少人留电话、多少人回访，对方说留了电话的一半都没人跟。
- 她没有马上提产品，而是说："那等于每天有十几个客户白白流走了。"对方点头。
- 然后才讲{crm}加{hl}：来电自动记录、置业顾问离职客户不丢。
- 财务问价格，她先问"一套房子的佣金大概多少"，再说月费相当于一个月多卖出半套房的零头。

结果：约好下周带方案给总经理汇报，办公室主任留了手机 13912345678 方便约时间。

复盘：她的提问占了谈话一半以上，知道谁拍板、谁会反对。唯一的问题是方案书还得找支撑人员改，自己写不出来。""",
    ),
    Passage(
        key="lamp_factory_network",
        population=AM,
        method="interview",
        am_type="consultant",
        industry="manufacturing",
        tags=("成功案例", "价格战", "混合组网"),
        pii=(("康明灯具厂", "company"), ("李总", "person_title")),
        body="""\
康明灯具厂——怎样跳出价格战

厂子在开发区，总部加三个车间、一个外地仓库。竞争对手报的组网价格比我们低三成，李总一开始就说"你们要是不降价就别谈了"。

客户经理没有接价格的话题，而是请李总带她去车间转了一圈。她注意到：
* 仓库每天下午要把出库单传真回总部，传真机经常卡纸，月底对账差得一塌糊涂；
* 车间主任之间打电话全是长途（仓库在外地）；
* 李总自己一半时间在外面跑订单，回来才能看报表。

第二次去，她带着{hn}的方案，只讲三件事：内部电话不花钱、仓库数据当天到总部、李总在外面也能看报表。价格一分没降，只是把{bb}的带宽提了一档。李总最后说："便宜的那家我问了，他们说不清楚仓库的事怎么解决。"

她的体会："客户嫌贵，是因为他没看到值多少钱。\"""",
    ),
    Passage(
        key="supermarket_joint_visit",
        population=AM,
        method="ride_along_debrief",
        am_type="consultant",
        industry="retail",
        tags=("随访", "联合拜访", "成功案例"),
        outcome="won",
        funnel_step=7,
        behaviours=(
            "asks_needs",
            "joint_visit",
            "product_demo",
            "customer_language",
            "agrees_next_step",
        ),
        pii=(("惠万家超市", "company"),),
        body="""\
随访惠万家超市（三家连锁），客户经理和支撑人员一起去。

分工事先商量过：客户经理负责问，支撑人员负责演示，不抢话。老板娘抱怨收银台差错多、夜里仓库进过人，客户经理问"那您现在怎么知道店里的情况？"——"只能一家一家跑。"

支撑人员这时才打开笔记本，用手机上的{vm}客户端给她看另一家超市的实时画面。老板娘自己拿着手机翻了五分钟。

当场签了两家店的合同，第三家等装修完再装。出门后支撑人员说："今天我基本没讲技术，她问的都是能不能在家看、晚上有没有报警。"

这次拜访可作为"隐性销售"的示范：支撑人员是中立专家，客户经理掌控节奏。""",
    ),
    Passage(
        key="trading_jargon_lost",
        population=AM,
        method="interview",
        am_type="technical_explainer",
        industry="trading",
        tags=("失败案例", "技术语言"),
        body="""\
客户经理原来是线路维护出身，产品说得比支撑还熟。他讲了一家贸易公司的{hn}单子：

"我给他们讲了MPLS VPN和VPDN的区别，讲了QoS，还画了拓扑图。他们的行政经理听得挺认真，最后说回去研究。再打电话就说老板觉得没必要。"

问：这家公司做什么贸易？几个分公司？老板最在意什么？
答："做五金的吧，分公司……三四个？老板我没见过。"

他自己也有点困惑："我讲得很清楚啊，技术上没毛病。"

顾问备注：讲得清楚的是技术，不是客户的生意。行政经理不是决策人，回去也转述不了"VPN"对老板有什么用。适合"前翼贸易公司的苦恼"的改编。""",
    ),
    Passage(
        key="school_monitor_demo_debrief",
        population=AM,
        method="ride_along_debrief",
        am_type="technical_explainer",
        industry="education",
        tags=("随访", "技术语言", "产品演示"),
        outcome="stalled",
        funnel_step=4,
        behaviours=("technical_jargon", "product_demo"),
        minutes_on_site=45,
        body="""\
随访一所民办小学，谈{vm}。

客户经理一坐下就打开笔记本演示，从"前端摄像机""码流""D1分辨率"一路讲到"存储周期"，中间总务主任插话问"家长能不能看到孩子在教室里的情况"，他说"这个技术上可以实现，需要单独开账号"，又回到存储的话题。

四十多分钟里他问了两个问题，都是"你们有几个教学楼"这类。

复盘时他说觉得今天讲得不错。我们请他回想总务主任那个问题——那其实是学校招生时最好的卖点（家长放心），他没接住。""",
    ),
    Passage(
        key="hospital_tech_explainer",
        population=AM,
        method="interview",
        am_type="technical_explainer",
        industry="hospital",
        tags=("技术语言", "客户知识"),
        body="""\
他对{bn}的每个模块都能说出实现方式，但问到"医院里谁会用这个系统"，他的回答是"信息科吧"。

我们追问：门诊、药房、财务、院办各自要什么？他说没想过，"我一般把功能讲全，让他们自己挑"。

他还提到一个细节：上次给院长演示，院长看了五分钟就接电话出去了，"后面的功能都没来得及讲"。""",
    ),
    Passage(
        key="tianjin_time_reports",
        population=AM,
        method="interview",
        units=("tianjin",),
        tags=("时间管理", "内部管理"),
        body="""\
时间分配（客户经理自己估的一周）：

| 事项 | 大约时间 |
|---|---|
| 周一例会、周五总结会 | 半天多 |
| 各类报表（日报、周报、专项统计） | 一天左右 |
| 营业厅值班、处理投诉 | 半天 |
| 路上（片区从市区一直到滨海） | 一天多 |
| 真正在客户那里 | 一天出头 |

她说："报表今天要这个口径，明天要那个口径，填完了也没人看。"拜访基本是"哪个客户催了就去哪个"，没有提前排路线，经常一天东西来回跑两趟。

她希望培训能教教"怎么跟领导说少填几张表"，说完自己也笑了。""",
    ),
    Passage(
        key="nanning_new_products",
        population=AM,
        method="interview",
        units=("nanning",),
        tags=("产品知识", "新产品"),
        pii=(("0771-5381234", "landline"),),
        body="""\
问：今年新上的产品有几个？
答：{mc}、{bn}、{vm}、{crm}……还有几个套餐我也记不全，今年差不多每个月都有新东西。
问：新产品怎么学？
答：技术部门来讲一次，一个下午，PPT全是技术参数。听完我也讲不出来，客户一问就说"我回去问一下技术"。
问：有没有客户因此没谈成？
答：有个做建材批发的客户，办公室电话 0771-5381234，老板问{mc}和他们的固话能不能组成一个网，员工之间打电话不要钱。我当时不知道{hn}能不能带手机，说回去问。问清楚的时候人家已经办了别家的。
问：最希望公司提供什么？
答：一张纸就行，告诉我这个产品卖给谁、解决什么问题、多少钱。""",
    ),
    Passage(
        key="shandong_team_selling_lost",
        population=AM,
        method="interview",
        units=("shandong",),
        tags=("团队销售", "决策人", "失败案例"),
        body="""\
一家连锁药店的项目，涉及二十多家门店的{hn}和{vm}，是他今年最大的单子。

他一个人跑了三个月：采购部、信息部都见过，报价改了四次。最后老板在董事会上说"再看看"，项目就停了。后来打听到，董事会里管财务的副总一直倾向于另一家，理由是"他们的技术人员来讲过两次方案，挺专业"。

问他为什么没请支撑人员和领导一起去，他说："支撑那边排不上，领导也忙，我想着先自己谈下来再说。"也没有把客户内部谁支持、谁反对画出来过。

这是山东几个地市的共性：客户经理单兵作战，支撑人员被动等单，复杂项目没有人牵头组团队。""",
    ),
    Passage(
        key="hebei_price_war_network",
        population=AM,
        method="interview",
        units=("shijiazhuang",),
        tags=("价格战", "混合组网"),
        pii=(("0311-86012345", "landline"),),
        body="""\
关于{hn}的价格战，客户经理一肚子苦水：

"现在移动的集团网报价比我们低一截，客户拿着对方的报价单来找我们。我能做的就是往上打报告申请折扣，批下来也要半个月。"

她给我看了一家物流公司的报价单（联系电话 0311-86012345），上面只有价格和带宽，没有一句说这家公司能省多少钱、效率提高多少。

我们问她有没有算过客户现在一个月长途和传真花多少钱，她说没有，"客户不会告诉我们的"。其实对方的财务很可能愿意说——只要有人问。""",
    ),
    Passage(
        key="cosmetics_yellow_pages_debrief",
        population=AM,
        method="ride_along_debrief",
        am_type="price_pusher",
        industry="cosmetics",
        tags=("随访", "免费试用"),
        outcome="lost",
        funnel_step=3,
        behaviours=("price_first", "free_trial_offer", "relationship_talk"),
        pii=(("王姐", "person_title"),),
        body="""\
随访一家化妆品批发公司。

客户经理开场："王姐，今年{yp}续费有优惠，我还能给您申请送半年{web}。"对方回答很干脆：去年登了黄页，一个电话都没接到，今年不登了。

客户经理接着说可以再便宜一点。对方摆手。

复盘：
- 没有问过去年为什么没效果（分类登错了？客户群根本不翻黄页？）；
- 这家公司主要客户是美容院，靠业务员上门，黄页本来就不对路；
- 客户经理的反应是"再降价"，而不是换方案。""",
    ),
    Passage(
        key="relationship_short",
        population=AM,
        method="interview",
        am_type="relationship_keeper",
        tags=("客户关系",),
        body="""\
"我们这行就是靠关系，关系到了什么都好说。"
追问：关系到了，新业务为什么还卖不动？
"……那可能是关系还不够铁吧。\"""",
    ),
    Passage(
        key="travel_agency_success",
        population=AM,
        method="interview",
        am_type="consultant",
        industry="travel",
        tags=("成功案例", "需求挖掘"),
        body="""\
旅行社的单子是这么做成的（客户经理口述，略有整理）：

- 先去门店坐了一个上午，看他们怎么接待：来问线路的人不少，但很多人问完就走，门店没留任何联系方式。
- 找经理聊的第一个问题是"旺季和淡季差多少"，答案是"十一、春节忙不过来，平时门可罗雀"。
- 她提出两件事：旺季让{hl}把咨询电话导到门店；平时用{web}挂出特价线路，配合短信发给老客户。
- 经理担心网站没人维护，她当场请支撑人员在电话里讲了一遍后台怎么改图文，"跟发帖子差不多"。
- 签约后第一个十一黄金周，咨询电话比去年多了三成（经理自己说的，我们没核实）。

她说关键是"先搞清楚他们的生意是怎么赚钱的"。""",
    ),
    Passage(
        key="factory_monitor_debrief",
        population=AM,
        method="ride_along_debrief",
        am_type="technical_explainer",
        industry="manufacturing",
        tags=("随访", "技术语言", "联合拜访"),
        outcome="advanced",
        funnel_step=5,
        behaviours=(
            "technical_jargon",
            "product_demo",
            "joint_visit",
            "agrees_next_step",
        ),
        body="""\
随访一家食品加工厂，客户经理和支撑人员一起去谈{vm}。

两个人都在讲技术：客户经理讲平台，支撑人员讲摄像机型号，一度为存储方案当着客户的面争了起来。厂长倒是提了真问题——"夜班工人偷懒、车间卫生检查过不了"——但两人都没顺着问下去，只说"这个都能看到"。

最后约了下周去车间实地看点位，算是往前推了一步。复盘时我们建议：下次进门先问厂长卫生检查最怕哪个环节，再决定摄像头装在哪里。""",
    ),
    Passage(
        key="training_no_change",
        population=AM,
        method="interview",
        tags=("培训效果", "心态"),
        body="""\
谈到以前的培训，客户经理说得很直白：

"去年请的老师讲得挺好，大家都说受启发，回来该怎么干还怎么干。培训前激动，培训时感动，培训后一动不动。"

"讲的都是大公司的例子，卖的是汽车、保险，跟我们卖{bn}有什么关系？"

"考核又没变，还是按月看收入，谁有工夫琢磨新方法。"

她最后说的一句话值得记下来："你们要是能讲讲我们{city}的客户、我们自己的产品，我一定去听。\"""",
    ),
    # ------------------------------------------------------------------ support engineers
    Passage(
        key="beijing_se_jargon",
        population=SE,
        method="interview",
        units=("beijing",),
        tags=("技术语言", "沟通"),
        body="""\
支撑工程师，做{vm}和{hn}方案三年。

我们请他用一分钟给一个饭馆老板介绍{vm}。他的版本：

"我们这个是基于IP网络的视频监控业务，前端用网络摄像机，H.264编码，码流可以自适应，录像存在我们平台上，您用IE装个插件就能看。"

换一个说法再试一次，他想了想："就是……装个摄像头，在网上能看。"

他自己也承认："客户经理老让我去讲，我讲完客户也不说话，可能是没听懂。但我不知道怎么讲得更简单，简单了就不准确了。"

北京这边的支撑人员技术水平普遍很高，问题集中在"说人话"。""",
    ),
    Passage(
        key="beijing_demo_hall",
        population=SE,
        method="demo_hall_visit",
        units=("beijing",),
        tags=("演示厅", "技术语言"),
        body="""\
演示厅考察记录

演示厅设备齐全：{bn}、{vm}、{hn}、{web}各有一个展台，大屏可以切换。讲解由一位支撑工程师负责，我们扮成一家连锁餐厅的采购来听。

观察：
1. 讲解顺序是按产品线走的，不是按客户的问题走。讲了二十五分钟，一次也没有问我们是做什么的。
2. 术语密度很高："多租户""SLA""VPDN""冗余"。我们问"这个对我们餐厅有什么用"，他的回答还是功能列表。
3. {vm}演示时画面卡住了两次，他解释是"演示环境带宽有限"。
4. 演示结束没有任何下一步的约定，也没有给客户经理留话。

建议：演示脚本改成"三个餐饮老板的烦恼"，每个展台只回答一个问题。""",
    ),
    Passage(
        key="hebei_demo_hall_good",
        population=SE,
        method="demo_hall_visit",
        units=("hebei",),
        tags=("演示厅", "客户语言", "成功案例"),
        body="""\
{city}的演示厅不大，只有两台电脑和一面电视墙，但讲解的支撑人员很会讲。

她给一群超市老板讲{vm}，开场就问："各位晚上关门以后，谁知道店里是什么情况？"然后把电视墙切到一家已经装了的超市，画面上是收银台和后门。

整个讲解她没说一句"编码""码流"。有老板问清晰度，她说"能看清收银员找的是不是十块的"。

讲完有三个老板当场留了电话让客户经理上门。她说这套讲法是跟客户经理一起琢磨出来的，"他们知道老板关心什么，我知道系统能干什么"。""",
    ),
    Passage(
        key="se_not_my_job",
        population=SE,
        method="interview",
        tags=("市场意识", "协作"),
        body="""\
"客户经理自己不懂产品，什么都叫我们去，一天跑三个地方，回来方案还得熬夜写。"

"卖不出去说我们产品不行，卖出去了功劳是他们的。"

"我们考核看的是系统稳定和故障时限，销售跟我们没关系。"

访谈中他三次提到"那是客户经理的事"。问他最近去的几家客户是做什么的，他记得的是网络环境（几台交换机、什么线路），不记得客户的生意。

顾问备注：支撑人员对市场和客户不了解，加上与客户经理的配合机制缺失，造成互相埋怨。这一点在多个地区都有。""",
    ),
    Passage(
        key="se_hidden_selling",
        population=SE,
        method="interview",
        industry="hospital",
        tags=("隐性销售", "联合拜访", "成功案例"),
        body="""\
他讲了一次自己觉得"配合得最好"的拜访：

去一家口腔医院谈{bn}和{crm}。去之前客户经理给他打了电话，说清楚三件事：院长最担心病人流失；信息科长是技术把关的人，担心数据安全；今天的任务是让信息科长放心。

现场他只回答信息科长的问题：数据存在哪、断网了怎么办、有没有备份。其他时间他不说话，看客户经理和院长聊。最后院长转头问他"你们这个靠得住吗"，他说"我们在本市已经有四十多家医疗机构在用"，院长就点头了。

他的总结："那天我像个专家，不像个推销员。"这正是我们说的"隐性销售"。""",
    ),
    Passage(
        key="se_unused_modules",
        population=SE,
        method="interview",
        tags=("产品知识",),
        body="""\
{bn}里面的进销存模块上线一年多了，他说全地区没有卖出去一套，"我自己也没完整用过，演示只演到登录页面"。

问为什么，回答是"没人要，也就没人学"。""",
    ),
    Passage(
        key="nanning_demo_hall",
        population=SE,
        method="demo_hall_visit",
        units=("nanning",),
        tags=("演示厅", "产品知识"),
        body="""\
演示厅考察（南宁）

到的时候演示厅锁着门，管理的同事去找钥匙花了十五分钟。{mc}的展台上还是去年的机型，{vm}的演示账号过期了，现场临时给平台打电话重开。

支撑人员说演示厅一个月也就来两三批客户，"大部分客户经理不知道可以带客户来"。

问客户经理为什么不带客户来，得到的答案是"不知道哪些产品能演示""怕演示出问题"。

这反映出两个问题：新产品的演示和资料跟不上；客户经理对产品没把握，连演示厅这个现成的工具都不敢用。""",
    ),
    Passage(
        key="se_training_for_am",
        population=SE,
        method="interview",
        tags=("产品培训", "技术语言"),
        body="""\
问：你们给客户经理做产品培训吗？
答：做，新产品上线都会讲。
问：怎么讲？
答：一般就是把厂家的材料过一遍，功能、架构、资费。
问：讲完客户经理会卖了吗？
答：（笑）估计没几个会。他们下课问的都是"提成多少"。
问：培训之前有没有问过他们需要什么？
答：没有，都是上面定的时间、定的内容。

备注：支撑人员"对客户经理的产品培训"是五个关键环节的第一个，目前基本是照本宣科。""",
    ),
    # ------------------------------------------------------------------ sales managers
    Passage(
        key="sm_target_split",
        population=SM,
        method="interview",
        tags=("目标分解", "过程管理"),
        body="""\
问：今年{bn}的指标是怎么定到每个人头上的？
答：市公司给我们分公司一个数，我按人头平均分。大家都一样，公平。
问：每个客户经理手里的客户不一样，有的片区全是小商铺，有的有开发区，也平均吗？
答：那没办法，细分太麻烦，分了也有人有意见。
问：平时怎么知道大家进展到哪一步？
答：月底看报表。完成的表扬，没完成的找来谈话。
问：谈什么？
答：问他为什么没完成，让他下个月补上。

备注：只看结果，不看过程；目标分解与市场分析脱节。管理者本人也意识到"谈话"没什么用，但不知道还能做什么。""",
    ),
    Passage(
        key="sm_runs_sales_himself",
        population=SM,
        method="interview",
        tags=("时间管理", "领导力"),
        body="""\
营销中心主任，手下十一个客户经理。他一周的时间，自己估计一半以上在亲自跑大客户：

"大单子不去不行，下面的人谈不下来。"

问他知不知道每个客户经理每天的时间怎么用，他坦白说不知道，"只要月底数字出来就行"。再问哪几位客户经理在哪方面最弱，他能说出两个人名字，理由是"业绩老是倒数"，但说不出弱在哪里。

他自己也累："我是分身乏术，下面的人又长不起来。\"""",
    ),
    Passage(
        key="sm_360_rough_management",
        population=SM,
        method="interview_360",
        tags=("360°", "粗暴式管理"),
        body="""\
360°访谈（客户经理组，三人一起谈，匿名）

- "我们主任就一句话：这个月指标完成没有？没完成就扣钱。"
- "卖{vm}遇到问题去找他，他说'你自己想办法'。他自己也没卖过。"
- "开会就是念排名，念完就散。"
- "他人不坏，就是不会带人。"

三个人都用了"粗暴"这个词。问他们希望主任做什么，答案出奇一致："跟我们去一次客户那里。\"""",
    ),
    Passage(
        key="sm_360_support_view",
        population=SM,
        method="interview_360",
        tags=("360°", "协作"),
        body="""\
360°访谈（支撑人员视角）

支撑人员对这位分公司负责人评价中等偏上："资源协调还可以，我们有困难他会去找市公司。"

但也提到：他从来不过问支撑人员和客户经理怎么配合，"谁叫我们就去，排不开就先来后到"。有一次同一天三个客户经理都约了{hn}的方案讲解，最后是支撑人员自己决定去哪家，"他不管哪个单子大"。""",
    ),
    Passage(
        key="sm_360_superior_view",
        population=SM,
        method="interview_360",
        tags=("360°", "市场分析"),
        body="""\
上级主管对他的评价：执行力强，交代的事一定办，但"只会接指标，不会想市场"。

举的例子：今年转型业务重点推{bn}，别的分公司先挑了酒店和医院做样板，他那边还是按原来的片区撒网，半年做了十几家，行业五花八门，没一个能拿出来当案例讲。

主管希望他"先想清楚卖给谁，再想怎么卖"。""",
    ),
    Passage(
        key="sm_good_practice",
        population=SM,
        method="interview",
        tags=("过程管理", "成功案例", "销售漏斗"),
        body="""\
这位县分公司经理是少见的"管过程"的管理者。

她的做法：
1. 每周一早上半小时，每个客户经理拿出自己的重点客户清单，说清楚每个客户在漏斗哪一步、下一步做什么、需要谁帮忙。
2. 每周至少陪一个客户经理跑一次客户，只看不说，回来再一对一复盘。
3. 新人跟老客户经理跑满一个月才单独负责片区（她叫它"带徒弟"）。
4. 指标不平均分：开发区的两个人指标高，乡镇片区的以{bb}和{hl}为主。

她分公司的转型业务完成率在全市排前面。她说最难的是坚持："开始大家觉得周一会是查岗，后来发现是帮他们解决问题，就愿意说了。"

可作为管理课程第二部分"流程保证结果"的正面案例。""",
    ),
    Passage(
        key="sm_county_c_network",
        population=SM,
        method="interview",
        units=("hebei", "nanning"),
        tags=("市场分析", "移动业务"),
        body="""\
关于{mc}：县里给的指标是年底前放号五百部。负责人说："我们没有卖手机的经验，营业厅也没有柜台，靠客户经理捆着固话卖。"

问他打算先卖给哪类客户，他想了一下说"谁要就卖给谁"。

我们建议先从已经用{hn}的企业入手（内部互打免费是现成的卖点），他觉得"可以试试"，但显然之前没从这个角度想过。""",
    ),
)
