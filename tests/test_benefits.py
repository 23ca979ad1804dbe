"""What a product does for each department: the phrasebook and the lookup order."""

from __future__ import annotations

import pytest

from casekit import domain
from casekit.authoring.benefits import BENEFIT_SOURCES, department_benefit, phrasebook
from casekit.authoring.cast import industry_cast
from casekit.authoring.toolbox import JARGON

GENERIC = industry_cast(None)
HOSPITAL = industry_cast("hospital")


def _generic(dep_id: str):
    return next(d for d in GENERIC.departments if d.maps_to == dep_id) if GENERIC.mapped(dep_id) else None


@pytest.mark.parametrize("product", list(domain.PRODUCTS))
def test_every_product_says_something_different_to_every_department(product):
    sentences = phrasebook()["generic"][product]
    assert set(sentences) == set(domain.CUSTOMER_DEPARTMENTS)
    texts = list(sentences.values())
    assert all(texts) and len(set(texts)) == len(texts)


def test_the_phrasebook_speaks_the_customers_language_and_names_known_things():
    book = phrasebook()
    every = [t for p in book["generic"].values() for t in p.values()]
    for industry, products in book["industries"].items():
        assert industry in domain.INDUSTRIES
        keys = {d.key for d in industry_cast(industry).departments} | set(domain.CUSTOMER_DEPARTMENTS)
        for product, sentences in products.items():
            assert product in domain.PRODUCTS
            assert set(sentences) <= keys, (industry, product, set(sentences) - keys)
            every += list(sentences.values())
    for text in every:
        assert not [w for w in JARGON if w.lower() in text.lower()], text
        assert "_" not in text and len(text) <= 60


def test_lookup_order_catalogue_then_industry_then_generic_then_catalogue_value():
    finance = _generic("finance")
    row = {"canonical_product": "business_navigator", "customer_value": "一句话说全部",
           "department_values": {"财务部": "月底对账省两天"}}
    own = department_benefit(row, finance)
    assert (own.text, own.source) == ("月底对账省两天", "catalogue")
    # keyed by id as well as by label
    assert department_benefit({**row, "department_values": {"finance": "省两天"}}, finance).text == "省两天"
    plain = department_benefit({**row, "department_values": None}, finance)
    assert plain.source == "phrasebook" and plain.text == phrasebook()["generic"]["business_navigator"]["finance"]
    assert not plain.needs_rewrite
    unknown = department_benefit({"canonical_product": "不存在的产品", "customer_value": "一句话说全部"}, finance)
    assert unknown.text == "一句话说全部" and unknown.needs_rewrite
    assert {plain.source, unknown.source} <= set(BENEFIT_SOURCES)


def test_a_hospital_hears_its_own_words_per_department():
    row = {"canonical_product": "crm_module", "customer_value": "老客户什么时候该回访，系统会提醒"}
    outpatient, pharmacy = HOSPITAL.department("outpatient"), HOSPITAL.department("pharmacy")
    assert outpatient.maps_to == pharmacy.maps_to == "operations"
    said = {d.key: department_benefit(row, d, "hospital").text for d in HOSPITAL.departments}
    assert len(set(said.values())) == len(said)  # six departments, six sentences
    assert "病人" in said["dean"] and "取药" in said["pharmacy"]
    # the label of the industry works too, and another industry hears the generic sentence
    assert department_benefit(row, outpatient, "医院").text == said["outpatient"]
    assert department_benefit(row, outpatient, "retail").text == phrasebook()["generic"]["crm_module"]["operations"]


def test_a_catalogues_own_department_sentences_are_read_checked_and_used(tmp_path):
    import csv
    import shutil

    from casekit.authoring.toolbox import build_toolbox
    from casekit.exceptions import BundleValidationError
    from casekit.intake import load_bundle
    from casekit.paths import SAMPLE_BUNDLE

    root = tmp_path / "bundle"
    shutil.copytree(SAMPLE_BUNDLE, root)
    path = root / "catalogue" / "nanning.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    at = next(i for i, r in enumerate(rows) if r["local_name"] == "视频看店")

    def write(cell: str) -> None:
        for i, r in enumerate(rows):
            r["department_values"] = cell if i == at else ""
        with path.open("w", encoding="utf-8", newline="") as f:
            out = csv.DictWriter(f, fieldnames=list(rows[0]))
            out.writeheader()
            out.writerows(rows)

    write("采购部：乱写一句；财务部")
    with pytest.raises(BundleValidationError) as caught:
        load_bundle(root)
    found = [p for p in caught.value.problems if p.column == "department_values"]
    assert [(p.file, p.row, p.found) for p in found] == [("catalogue/nanning.csv", at + 2, "采购部：乱写一句"),
                                                         ("catalogue/nanning.csv", at + 2, "财务部")]

    # a pasted page is not one department's sentence: refused, shown shortened with its length
    write("财务部：" + "省钱" * 5000)
    with pytest.raises(BundleValidationError) as caught:
        load_bundle(root)
    (long,) = [p for p in caught.value.problems if p.column == "department_values"]
    assert long.row == at + 2 and "10004 字" in long.found and len(long.found) < 100

    write("安保部：店里晚上进了人，手机马上响；总经理：丢货少了一半")
    toolbox = build_toolbox(load_bundle(root), "nanning")
    row = toolbox.product_departments.set_index("产品").loc["视频看店"]
    assert row["安保部"] == "店里晚上进了人，手机马上响" and row["总经理/决策层"] == "丢货少了一半"
    assert row["运营部"] == phrasebook()["generic"]["video_monitoring"]["operations"]  # not given: phrasebook


def test_a_generic_sentence_about_shops_or_orders_is_said_only_where_it_fits():
    from casekit.authoring.cast import industry_cast

    row = {"canonical_product": "mobile_c", "customer_value": "业务员在外面用手机就能查库存、报订单"}
    estate = industry_cast("real_estate").department("planning")
    trading = industry_cast("trading").mapped("sales_marketing")[0]
    assert "下订单" in department_benefit(row, trading, "trading").text
    told = department_benefit(row, estate, "real_estate")
    assert told.text == "" and not told.needs_rewrite  # empty rather than wrong


def test_one_sentence_per_need_the_catalogues_where_it_fits_best():
    from casekit.authoring.benefits import need_benefit

    row = {"canonical_product": "crm_module", "customer_value": "老客户什么时候该回访，系统会提醒，不再靠脑子记",
           "needs": ("customer_acquisition", "increase_revenue", "raise_efficiency")}
    said = {n: need_benefit(row, n) for n in row["needs"]}
    assert said["customer_acquisition"].text == row["customer_value"]
    assert len({b.text for b in said.values()}) == 3
    assert need_benefit(row, "security").text == ""  # the row does not list the need
