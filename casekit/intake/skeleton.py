"""A new engagement's research bundle: the skeleton ``casekit init FOLDER`` writes.

The skeleton is the smallest bundle :func:`casekit.intake.load_bundle` accepts, laid out as
``docs/bundle-format.md`` describes, with every file a consultant fills in:

* ``manifest.yaml`` -- the seed's regions (华北网通's 北京、天津、河北、山东 and 南宁) as an example
  to replace, the sample's audiences and budgets; ``--client`` / ``--engagement`` fill the header;
* ``codebook.yaml`` -- a questionnaire template: one example item per population × dimension of
  the method, one background question, the 360° review's items;
* ``survey/responses.csv``, ``ride_alongs.csv``, ``reviews_360.csv``, ``catalogue/<region>.csv``
  -- header rows only, exactly the headers the readers expect (UTF-8 with a BOM, so that Excel
  on a Chinese Windows opens and saves them as UTF-8);
* ``notes/_示例访谈记录.md`` -- a note template; the leading ``_`` keeps it out of the analysis
  (files whose name starts with ``_`` are ignored by every reader);
* ``README.md`` -- for the consultant, in Chinese: what each file is for and what to do next.

With ``exports`` (``casekit init FOLDER --from-export 问卷星导出.xlsx``) the bundle starts from
real questionnaire downloads: they are copied into ``survey/`` byte for byte (``platform:`` reads
them as downloaded), ``codebook.yaml`` is drafted from them in bundle form
(:func:`casekit.intake.export_codebook.draft_bundle_codebook`: every decision left is one
``TODO`` that ``casekit validate`` names by line), the manifest's regions are the places the
export's region column names (the seed's ids where the seed knows them), there is no template
``survey/responses.csv``, and ``README.md`` says what was drafted and what to check. The exports
are read and the codebook drafted before anything is written: an export that cannot be used
leaves no half bundle behind.

Nothing is replaced silently: a folder that is not empty is refused
(:class:`FolderNotEmptyError`) unless ``force``; with ``force`` every file the consultant changed
is first kept beside it as ``_<name>.bak-<time><suffix>`` (:func:`casekit.safe_save.save_editable`,
which also writes atomically). Files of the folder that the skeleton does not have are never touched.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from casekit.exceptions import CasekitError, Problem, SurveyFileError
from casekit.intake.manifest import Manifest
from casekit.language import tr
from casekit.file_ids import file_id_problem
from casekit.input_paths import expand_paths
from casekit.intake.export_codebook import BundleCodebook, draft_bundle_codebook, read_exports, stored_name
from casekit.intake.regions import RegionIndex, strip_region_suffix
from casekit.intake.survey import EXPORT_SUFFIXES
from casekit.safe_save import backup_path, check_no_links, remove_if_unedited, save_editable, written_files

__all__ = [
    "DEFAULT_BUNDLE",
    "DEFAULT_CLIENT",
    "DEFAULT_ENGAGEMENT",
    "MAX_EXPORT_REGIONS",
    "NOTE_TEMPLATE",
    "SEED_AUDIENCES",
    "SEED_BUDGETS",
    "SEED_REGIONS",
    "FolderNotEmptyError",
    "Regions",
    "Skeleton",
    "init_bundle",
    "placeholders_left",
    "regions_from_names",
    "skeleton_files",
]

#: The seed engagement's regions, as ``(id, name, ((city id, city name), …))``: the example
#: ``manifest.yaml`` of a new bundle. The same tree as ``casekit.sample.regions.REGIONS`` (intake
#: may not import the sample generator; ``tests/test_init.py`` keeps the two equal).
SEED_REGIONS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("beijing", "北京", ()),
    ("tianjin", "天津", ()),
    ("hebei", "河北", (
        ("shijiazhuang", "石家庄"), ("baoding", "保定"), ("tangshan", "唐山"), ("handan", "邯郸"),
        ("xingtai", "邢台"), ("cangzhou", "沧州"), ("hengshui", "衡水"), ("langfang", "廊坊"),
        ("chengde", "承德"), ("zhangjiakou", "张家口"), ("qinhuangdao", "秦皇岛"),
    )),
    ("shandong", "山东", (("jinan", "济南"), ("qingdao", "青岛"), ("yantai", "烟台"))),
    ("nanning", "南宁", ()),
)

#: Audience → course-day budget, as in the sample's manifest.
SEED_AUDIENCES: Mapping[str, float] = {"account_manager": 3.0, "support_engineer": 2.5, "sales_manager": 3.0}

#: Region → audience → overriding course days, as in the sample's manifest.
SEED_BUDGETS: Mapping[str, Mapping[str, float]] = {"hebei": {"account_manager": 3.5}}

#: ``manifest.yaml``'s ``bundle:`` when the folder's name is not a valid file id (e.g. Chinese).
DEFAULT_BUNDLE = "engagement"
#: ``client:`` and ``engagement:`` when not given: visibly placeholders, still valid.
DEFAULT_CLIENT = "客户名称（请修改）"
DEFAULT_ENGAGEMENT = "营销培训调研（请修改）"

#: The note template's file name (the leading ``_``: ignored by the notes reader).
NOTE_TEMPLATE = "notes/_示例访谈记录.md"

# -- the questionnaire template ------------------------------------------------------------------

_ID_COLUMNS = {"respondent_id": "答卷编号", "region": "所在地区", "population": "岗位类别"}
#: 问卷星's own columns at the front of an export (listed under ``ignore:``).
_META_COLUMNS = ("序号", "提交答卷时间", "所用时间", "来源")
_BACKGROUND = ({"id": "target_attainment", "column": "上季度业绩完成率（%）", "type": "number",
                "role": "performance"},)
#: One example item per population × dimension of the method (the seed questionnaire's first).
_ITEMS = (
    ("am_product_1", "我能说清本地区主推转型产品的资费和套餐", "product", "account_manager", "agree5", False),
    ("am_industry_1", "我能说清酒店行业客户的经营特点", "industry", "account_manager", "agree5", False),
    ("am_sales_1", "向客户介绍产品时我主要讲优惠和价格", "sales", "account_manager", "freq5", True),
    ("am_management_1", "我用客户管理表记录每个重点客户的情况", "management", "account_manager", "freq5", False),
    ("am_time_1", "我每周会提前规划客户拜访的路线和时间", "time", "account_manager", "freq5", False),
    ("am_customer_1", "我能说出重点客户的组织架构和各部门负责人", "customer", "account_manager", "agree5", False),
    ("am_communication_1", "客户愿意和我谈他们经营中的难处", "communication", "account_manager", "agree5", False),
    ("se_product_1", "我能完整演示本地区主推转型产品的全部功能", "product", "support_engineer", "agree5", False),
    ("se_communication_1", "我能把技术术语转换成客户能听懂的话", "communication", "support_engineer", "agree5", False),
    ("se_market_1", "我了解本地区主要行业客户的经营特点", "market", "support_engineer", "agree5", False),
    ("sm_strategy_1", "我能结合本地市场分析出转型产品的目标客户", "strategy", "sales_manager", "agree5", False),
    ("sm_process_1", "我清楚每位客户经理每天的时间分配", "process", "sales_manager", "agree5", False),
    ("sm_leadership_1", "我知道每位下属在哪方面能力欠缺", "leadership", "sales_manager", "agree5", False),
)
_REVIEW_ITEMS = (
    ("r360_strategy_1", "能结合本地市场制定转型产品的销售目标", "strategy"),
    ("r360_process_1", "了解客户经理每天的时间都花在哪里", "process"),
    ("r360_leadership_1", "清楚每位下属的长处和欠缺", "leadership"),
)

# -- the tables' headers (docs/bundle-format.md) ---------------------------------------------------

_RIDE_ALONG_COLUMNS = ("visit_id", "date", "region", "account_manager", "customer_industry", "purpose",
                       "products", "funnel_stage", "minutes_on_site", "minutes_travel", "question_share",
                       "behaviours", "outcome", "observer_notes")
_REVIEW_COLUMNS = ("manager_id", "region", "rater_group", "rater_token", "item_id", "score")
_CATALOGUE_COLUMNS = ("local_name", "canonical_product", "package", "price", "technical_description",
                      "customer_value", "needs", "departments")

_BOM = "\ufeff"


class FolderNotEmptyError(CasekitError):
    """The target folder of :func:`init_bundle` is not empty (or is a file) and ``force`` was not given."""


@dataclass(frozen=True)
class Skeleton:
    """What :func:`init_bundle` did.

    Attributes
    ----------
    folder : Path
        The bundle folder.
    written : tuple of str
        Files written (new or changed), as POSIX paths relative to ``folder``.
    unchanged : tuple of str
        Files that already held exactly the skeleton's content.
    backups : tuple of Path
        Where files the consultant had changed were kept before being replaced or set aside
        (``force``).
    removed : tuple of str
        Files an earlier ``init`` wrote that the new skeleton does not have (the template
        ``survey/responses.csv`` beside an export, the catalogue of a region no longer in the
        manifest), removed because nobody had changed them; a changed one is set aside as a
        backup instead (in ``backups``).
    draft : BundleCodebook or None
        What was drafted from the exports (None without exports).
    """

    folder: Path
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    backups: tuple[Path, ...]
    removed: tuple[str, ...] = ()
    draft: BundleCodebook | None = None


def _scalar(value: str) -> str:
    """``value`` as one YAML scalar (quoted only when YAML needs it)."""
    return yaml.safe_dump(value, allow_unicode=True, width=10**6).removesuffix("\n...\n").strip()


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)


def _section(key: str, value: object, comment: str) -> str:
    """``key: value`` as YAML, with ``# comment`` at the end of the key's line."""
    first, rest = _dump({key: value}).split("\n", 1)
    return f"{first:<24}# {comment}\n{rest}"


def _csv_header(columns: tuple[str, ...] | list[str]) -> bytes:
    # header cells are plain names (no comma or quote): joined as they are
    return (_BOM + ",".join(columns) + "\n").encode("utf-8")


#: Regions drafted from an export: ``(id, name, cities)`` as :data:`SEED_REGIONS`, and the header comment.
Regions = tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]
#: More distinct answers than this in the region column: a free-text column, not a list of places.
MAX_EXPORT_REGIONS = 100
#: The id of the n-th region drafted from an export that the seed does not know (to be renamed).
_NEW_REGION_ID = "region_{}"

_SEED_COMMENT = (
    "# 下面 regions 里的地区是样例项目（华北网通、南宁电信）的地区，仅作示例：\n"
    "# 请换成本项目的地区（id 用小写英文字母、数字和下划线，name 用中文名），\n"
    "# 并删去 budgets 中不再存在的地区。格式说明见 docs/bundle-format.md。\n"
)


def regions_from_names(names: Sequence[str], column: str = "所在地区") -> tuple[Regions, str] | None:
    """The manifest regions for the places an export names (its region column's answers).

    A place the seed engagement knows keeps the seed's id and its province (a province holds
    only the cities named); any other place becomes a top-level region ``region_1``,
    ``region_2`` … (to be renamed) named as the export writes it; two spellings that differ
    only by an administrative suffix (保定 / 保定市) are one region, which the region rule
    resolves either way (:mod:`casekit.intake.regions`).

    Parameters
    ----------
    names : sequence of str
        The distinct answers, in order of first appearance.
    column : str
        The region column's header, for the comment.

    Returns
    -------
    (regions, comment) or None
        None when there are no names or more than :data:`MAX_EXPORT_REGIONS` (a free-text column).
    """
    names = [n for n in dict.fromkeys(str(n).strip() for n in names) if n]
    if not names or len(names) > MAX_EXPORT_REGIONS:
        return None
    flat = [pair for rid, name, cities in SEED_REGIONS for pair in ((rid, name), *cities)]
    index = RegionIndex([r for r, _ in flat], [n for _, n in flat])
    used: set[str] = set()
    new: dict[str, str] = {}  # core name -> the name as first written
    for name in names:
        rid = index.resolve(name)
        if rid is not None:
            used.add(rid)
        else:
            new.setdefault(strip_region_suffix(name) or name, name)
    regions: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []
    for rid, name, cities in SEED_REGIONS:
        kept = tuple((cid, cname) for cid, cname in cities if cid in used)
        if rid in used or kept:
            regions.append((rid, name, kept))
    regions += [(_NEW_REGION_ID.format(i), name, ()) for i, name in enumerate(new.values(), start=1)]
    comment = f"# 下面 regions 里的地区是从问卷导出文件「{column}」列的 {len(names)} 个地名生成的"
    if new:
        comment += (f"：\n# 样例项目已有的地区沿用其英文 id；其余的 id（{_NEW_REGION_ID.format(1)} …）只是占位，"
                    "请改成英文短名\n# （小写字母、数字和下划线，如 changsha），并同样改名 catalogue/ 中的文件；"
                    "需要时按省 → 地市整理（cities）。\n")
    else:
        comment += "（沿用样例项目的英文 id）。\n# 需要时按省 → 地市整理（cities）。\n"
    comment += "# 格式说明见 docs/bundle-format.md。\n"
    return tuple(regions), comment


def _manifest(bundle: str, client: str, engagement: str,
              drafted: tuple[Regions, str] | None = None) -> str:
    tree, comment = drafted if drafted is not None else (SEED_REGIONS, _SEED_COMMENT)
    regions = []
    for rid, name, cities in tree:
        entry: dict[str, object] = {"id": rid, "name": name}
        if cities:
            entry["cities"] = [{"id": cid, "name": cname} for cid, cname in cities]
        regions.append(entry)
    tops = {rid for rid, _, _ in tree}
    audiences = {pop: {"days": days} for pop, days in SEED_AUDIENCES.items()}
    budgets = {rid: dict(days) for rid, days in SEED_BUDGETS.items() if rid in tops}
    return (
        "# 本项目的基本信息：客户、调研地区（省 → 地市）、各培训对象的课程天数。\n"
        + comment +
        f"bundle: {_scalar(bundle)}              # 英文短名，用作报告文件夹名\n"
        f"client: {_scalar(client)}\n"
        f"engagement: {_scalar(engagement)}\n"
        f"period: {dt.date.today():%Y-%m} 至 {dt.date.today():%Y-%m}   # 调研时间，自由填写\n"
        + _section("regions", regions, "每个地区可另写 client: 本地区的客户名称")
        + _section("audiences", audiences, "培训对象及其课程天数")
        + (_section("budgets", budgets, "可选：个别地区的课程天数（覆盖上面的天数）") if budgets else "")
    )


def _codebook() -> str:
    items = [{"id": iid, "column": column, "dimension": dim, "populations": [pop], "scale": scale,
              "reverse": reverse} for iid, column, dim, pop, scale, reverse in _ITEMS]
    head = {
        "columns": dict(_ID_COLUMNS),
        "ignore": list(_META_COLUMNS),
        "missing": ["", "(空)", "(跳过)", "不适用", "-3"],
        "scales": {
            "agree5": {"labels": {"非常不符合": 1, "不太符合": 2, "一般": 3, "比较符合": 4, "非常符合": 5}},
            "freq5": {"labels": {"从不": 1, "很少": 2, "有时": 3, "经常": 4, "总是": 5}},
        },
        "background": [dict(b) for b in _BACKGROUND],
    }
    reviews = {"scale": "agree5",
               "items": [{"id": rid, "text": text, "dimension": dim} for rid, text, dim in _REVIEW_ITEMS]}
    return (
        "# 问卷编码表（模板）：告诉 casekit 问卷导出文件的每一列是什么。\n"
        "# 下面每个培训对象 × 能力维度各有一道示例题（来自样例项目的问卷）；\n"
        "# 请按本项目实际问卷修改 items，column 必须与导出文件的表头完全一致，\n"
        "# 并同步修改 survey/responses.csv 的表头。拿到问卷星等平台的导出文件后，\n"
        "# 也可以用 casekit init 新文件夹 --from-export 导出文件.xlsx 从导出文件开始（自动起草编码表）。\n"
        + _dump(head)
        + _section("items", items, "量表题：每类培训对象 × 能力维度一道示例题")
        + _section("reviews_360", reviews, "360度评估的题目（reviews_360.csv 的 item_id 须是这里的 id）")
    )


def _survey_header() -> list[str]:
    return [*_META_COLUMNS, *_ID_COLUMNS.values(), *(b["column"] for b in _BACKGROUND),
            *(column for _, column, *_rest in _ITEMS)]


_NOTE = """\
---
id: N001
date: 2008-09-01
region: {region}
population: account_manager
interviewee: 客户经理AM001
method: interview
tags: [示例]
---
【模板，不参与分析】文件名以“_”开头的文件 casekit 一律不读。使用时请复制本文件，
改名为 N001.md（文件名即访谈编号，须与上面的 id 一致），修改上面的日期、地区、
受访者类别（account_manager 客户经理 / support_engineer 支撑人员 / sales_manager 销售主管）
和访谈方式，再把下面的示例换成真实的访谈记录。受访者只写编号，不写姓名。

问：最近一次拜访客户，你是怎么开场的？
答：先介绍我们新出的套餐，讲资费有多优惠。
"""


_README_HEAD = """\
# {engagement}：调研资料包

本文件夹是 casekit 的调研资料包（research bundle），由 `casekit init` 生成。
所有调研原始资料都放在这里；`casekit validate` 检查资料有没有问题，`casekit build` 生成各地区的调研报告。
格式的完整说明见 casekit 的 docs/bundle-format.md。

## 各文件的用途

| 文件 | 用途 |
|---|---|
"""

_README_ROWS = """\
| `notes/` | 访谈记录，一次访谈一个文件（.md / .txt / .docx）。`_示例访谈记录.md` 是模板，不参与分析。 |
| `ride_alongs.csv` | 工作随访记录，一次客户拜访一行（目前只有表头）。 |
| `reviews_360.csv` | 销售主管的360度评估，每位评价人 × 每道题一行（目前只有表头）。 |
| `catalogue/<地区id>.csv` | 各地区的本地产品目录，一个省级地区一个文件（目前只有表头）。 |

以 `_` 或 `.` 开头的文件和文件夹 casekit 不读（例如备份文件 `_manifest.bak-….yaml`）。
CSV 文件用 Excel 打开、填写后，请另存为“CSV UTF-8（逗号分隔）”。
"""

_README_TEMPLATE_ROWS = """\
| `manifest.yaml` | 项目基本信息：客户、调研地区（省 → 地市）、培训对象和课程天数。**其中的地区是样例项目的，请先改成本项目的地区。** |
| `codebook.yaml` | 问卷编码表：问卷导出文件每一列是什么题、属于哪个能力维度、用什么量表。现在是模板，每类培训对象每个维度一道示例题。 |
| `survey/responses.csv` | 问卷导出文件（目前只有表头）。可以换成问卷星等平台导出的 .xlsx / .csv 文件，表头须与编码表一致。 |
"""

_README_TEMPLATE_STEPS = """\
## 先填什么

1. `manifest.yaml`：客户名称、项目名称、调研时间和本项目的地区。
2. `codebook.yaml`：按实际问卷修改题目；同时修改 `survey/responses.csv` 的表头，或直接放入问卷平台的导出文件
   （也可以用 `casekit init 新文件夹 --from-export 导出文件.xlsx` 从导出文件开始，编码表会自动起草）。
3. 每次访谈后，把记录放进 `notes/`；随访、360度评估和产品目录随调研进度填写。
"""

_README_TAIL = """\

## 然后

```
casekit validate {folder}
casekit build {folder}
```

`casekit validate` 一次列出所有问题（哪个文件、第几行、哪一列、应该是什么、实际是什么）；
没有问题时显示“检查通过，没有发现问题”（其后的“注意”只是提醒，不是问题）。资料齐全后，`casekit build` 为每个地区生成调研报告。
"""


def _readme(engagement: str, folder: str, draft: BundleCodebook | None = None,
            exports: Sequence[str] = (), regions: tuple[Regions, str] | None = None) -> str:
    """``README.md``: the template's, or (``draft``) what was drafted from the exports and what to check."""
    if draft is None:
        return (_README_HEAD.format(engagement=engagement) + _README_TEMPLATE_ROWS + _README_ROWS + "\n"
                + _README_TEMPLATE_STEPS + _README_TAIL.format(folder=folder))
    survey = "、".join(f"`survey/{name}`" for name in exports)
    new_ids = regions is not None and any(rid.startswith(_NEW_REGION_ID.format("")) for rid, _, _ in regions[0])
    if regions is None:
        region_note = "**其中的地区是样例项目的，请改成本项目的地区。**"
    elif new_ids:
        region_note = ("其中的地区由问卷中的地名生成：请核对，**并把占位的 id（region_1 …）改成英文短名**"
                       "（同时改名 `catalogue/` 中对应的文件）。")
    else:
        region_note = "其中的地区由问卷中的地名生成（沿用样例项目的英文 id），请核对。"
    todo = len(draft.decisions)
    rows = (
        f"| `manifest.yaml` | 项目基本信息：客户、调研地区（省 → 地市）、培训对象和课程天数。{region_note} |\n"
        f"| `codebook.yaml` | 问卷编码表：导出文件每一列是什么题、问的是哪类人员、属于哪个能力维度、用什么量表。"
        f"由导出文件起草，{'还有 ' + str(todo) + ' 处须您选择（写作 TODO）' if todo else '已可使用，请核对'}。 |\n"
        f"| {survey} | {draft.platform_label}的问卷导出文件，**按下载时的原样保存，请勿修改**。"
        "同一份问卷以后再下载的文件（例如各地区分别下载的）也放在这里。 |\n"
    )
    rid = draft.respondent_id.column
    lines = [
        "## 从问卷导出文件起草了什么",
        "",
        f"* 导出文件：{survey}（{draft.platform_label}，答卷 {draft.n_responses} 份），编码表中写作 "
        f"`platform: {draft.platform}`。",
        (f"* 答卷编号：「{rid.header.strip()}」列。随访记录和360度评估要用同一编号才能与问卷对应，"
         "理由和可改用的列见 `codebook.yaml` 中 `columns:` 下的注释。") if rid is not None else
        "* 答卷编号：导出中没有每份答卷各不相同的列，须您在 `codebook.yaml` 中填写（TODO）。",
        (f"* 地区：「{draft.region_column}」列，{len(draft.region_names)} 个地名已写入 `manifest.yaml`。")
        if draft.region_column is not None and regions is not None else
        (f"* 地区：「{draft.region_column}」列。" if draft.region_column is not None else
         "* 地区：没有找到地区列，须您在 `codebook.yaml` 中填写（TODO）。"),
        (f"* 岗位（培训对象）：「{draft.population_column}」列。" if draft.population_column is not None else
         "* 岗位（培训对象）：没有找到岗位列，须您在 `codebook.yaml` 中填写（TODO）。")
        + (f"其中「{'」「'.join(draft.unknown_populations[:8])}」不是本方法的培训对象"
           "（政企客户经理、支撑人员、销售管理人员），这些答卷会被 `casekit validate` 逐行列出。"
           if draft.unknown_populations else ""),
        f"* 量表题 {draft.n_items} 道：每道题的培训对象按回答过它的人确定；"
        + (f"{draft.n_mapped} 道的能力维度由题目写明，" if draft.n_mapped else "")
        + (f"{draft.n_items - draft.n_mapped} 道的能力维度须您选择。" if draft.n_items > draft.n_mapped
           else "全部由题目写明。"),
        f"* 背景题 {len(draft.background)} 道（{'、'.join(draft.background)}）。" if draft.background else
        "* 没有背景题（业绩完成率、年龄段等）。",
        f"* 不参与分析的列 {draft.n_ignored} 列（平台记录的信息、开放题、多选题等，见 `codebook.yaml` 的 ignore:）。",
        "* 360度评估的题目：样例项目的三道示例题，不来自导出文件，请换成本项目的。",
        "",
        "## 接下来",
        "",
        f"1. 运行 `casekit validate {folder}`：它列出 `codebook.yaml` 中每一处 TODO（第几行、可以选什么）。"
        "把 TODO 换成所选的值（例如 `dimension: 产品`），再运行，直到显示“检查通过”。",
        "2. 核对 `codebook.yaml` 中以 “# TODO” 开头的注释（量表的选项顺序和分值、数字的含义）；"
        "反向计分的题把 `reverse` 改为 `true`。",
        "3. `manifest.yaml`：客户名称、项目名称、调研时间，并核对地区。",
        "4. 每次访谈后，把记录放进 `notes/`；随访、360度评估和产品目录随调研进度填写。",
    ]
    return (_README_HEAD.format(engagement=engagement) + rows + _README_ROWS + "\n" + "\n".join(lines) + "\n"
            + _README_TAIL.format(folder=folder))


def skeleton_files(*, bundle: str = DEFAULT_BUNDLE, client: str = DEFAULT_CLIENT,
                   engagement: str = DEFAULT_ENGAGEMENT, folder: str = "FOLDER",
                   draft: BundleCodebook | None = None, exports: Sequence[str] = ()) -> dict[str, bytes]:
    """The files of a new bundle, by POSIX path relative to the bundle folder.

    Parameters
    ----------
    bundle : str
        ``manifest.yaml``'s ``bundle:`` (a file id: ASCII letters, digits, ``_ - .``).
    client, engagement : str
        ``manifest.yaml``'s ``client:`` and ``engagement:``.
    folder : str
        The folder as the consultant typed it, for the commands in ``README.md``.
    draft : BundleCodebook, optional
        A codebook drafted from exports: it replaces the template codebook, the manifest's
        regions are the places its region column names (:func:`regions_from_names`), the
        template ``survey/responses.csv`` is left out and ``README.md`` says what was drafted.
    exports : sequence of str
        The exports' names in ``survey/`` (with ``draft``), for ``README.md``; the exports
        themselves are not among the files returned.

    Returns
    -------
    dict of str to bytes
        Path → content; ``notes/`` and ``catalogue/`` each hold at least one file, ``survey/``
        too without ``draft``.
    """
    regions = None
    if draft is not None and draft.region_names:
        regions = regions_from_names(draft.region_names, draft.region_column or "所在地区")
    tree = regions[0] if regions is not None else SEED_REGIONS
    files = {
        "manifest.yaml": _manifest(bundle, client, engagement, regions).encode("utf-8"),
        "codebook.yaml": (_codebook() if draft is None else draft.text).encode("utf-8"),
        "ride_alongs.csv": _csv_header(_RIDE_ALONG_COLUMNS),
        "reviews_360.csv": _csv_header(_REVIEW_COLUMNS),
    }
    if draft is None:
        files["survey/responses.csv"] = _csv_header(_survey_header())
    for rid, _name, _cities in tree:
        files[f"catalogue/{rid}.csv"] = _csv_header(_CATALOGUE_COLUMNS)
    first = next((cities[0][1] if cities else name for _rid, name, cities in tree), "北京")
    files[NOTE_TEMPLATE] = _NOTE.format(region=first).encode("utf-8")
    shown = folder if " " not in folder else f'"{folder}"'
    files["README.md"] = _readme(engagement, shown, draft, exports, regions).encode("utf-8")
    return files


def init_bundle(folder: str | Path, *, client: str | None = None, engagement: str | None = None,
                force: bool = False, exports: Sequence[str | Path] = ()) -> Skeleton:
    """Write a new engagement's bundle skeleton into ``folder``; it passes ``casekit validate``.

    Parameters
    ----------
    folder : str or Path
        The bundle folder: absent or empty (or holding only ``exports``), or (with ``force``)
        anything.
    client, engagement : str, optional
        The client's and the project's name in ``manifest.yaml`` (default: placeholders to edit).
    force : bool, default False
        Write into a folder that is not empty. A file the consultant changed is kept beside it as
        ``_<stem>.bak-<YYYYmmdd-HHMMSS><suffix>`` before it is replaced; a file still as casekit
        wrote it is replaced; files the skeleton does not have are left alone, except those an
        earlier ``init`` wrote that no longer belong (see :attr:`Skeleton.removed`).
    exports : sequence of str or Path, optional
        Questionnaire exports as downloaded (one questionnaire: several files must have the same
        columns); a folder gives the exports in it, a wildcard pattern the files it matches. They are copied into ``survey/`` unchanged and ``codebook.yaml`` is drafted
        from them (:func:`casekit.intake.export_codebook.draft_bundle_codebook`); ``casekit
        validate`` then lists only the ``TODO`` decisions left (:attr:`Skeleton.draft`).

    Returns
    -------
    Skeleton

    Raises
    ------
    FolderNotEmptyError
        ``folder`` is a file, or a folder that is not empty and ``force`` is False; nothing was written.
    SurveyFileError
        An export cannot be read, is not a questionnaire with rating-scale questions, or the
        exports are not one questionnaire; nothing was written.
    LinkedOutputError
        A file or sub-folder to be written is a symbolic link.
    OutputError
        A file cannot be written (a folder this call created is removed again).
    """
    root = Path(folder).expanduser()
    if root.exists() and not root.is_dir():
        raise FolderNotEmptyError(f"{str(root)!r} 是一个文件，不是文件夹：请换一个文件夹名")
    sources: list[Path] = []
    if exports:  # a pattern (PowerShell passes 导出\*.xlsx unexpanded) or a folder: its exports
        sources, unmatched = expand_paths([Path(e).expanduser() for e in exports], EXPORT_SUFFIXES)
        absent = [u.rsplit(": ", 1)[0] for u in unmatched] + [str(e) for e in sources if not e.exists()]
        if absent:
            raise SurveyFileError([Problem(name, None, None, "问卷导出文件（"
                                           f"{'、'.join(EXPORT_SUFFIXES)}），或含有导出文件的文件夹、通配符",
                                           "没有这样的文件") for name in absent])
    given = {Path(os.path.abspath(e)) for e in sources}
    if not force and root.is_dir() and any(Path(os.path.abspath(p)) not in given for p in root.iterdir()):
        raise FolderNotEmptyError(
            f"文件夹 {str(root)!r} 不是空的，没有写入任何文件：请指定一个新的或空的文件夹；"
            "如确要在其中重新生成，请加 --force（被替换的文件会先备份为 _<文件名>.bak-<时间>）")
    bundle = root.resolve().name
    if not bundle or file_id_problem(bundle) is not None:
        bundle = DEFAULT_BUNDLE
    # everything that can fail on the input happens before the first write
    draft, copies = None, {}
    if sources:
        export = read_exports(sources)
        names = [stored_name(e) for e in sources]
        draft = draft_bundle_codebook(export, names)
        for name, path in zip(names, sources):
            try:
                copies[f"survey/{name}"] = path.read_bytes()
            except OSError as exc:  # it was just read: only a file removed meanwhile
                raise SurveyFileError([Problem(Path(path).name, None, None, "a readable file",
                                               exc.strerror or str(exc))]) from None
    files = skeleton_files(bundle=bundle, client=(client or "").strip() or DEFAULT_CLIENT,
                           engagement=(engagement or "").strip() or DEFAULT_ENGAGEMENT, folder=str(folder),
                           draft=draft, exports=[rel.split("/", 1)[1] for rel in copies])
    files.update(copies)
    created = not root.exists()
    stale = [rel for rel in written_files(root) if _skeleton_path(rel) and rel not in files] if root.is_dir() else []
    check_no_links([root / rel for rel in (*files, *stale)], root)
    written, unchanged, backups, removed = [], [], [], []
    try:
        root.mkdir(parents=True, exist_ok=True)
        for rel, data in files.items():
            saved = save_editable(root / rel, data, force=True, root=root)
            (written if saved.changed else unchanged).append(rel)
            if saved.backup is not None:
                backups.append(saved.backup)
        for rel in stale:  # an earlier init's file the new skeleton does not have
            existed = (root / rel).is_file()
            if remove_if_unedited(root / rel, root=root):  # also forgets a file gone meanwhile
                if existed:
                    removed.append(rel)
            elif existed:  # changed by the consultant: kept, out of the readers' way
                target = backup_path(root / rel)
                os.replace(root / rel, target)
                backups.append(target)
                remove_if_unedited(root / rel, root=root)  # gone now: forgotten by the ledger
    except BaseException:
        if created:  # no half bundle: a folder this call made goes again
            shutil.rmtree(root, ignore_errors=True)
        raise
    return Skeleton(root, tuple(written), tuple(unchanged), tuple(backups), tuple(removed), draft)


def _skeleton_path(rel: str) -> bool:
    """Whether ``rel`` is a path some skeleton has (so a later ``init --force`` may remove it)."""
    return rel == "survey/responses.csv" or (rel.startswith("catalogue/") and rel.endswith(".csv"))


def placeholders_left(manifest: Manifest) -> list[str]:
    """What of the skeleton's example a consultant has not replaced yet, in words (Chinese).

    ``casekit validate`` prints these as notices: a bundle with them is valid (it loads), but its
    reports would be titled "客户名称（请修改）" and cover the seed's regions.

    Parameters
    ----------
    manifest : Manifest
        The bundle's manifest.

    Returns
    -------
    list of str
        One sentence per placeholder left (the client, the engagement, the seed's example
        regions unless the bundle is the sample, whose regions they are); empty when none is.
    """
    left = []
    if manifest.client == DEFAULT_CLIENT:
        left.append(tr(f"manifest.yaml 的客户名称（client）还是示例“{DEFAULT_CLIENT}”",
                       f"manifest.yaml's client is still the example {DEFAULT_CLIENT!r}"))
    if manifest.engagement == DEFAULT_ENGAGEMENT:
        left.append(tr(f"manifest.yaml 的项目名称（engagement）还是示例“{DEFAULT_ENGAGEMENT}”",
                       f"manifest.yaml's engagement is still the example {DEFAULT_ENGAGEMENT!r}"))
    sample = "（样例）" in (manifest.client or "")  # the sample bundle: its regions are the seed's
    if not sample and set(manifest.top_level_ids()) == {rid for rid, _, _ in SEED_REGIONS}:
        names = "、".join(name for _, name, _ in SEED_REGIONS)
        left.append(tr(f"manifest.yaml 的地区与 casekit init 写入的样例地区相同（{names}）：如本项目不是这些地区，"
                       "请换成本项目的地区",
                       f"manifest.yaml's regions are the example regions casekit init wrote ({names}): unless "
                       "this engagement covers exactly these, replace them with its own"))
    return left
