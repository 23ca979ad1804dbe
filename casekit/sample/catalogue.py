"""Each region's local product catalogue (hand-written material, the seed's 产品名称调研).

The same canonical product is sold under different names, packages and prices in each region;
engineers describe it in their own jargon, customers value it in their own words.
"""

from __future__ import annotations

__all__ = [
    "CATALOGUE_COLUMNS",
    "INDUSTRY_EDITIONS",
    "LOCAL_NAMES",
    "catalogue_rows",
    "local_name",
]

CATALOGUE_COLUMNS: tuple[str, ...] = (
    "local_name",
    "canonical_product",
    "package",
    "price",
    "technical_description",
    "customer_value",
    "needs",
    "departments",
)

#: Local product name per region and canonical product (a product missing is not sold there).
LOCAL_NAMES: dict[str, dict[str, str]] = {
    "beijing": {
        "business_navigator": "商务领航",
        "crm_module": "客户管家",
        "video_monitoring": "宽带监控",
        "hybrid_network": "混合组网",
        "yellow_pages": "网通黄页",
        "hotline_114": "114商户推广",
        "website": "企业建站",
        "pc_bundle": "商务电脑",
        "broadband": "商务光速",
    },
    "tianjin": {
        "business_navigator": "商务通",
        "crm_module": "CRM客户管理",
        "video_monitoring": "场景监控",
        "hybrid_network": "企业组网",
        "yellow_pages": "黄页广告",
        "hotline_114": "114查号推广",
        "website": "网站通",
        "pc_bundle": "宽带+电脑",
        "broadband": "商务宽带",
    },
    "hebei": {
        "business_navigator": "商务领航",
        "crm_module": "商务领航CRM模块",
        "video_monitoring": "宽视界",
        "hybrid_network": "混合组网",
        "yellow_pages": "电话黄页",
        "hotline_114": "114号码百事通",
        "website": "企业网站",
        "pc_bundle": "电脑捆绑包",
        "mobile_c": "C网商务手机",
        "broadband": "光纤专线",
    },
    "shandong": {
        "business_navigator": "企业信息化助手",
        "crm_module": "客户通",
        "video_monitoring": "全球眼",
        "hybrid_network": "商务组网",
        "yellow_pages": "黄页推广",
        "hotline_114": "114优先推荐",
        "website": "企业网站建设",
        "pc_bundle": "e商电脑",
        "broadband": "商务宽带",
    },
    "nanning": {
        "business_navigator": "商务快车",
        "crm_module": "客户关系管理模块",
        "video_monitoring": "视频看店",
        "hybrid_network": "企业虚拟网",
        "yellow_pages": "号码百事通黄页",
        "hotline_114": "号码百事通",
        "website": "商务网站",
        "pc_bundle": "天翼商务电脑",
        "mobile_c": "天翼189",
        "broadband": "商务光纤",
    },
}

#: Industry editions sold beside the general product: (region, product, industry) → local name.
INDUSTRY_EDITIONS: dict[tuple[str, str, str], str] = {
    ("hebei", "business_navigator", "hotel"): "商务领航·酒店版",
}

#: Package and price per region and canonical product.
_OFFERS: dict[str, dict[str, tuple[str, str]]] = {
    "beijing": {
        "business_navigator": ("标准版（含邮箱、OA、短信）", "每月380元"),
        "crm_module": ("商务领航增值模块", "每月120元（10个账号）"),
        "video_monitoring": ("4路摄像头+网络存储", "每月260元，初装费800元"),
        "hybrid_network": ("总部+3个分支", "每月1500元起"),
        "yellow_pages": ("行业分类页 1/4版", "每年2800元"),
        "hotline_114": ("114首位推荐", "每年1800元"),
        "website": ("5页展示型网站+域名", "首年1200元"),
        "pc_bundle": ("宽带2M+品牌电脑，签约2年", "每月199元"),
        "broadband": ("10M光纤接入", "每月980元"),
    },
    "tianjin": {
        "business_navigator": ("基础包（邮箱+办公自动化）", "每月298元"),
        "crm_module": ("客户档案+销售跟踪", "每月150元"),
        "video_monitoring": ("店铺4路套餐", "每月230元，免初装费"),
        "hybrid_network": ("语音+数据一体化，3个点", "每月1680元"),
        "yellow_pages": ("天津黄页彩色广告", "每年3200元"),
        "hotline_114": ("114号码推广包", "每年1500元"),
        "website": ("网站通标准版", "每年980元"),
        "pc_bundle": ("2M宽带+电脑，36期", "每月168元"),
        "broadband": ("4M商务宽带", "每月360元"),
    },
    "hebei": {
        "business_navigator": ("通用版（邮箱+OA+短信）", "每月360元"),
        "crm_module": ("CRM模块（20个账号）", "每月200元"),
        "video_monitoring": ("8路宽视界+手机查看", "每月320元，设备可分期"),
        "hybrid_network": ("县城总部+乡镇网点", "每月1200元起，按网点计费"),
        "yellow_pages": ("地市电话黄页 1/8版", "每年1500元"),
        "hotline_114": ("114号码百事通商户包", "每年1200元"),
        "website": ("企业网站基础版", "每年800元"),
        "pc_bundle": ("宽带+电脑，24期", "每月158元"),
        "mobile_c": ("C网商务套餐，10部起", "每部每月58元"),
        "broadband": ("2M光纤专线", "每月1200元"),
    },
    "shandong": {
        "business_navigator": ("小企业版（进销存+OA）", "每月328元"),
        "crm_module": ("客户通（含短信群发）", "每月180元"),
        "video_monitoring": ("全球眼 4路", "每月280元，初装费600元"),
        "hybrid_network": ("多点组网，总部+5个分支", "每月2000元起"),
        "yellow_pages": ("山东黄页 1/4版", "每年2600元"),
        "hotline_114": ("114优先推荐包", "每年1600元"),
        "website": ("企业网站建设（10页）", "首年1500元"),
        "pc_bundle": ("e商电脑，宽带包年", "每月188元"),
        "broadband": ("8M商务宽带", "每月480元"),
    },
    "nanning": {
        "business_navigator": ("商务快车基础包", "每月268元"),
        "crm_module": ("客户关系管理模块", "每月100元（5个账号）"),
        "video_monitoring": ("视频看店 2路", "每月150元"),
        "hybrid_network": ("企业虚拟网（固话+手机）", "每月每号码15元"),
        "yellow_pages": ("号码百事通黄页", "每年2000元"),
        "hotline_114": ("号码百事通商户推荐", "每年1380元"),
        "website": ("商务网站标准版", "每年880元"),
        "pc_bundle": ("天翼商务电脑，签约2年", "每月178元"),
        "mobile_c": ("天翼189商务套餐", "每月89元起"),
        "broadband": ("商务光纤 4M", "每月420元"),
    },
}

#: How engineers describe each product; regions use different variants (index by region order).
_TECH: dict[str, tuple[str, ...]] = {
    "business_navigator": (
        "基于ASP模式的SaaS平台，集成企业邮箱、OA、短信网关，B/S架构，客户端免安装",
        "托管在IDC的多租户应用，模块化部署，支持LDAP统一认证和数据定期异地备份",
        "Web方式访问的信息化平台，前台、客房、餐饮模块基于同一数据库，支持与PMS接口对接",
    ),
    "crm_module": (
        "商务领航平台上的CRM子系统，提供客户档案、联系记录、销售漏斗报表，支持Excel批量导入",
        "B/S结构客户管理模块，按角色分配数据权限，短信接口可触发批量回访",
    ),
    "video_monitoring": (
        "前端网络摄像机经ADSL或光纤上传至中心平台，H.264编码，支持远程云台控制和录像回放",
        "DVR接入运营商视频平台，CIF/D1分辨率可选，录像存储在网络端，支持移动侦测报警",
        "基于IP网络的视频监控业务，平台统一转发，客户通过IE插件或手机客户端查看",
    ),
    "hybrid_network": (
        "MPLS VPN承载数据，语音走软交换，总部与分支间实现内部短号互拨和数据互通",
        "多点VPDN组网，分支机构通过ADSL拨入，总部部署路由器和防火墙，统一出口",
    ),
    "yellow_pages": (
        "纸质黄页按行业分类刊登，同步收录到网上黄页数据库，支持关键字检索",
        "印刷黄页加电子版，广告位按版面大小和行业排序分级定价",
    ),
    "hotline_114": (
        "在114查号系统中为商户设置优先播报和语音名片，话务员按类别推荐",
        "114平台商户信息置顶，用户按行业查询时首位播报，并可发送短信名片",
    ),
    "website": (
        "虚拟主机+域名注册，模板化建站，后台CMS可自行更新图文，含企业邮箱5个",
        "基于模板的静态/动态网站，托管在IDC机房，提供流量统计和搜索引擎登录",
    ),
    "pc_bundle": (
        "品牌商用台式机预装正版系统，捆绑宽带接入，上门安装调试，三年保修",
        "宽带账号与电脑分期捆绑计费，电脑预装安全软件和商务领航客户端",
    ),
    "mobile_c": (
        "CDMA2000 1X网络，支持与固话组成虚拟网，集团内短号互拨，可开通手机上网",
        "C网手机加入企业虚拟网，提供集团彩铃、短号和移动办公客户端",
    ),
    "broadband": (
        "光纤到楼，独享带宽上下行对称，提供固定公网IP和SLA保障",
        "ADSL2+或光纤接入，共享带宽，提供静态IP，7×24小时故障响应",
    ),
}

#: The product's value in the customer's own words.
_VALUE: dict[str, tuple[str, ...]] = {
    "business_navigator": (
        "老板出差在外面也能批文件、看报表，不用天天守在办公室",
        "前台、客房、餐厅的数对得上了，月底不用再加班对账",
        "不用自己买服务器、养网管，花点月租就把办公电脑化了",
    ),
    "crm_module": (
        "业务员走了，客户资料还留在公司",
        "老客户什么时候该回访，系统会提醒，不再靠脑子记",
    ),
    "video_monitoring": (
        "我在家用电脑就能看到店里收银台和仓库，丢货少了",
        "几个分店不用来回跑，坐在办公室就知道谁在岗、客流多不多",
        "晚上关门后有人动仓库，手机上就能收到报警",
    ),
    "hybrid_network": (
        "总部和分店之间打电话不花钱，每个月话费省了一大块",
        "各网点的数据当天就能汇总到总部，不用再传真报表",
    ),
    "yellow_pages": (
        "客户翻本子就能找到我们，新客户多了",
        "同行都在上面登，我们不登就像店门口没挂招牌",
    ),
    "hotline_114": (
        "外地客人打114问酒店，第一个报的就是我们",
        "打114查这类店，排在前头的就是我们家",
    ),
    "website": (
        "客户在网上能看到我们的产品和资质，谈生意时更有底气",
        "外地客户先上网看看我们，再打电话来问，省了寄样册",
    ),
    "pc_bundle": (
        "一次不用掏一大笔钱买电脑，按月交，连网带电脑一起管",
        "电脑坏了有人上门修，不用再找街边的店",
    ),
    "mobile_c": (
        "公司的人手机之间打电话不花钱，找人也方便",
        "业务员在外面用手机就能查库存、报订单",
    ),
    "broadband": (
        "网速稳了，收银和订房系统不再掉线",
        "视频会议和传大文件不卡，总部和工厂联系顺畅",
    ),
}

_NEEDS: dict[str, str] = {
    "business_navigator": "raise_efficiency;cut_cost",
    "crm_module": "customer_acquisition;increase_revenue;raise_efficiency",
    "video_monitoring": "security;cut_cost;raise_efficiency",
    "hybrid_network": "cut_cost;raise_efficiency",
    "yellow_pages": "customer_acquisition;increase_revenue",
    "hotline_114": "customer_acquisition;increase_revenue",
    "website": "customer_acquisition;increase_revenue",
    "pc_bundle": "raise_efficiency;cut_cost",
    "mobile_c": "cut_cost;raise_efficiency",
    "broadband": "raise_efficiency",
}

_DEPARTMENTS: dict[str, str] = {
    "business_navigator": "general_manager;admin;operations",
    "crm_module": "sales_marketing;general_manager",
    "video_monitoring": "security;operations;general_manager",
    "hybrid_network": "it;finance;operations",
    "yellow_pages": "sales_marketing",
    "hotline_114": "sales_marketing",
    "website": "sales_marketing;it",
    "pc_bundle": "admin;finance;it",
    "mobile_c": "admin;sales_marketing;finance",
    "broadband": "it;operations",
}


def local_name(region_id: str, product_id: str, industry: str | None = None) -> str:
    """Return the name ``product_id`` is sold under in top-level region ``region_id``.

    Parameters
    ----------
    region_id : str
        Top-level region id.
    product_id : str
        Canonical product id.
    industry : str, optional
        Customer industry id; an industry edition of the product is preferred when the region
        sells one (e.g. 商务领航·酒店版 to a hotel in Hebei).

    Raises
    ------
    KeyError
        If the region does not sell the product.
    """
    if industry is not None and (region_id, product_id, industry) in INDUSTRY_EDITIONS:
        return INDUSTRY_EDITIONS[(region_id, product_id, industry)]
    return LOCAL_NAMES[region_id][product_id]


def catalogue_rows(region_id: str, region_index: int) -> list[dict[str, str]]:
    """Return the catalogue rows of one top-level region, in canonical product order.

    Parameters
    ----------
    region_id : str
        Top-level region id.
    region_index : int
        Position of the region in the manifest; chooses the wording variants so that
        neighbouring regions describe the same product differently.

    Returns
    -------
    list of dict
        One dict per product, keyed by :data:`CATALOGUE_COLUMNS`.
    """
    rows = []
    for product_id, name in LOCAL_NAMES[region_id].items():
        package, price = _OFFERS[region_id][product_id]
        tech = _TECH[product_id]
        value = _VALUE[product_id]
        rows.append(
            {
                "local_name": name,
                "canonical_product": product_id,
                "package": package,
                "price": price,
                "technical_description": tech[region_index % len(tech)],
                "customer_value": value[(region_index * 2 + 1) % len(value)],
                "needs": _NEEDS[product_id],
                "departments": _DEPARTMENTS[product_id],
            }
        )
    if region_id == "hebei":  # the hotel edition, sold beside the general edition
        rows.insert(
            1,
            {
                "local_name": INDUSTRY_EDITIONS[
                    ("hebei", "business_navigator", "hotel")
                ],
                "canonical_product": "business_navigator",
                "package": "酒店版（前台、客房、餐饮管理）",
                "price": "每月450元",
                "technical_description": _TECH["business_navigator"][2],
                "customer_value": _VALUE["business_navigator"][1],
                "needs": _NEEDS["business_navigator"],
                "departments": _DEPARTMENTS["business_navigator"],
            },
        )
    return rows
