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

Nothing is replaced silently: a folder that is not empty is refused
(:class:`FolderNotEmptyError`) unless ``force``; with ``force`` every file the consultant changed
is first kept beside it as ``_<name>.bak-<time><suffix>`` (:func:`casekit.safe_save.save_editable`,
which also writes atomically). Files of the folder that the skeleton does not have are never touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from casekit.exceptions import CasekitError
from casekit.file_ids import file_id_problem
from casekit.safe_save import check_no_links, save_editable

__all__ = [
    "DEFAULT_BUNDLE",
    "DEFAULT_CLIENT",
    "DEFAULT_ENGAGEMENT",
    "NOTE_TEMPLATE",
    "SEED_AUDIENCES",
    "SEED_BUDGETS",
    "SEED_REGIONS",
    "FolderNotEmptyError",
    "Skeleton",
    "init_bundle",
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
        Where files the consultant had changed were kept before being replaced (``force``).
    """

    folder: Path
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    backups: tuple[Path, ...]


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


def _manifest(bundle: str, client: str, engagement: str) -> str:
    regions = []
    for rid, name, cities in SEED_REGIONS:
        entry: dict[str, object] = {"id": rid, "name": name}
        if cities:
            entry["cities"] = [{"id": cid, "name": cname} for cid, cname in cities]
        regions.append(entry)
    audiences = {pop: {"days": days} for pop, days in SEED_AUDIENCES.items()}
    budgets = {rid: dict(days) for rid, days in SEED_BUDGETS.items()}
    return (
        "# 本项目的基本信息：客户、调研地区（省 → 地市）、各培训对象的课程天数。\n"
        "# 下面 regions 里的地区是样例项目（华北网通、南宁电信）的地区，仅作示例：\n"
        "# 请换成本项目的地区（id 用小写英文字母、数字和下划线，name 用中文名），\n"
        "# 并删去 budgets 中不再存在的地区。格式说明见 docs/bundle-format.md。\n"
        f"bundle: {_scalar(bundle)}              # 英文短名，用作报告文件夹名\n"
        f"client: {_scalar(client)}\n"
        f"engagement: {_scalar(engagement)}\n"
        f"period: {dt.date.today():%Y-%m} 至 {dt.date.today():%Y-%m}   # 调研时间，自由填写\n"
        + _section("regions", regions, "每个地区可另写 client: 本地区的客户名称")
        + _section("audiences", audiences, "培训对象及其课程天数")
        + _section("budgets", budgets, "可选：个别地区的课程天数（覆盖上面的天数）")
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
        "# 也可以用 casekit codebook draft 导出文件.xlsx 自动起草编码表。\n"
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
region: 北京
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


_README = """\
# {engagement}：调研资料包

本文件夹是 casekit 的调研资料包（research bundle），由 `casekit init` 生成。
所有调研原始资料都放在这里；`casekit validate` 检查资料有没有问题，`casekit build` 生成各地区的调研报告。
格式的完整说明见 casekit 的 docs/bundle-format.md。

## 各文件的用途

| 文件 | 用途 |
|---|---|
| `manifest.yaml` | 项目基本信息：客户、调研地区（省 → 地市）、培训对象和课程天数。**其中的地区是样例项目的，请先改成本项目的地区。** |
| `codebook.yaml` | 问卷编码表：问卷导出文件每一列是什么题、属于哪个能力维度、用什么量表。现在是模板，每类培训对象每个维度一道示例题。 |
| `survey/responses.csv` | 问卷导出文件（目前只有表头）。可以换成问卷星等平台导出的 .xlsx / .csv 文件，表头须与编码表一致。 |
| `notes/` | 访谈记录，一次访谈一个文件（.md / .txt / .docx）。`_示例访谈记录.md` 是模板，不参与分析。 |
| `ride_alongs.csv` | 工作随访记录，一次客户拜访一行（目前只有表头）。 |
| `reviews_360.csv` | 销售主管的360度评估，每位评价人 × 每道题一行（目前只有表头）。 |
| `catalogue/<地区id>.csv` | 各地区的本地产品目录，一个省级地区一个文件（目前只有表头）。 |

以 `_` 或 `.` 开头的文件和文件夹 casekit 不读（例如备份文件 `_manifest.bak-….yaml`）。
CSV 文件用 Excel 打开、填写后，请另存为“CSV UTF-8（逗号分隔）”。

## 先填什么

1. `manifest.yaml`：客户名称、项目名称、调研时间和本项目的地区。
2. `codebook.yaml`：按实际问卷修改题目；同时修改 `survey/responses.csv` 的表头，或直接放入问卷平台的导出文件。
3. 每次访谈后，把记录放进 `notes/`；随访、360度评估和产品目录随调研进度填写。

## 然后

```
casekit validate {folder}
casekit build {folder}
```

`casekit validate` 一次列出所有问题（哪个文件、第几行、哪一列、应该是什么、实际是什么）；
没有问题时显示 OK。资料齐全后，`casekit build` 为每个地区生成调研报告。
"""


def skeleton_files(*, bundle: str = DEFAULT_BUNDLE, client: str = DEFAULT_CLIENT,
                   engagement: str = DEFAULT_ENGAGEMENT, folder: str = "FOLDER") -> dict[str, bytes]:
    """The files of a new bundle, by POSIX path relative to the bundle folder.

    Parameters
    ----------
    bundle : str
        ``manifest.yaml``'s ``bundle:`` (a file id: ASCII letters, digits, ``_ - .``).
    client, engagement : str
        ``manifest.yaml``'s ``client:`` and ``engagement:``.
    folder : str
        The folder as the consultant typed it, for the commands in ``README.md``.

    Returns
    -------
    dict of str to bytes
        Path → content; ``survey/``, ``notes/`` and ``catalogue/`` each hold at least one file.
    """
    files = {
        "manifest.yaml": _manifest(bundle, client, engagement).encode("utf-8"),
        "codebook.yaml": _codebook().encode("utf-8"),
        "survey/responses.csv": _csv_header(_survey_header()),
        "ride_alongs.csv": _csv_header(_RIDE_ALONG_COLUMNS),
        "reviews_360.csv": _csv_header(_REVIEW_COLUMNS),
    }
    for rid, _name, _cities in SEED_REGIONS:
        files[f"catalogue/{rid}.csv"] = _csv_header(_CATALOGUE_COLUMNS)
    files[NOTE_TEMPLATE] = _NOTE.encode("utf-8")
    shown = folder if " " not in folder else f'"{folder}"'
    files["README.md"] = _README.format(engagement=engagement, folder=shown).encode("utf-8")
    return files


def init_bundle(folder: str | Path, *, client: str | None = None, engagement: str | None = None,
                force: bool = False) -> Skeleton:
    """Write a new engagement's bundle skeleton into ``folder``; it passes ``casekit validate``.

    Parameters
    ----------
    folder : str or Path
        The bundle folder: absent or empty, or (with ``force``) anything.
    client, engagement : str, optional
        The client's and the project's name in ``manifest.yaml`` (default: placeholders to edit).
    force : bool, default False
        Write into a folder that is not empty. A file the consultant changed is kept beside it as
        ``_<stem>.bak-<YYYYmmdd-HHMMSS><suffix>`` before it is replaced; a file still as casekit
        wrote it is replaced; files the skeleton does not have are left alone.

    Returns
    -------
    Skeleton

    Raises
    ------
    FolderNotEmptyError
        ``folder`` is a file, or a folder that is not empty and ``force`` is False; nothing was written.
    LinkedOutputError
        A file or sub-folder to be written is a symbolic link.
    OutputError
        A file cannot be written.
    """
    root = Path(folder).expanduser()
    if root.exists() and not root.is_dir():
        raise FolderNotEmptyError(f"{str(root)!r} 是一个文件，不是文件夹：请换一个文件夹名")
    if not force and root.is_dir() and any(root.iterdir()):
        raise FolderNotEmptyError(
            f"文件夹 {str(root)!r} 不是空的，没有写入任何文件：请指定一个新的或空的文件夹；"
            "如确要在其中重新生成，请加 --force（被替换的文件会先备份为 _<文件名>.bak-<时间>）")
    bundle = root.resolve().name
    if not bundle or file_id_problem(bundle) is not None:
        bundle = DEFAULT_BUNDLE
    files = skeleton_files(bundle=bundle, client=(client or "").strip() or DEFAULT_CLIENT,
                           engagement=(engagement or "").strip() or DEFAULT_ENGAGEMENT, folder=str(folder))
    root.mkdir(parents=True, exist_ok=True)
    check_no_links([root / rel for rel in files], root)
    written, unchanged, backups = [], [], []
    for rel, data in files.items():
        saved = save_editable(root / rel, data, force=True, root=root)
        (written if saved.changed else unchanged).append(rel)
        if saved.backup is not None:
            backups.append(saved.backup)
    return Skeleton(root, tuple(written), tuple(unchanged), tuple(backups))
