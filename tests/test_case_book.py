"""Case books: trainee and trainer editions, DOCX with East Asian fonts, course selection."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from casekit.authoring.case_book import (
    book_order,
    case_book_markdown,
    select_for_course,
    write_case_book_docx,
)
from casekit.authoring.cases import read_cases
from casekit.authoring.library import LibraryError, case_library, filter_library

LIBRARY = Path(__file__).parent / "fixtures" / "case_library"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


@pytest.fixture(scope="module")
def lib():
    return case_library(LIBRARY)


@pytest.fixture(scope="module")
def items():
    cases, _ = read_cases(LIBRARY)
    return {c.id: c for c in cases}


# -- a check of the fonts Word will use (no LibreOffice / Word here to look at the pages) ---------


def _east_asia_of(element) -> tuple[str | None, bool]:
    """(w:eastAsia of the element's rPr/rFonts, whether a theme attribute overrides it)."""
    rpr = element.find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    if rfonts is None:
        return None, False
    return rfonts.get(qn("w:eastAsia")), rfonts.get(qn("w:eastAsiaTheme")) is not None


def _style_east_asia(style) -> tuple[str | None, bool]:
    while style is not None:
        font, themed = _east_asia_of(style.element)
        if font or themed:
            return font, themed
        style = style.base_style
    return None, False


def east_asian_font_failures(path: Path) -> list[str]:
    """Every run holding Chinese text whose East Asian font is not set by the run or its styles.

    Word takes the font of Chinese characters from ``w:rFonts/@w:eastAsia`` of the run, else of
    the run's character style chain, else of the paragraph style chain; a ``w:eastAsiaTheme`` met
    first wins over all of them (the theme's font, often not a Chinese one).
    """
    doc = Document(str(path))
    paragraphs = list(doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += cell.paragraphs
    failures = []
    for p in paragraphs:
        for run in p.runs:
            if not CJK.search(run.text):
                continue
            font, themed = _east_asia_of(run._r)
            if not font and not themed and run.style is not None and run.style.type == 2:
                font, themed = _style_east_asia(run.style)
            if not font and not themed:
                font, themed = _style_east_asia(p.style)
            if themed or not font:
                failures.append(f"{p.style.name}: {run.text[:20]!r} font={font!r} themed={themed}")
    return failures


def _texts(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


# -- Markdown editions --------------------------------------------------------------------------


def test_trainee_edition_has_no_teaching_notes(items):
    text = case_book_markdown([items["hotel_monitoring"]], title="案例集")
    for heading in ("### 背景", "### 情境", "### 难题", "### 讨论问题"):
        assert heading in text
    assert "教学要点" not in text and "出处" not in text
    assert "服务质量" not in text  # a teaching note's words
    assert "结果：" not in text and "成功" not in text  # the outcome would spoil the discussion
    assert text.startswith("# 案例集\n") and "学员版" in text


def test_trainer_edition_has_teaching_notes_and_sources(items):
    text = case_book_markdown([items["hotel_monitoring"]], title="案例集", client="华北网通",
                              include_teaching_notes=True)
    assert "### 教学要点" in text and "**服务质量**" in text
    assert "### 出处" in text and "访谈 N001" in text
    assert "结果：成功" in text and "课程模块：基础篇 客户需求分析" in text
    assert "客户：华北网通" in text and "讲师版" in text


def test_roleplay_follows_its_case_with_role_cards(items):
    given = [items["rp_hotel_manager"], items["school_website"], items["hotel_monitoring"]]
    assert [i.id for i in book_order(given)] == ["school_website", "hotel_monitoring", "rp_hotel_manager"]
    text = case_book_markdown(given, title="案例集", include_teaching_notes=True)
    assert text.index("## 案例 2　保定某酒店") < text.index("## 角色扮演 2.1　第二次拜访酒店总经理")
    assert "配合案例：《保定某酒店的宽带监控" in text
    assert "### 角色卡：酒店总经理" in text and "投诉前台排队太久" in text
    assert "### 观察清单" in text and "- [ ] 是否先提问再介绍产品" in text
    no_cards = case_book_markdown(given, title="案例集", include_teaching_notes=True, role_cards=False)
    assert "角色卡" not in no_cards and "投诉前台排队太久" not in no_cards
    # trainees get the role-play's brief only: the cards are handed out one by one, in class
    trainee = case_book_markdown(given, title="案例集")
    assert "## 案例 1　保定某酒店" in trainee and "## 角色扮演 1.1　第二次拜访酒店总经理" in trainee
    assert "### 公开信息" in trainee
    assert "角色卡" not in trainee and "投诉前台排队太久" not in trainee and "观察清单" not in trainee
    assert "河北某民办学校" not in trainee  # a draft


def test_a_single_case_or_a_library_frame_is_accepted(lib, items):
    one = case_book_markdown(items["factory_broadband"], title="单个案例")
    assert "## 案例 1　石家庄某工厂的光纤专线" in one
    frame = filter_library(lib, industry="酒店")
    assert case_book_markdown(frame, title="t") == case_book_markdown(
        [items["hotel_monitoring"], items["rp_hotel_manager"]], title="t")


def test_module_marks_dropped_for_trainees_titled_for_trainers(items):
    case = items["hotel_monitoring"]
    sections = dict(case.sections)
    sections["教学要点"] += "\n- 提问的顺序〔模块：am_needs_basics〕"
    sections["难题"] += "〔模块：am_needs_basics〕"
    marked = type(case)(**{**{k: getattr(case, k) for k in ("id", "title", "region", "industry", "products",
                                                            "funnel_stage", "outcome", "roles", "modules",
                                                            "sources", "status")}, "sections": sections})
    trainee = case_book_markdown([marked], title="t")
    assert "〔模块" not in trainee and "am_needs_basics" not in trainee
    trainer = case_book_markdown([marked], title="t", include_teaching_notes=True)
    assert "〔模块：基础篇 客户需求分析〕" in trainer


# -- DOCX ---------------------------------------------------------------------------------------


def test_docx_reopens_with_chinese_text_and_east_asian_fonts(lib, tmp_path):
    path = write_case_book_docx(lib, tmp_path / "书" / "案例集.docx", title="政企客户经理销售培训 案例集",
                                client="华北网通", trainer=True)
    assert path.is_file()
    texts = _texts(path)
    assert texts[0] == "政企客户经理销售培训 案例集"
    assert "客户：华北网通" in texts and "讲师版" in texts
    assert any("总经理常驻北京总部" in t for t in texts)
    assert "教学要点" in texts
    assert east_asian_font_failures(path) == []
    # the styles themselves also name the East Asian font (text typed later in Word gets it too)
    doc = Document(str(path))
    for name in ("Normal", "Heading 1", "Heading 2"):
        assert _style_east_asia(doc.styles[name]) == ("宋体", False)


def test_docx_trainee_edition_and_page_breaks(lib, tmp_path):
    path = write_case_book_docx(select_for_course(lib, "account_manager"), tmp_path / "a.docx", title="案例集")
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert "教学要点" not in texts and "出处" not in texts and not any("服务质量" in t for t in texts)
    new_pages = [p.text for p in doc.paragraphs if p.paragraph_format.page_break_before]
    # reviewed cases only (the price-war role-play and the school are drafts), no role cards
    assert new_pages == [
        "目录",
        "案例 1　北京某专科医院的混合组网：价格战里丢掉的单子",
        "案例 2　保定某酒店的宽带监控：从“看店”到“管服务”",
        "角色扮演 2.1　第二次拜访酒店总经理",
    ]
    start = texts.index("目录")
    assert texts[start + 1:start + 4] == new_pages[1:]
    # the trainer edition: every case, role cards each on a page; a card holds only its role's information
    path = write_case_book_docx(select_for_course(lib, "account_manager"), tmp_path / "t.docx", title="案例集",
                                trainer=True)
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    new_pages = [p.text for p in doc.paragraphs if p.paragraph_format.page_break_before]
    assert new_pages == [
        "目录",
        "案例 1　北京某专科医院的混合组网：价格战里丢掉的单子",
        "角色扮演 1.1　信息科主任说“别家便宜两成”",
        "角色卡：客户经理",
        "角色卡：信息科主任",
        "案例 2　保定某酒店的宽带监控：从“看店”到“管服务”",
        "角色扮演 2.1　第二次拜访酒店总经理",
        "角色卡：客户经理",
        "角色卡：酒店总经理",
        "案例 3　河北某民办学校的商务领航与网站",
    ]
    card = texts.index("角色卡：酒店总经理")
    assert texts[card + 2:card + 4] == ["目标：弄清楚新方案和现在的监控有什么不同。",
                                        "私人信息：上个月一位重要客人投诉前台排队太久。"]
    assert "你的领导希望本月签约" not in "".join(texts[card:card + 4])
    assert east_asian_font_failures(path) == []


def test_docx_same_input_same_bytes(lib, items, tmp_path):
    a = write_case_book_docx(lib, tmp_path / "a.docx", title="案例集", trainer=True)
    b = write_case_book_docx(lib, tmp_path / "b.docx", title="案例集", trainer=True)
    assert a.read_bytes() == b.read_bytes()
    c = write_case_book_docx(list(items.values()), tmp_path / "c.docx", title="案例集", trainer=True)
    assert c.read_bytes() == a.read_bytes()  # a library frame or the cases: the same book
    with zipfile.ZipFile(a) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    assert write_case_book_docx(lib, tmp_path / "d.docx", title="案例集").read_bytes() != a.read_bytes()


def test_docx_overwrite_is_atomic(lib, tmp_path):
    path = tmp_path / "book.docx"
    write_case_book_docx(lib, path, title="旧标题")
    write_case_book_docx(lib, path, title="案例集")  # casekit's own earlier file is replaced
    assert Document(str(path)).paragraphs[0].text == "案例集"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".casekit-written.json", "book.docx"]  # no temporary file left


def test_docx_never_replaces_a_book_it_did_not_write(lib, tmp_path):
    from casekit.exceptions import EditedFileError

    path = tmp_path / "book.docx"
    path.write_bytes(b"old")
    with pytest.raises(EditedFileError, match=r"book\.docx was changed since casekit wrote it; not replaced \(use --force"):
        write_case_book_docx(lib, path, title="案例集")
    assert path.read_bytes() == b"old"
    write_case_book_docx(lib, path, title="案例集", force=True)
    assert Document(str(path)).paragraphs[0].text == "案例集"
    assert [p.read_bytes() for p in tmp_path.glob("_book.bak-*.docx")] == [b"old"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed: no rendering check")
def test_docx_renders_with_libreoffice(lib, tmp_path):
    """LibreOffice opens the book and lays it out: Chinese text survives, one page per break."""
    path = write_case_book_docx(lib, tmp_path / "book.docx", title="政企客户经理销售培训 案例集", trainer=True)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, timeout=180, capture_output=True)
    pdf = tmp_path / "book.pdf"
    assert pdf.stat().st_size > 0
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          timeout=60).stdout.decode("utf-8")
    assert "政企客户经理销售培训 案例集" in text and "总经理常驻北京总部" in text
    pages = [page for page in text.split("\f") if page.strip()]
    # cover, contents, 4 cases, 2 role-plays, 4 role cards
    assert len(pages) == 12
    assert pages[5].strip().startswith("角色卡：客户经理")


def test_font_check_catches_a_run_without_east_asian_font(tmp_path):
    doc = Document()
    doc.add_paragraph("没有设置中文字体")
    doc.save(str(tmp_path / "plain.docx"))
    assert east_asian_font_failures(tmp_path / "plain.docx")


# -- course selection ---------------------------------------------------------------------------


def test_select_for_course_orders_by_outline_then_id(lib):
    sel = select_for_course(lib, "政企客户经理")
    # am_transformation, am_needs_basics, am_industry_solutions; role-plays after their case
    assert list(sel["id"]) == ["hospital_price_war", "rp_price_war", "hotel_monitoring", "rp_hotel_manager",
                               "school_website"]
    assert list(sel["course_module"]) == ["am_transformation", "am_transformation", "am_needs_basics",
                                          "am_needs_basics", "am_industry_solutions"]
    assert sel.loc[0, "course_module_title"] == "电信的转型"


def test_select_for_course_other_populations_and_modules(lib):
    assert list(select_for_course(lib, "sales_manager")["id"]) == ["hospital_price_war"]
    assert list(select_for_course(lib, "支撑人员")["id"]) == ["factory_broadband"]
    only = select_for_course(lib, "account_manager", modules=["基础篇 客户需求分析"])
    assert list(only["id"]) == ["hotel_monitoring", "rp_hotel_manager"]
    with pytest.raises(LibraryError):
        select_for_course(lib, "account_manager", modules="se_mindset")  # another outline's module
    with pytest.raises(LibraryError):
        select_for_course(lib, "学生")


def test_select_for_course_ties_broken_by_id(lib):
    # two cases on the same module: by id
    frame = lib.copy()
    frame.attrs = dict(lib.attrs)
    frame["modules"] = [("am_transformation",) if i == "school_website" else m
                        for i, m in zip(frame["id"], frame["modules"])]
    sel = select_for_course(frame, "account_manager")
    assert list(sel["id"])[:3] == ["hospital_price_war", "rp_price_war", "school_website"]



# -- issue 13: the two editions of drafted cases --------------------------------------------------

SAMPLE = Path(__file__).parents[1] / "research_data" / "sample"


@pytest.fixture(scope="module")
def drafted(shared_sample_cases):
    # draft_case of each note with the sample's analysis, shared read-only (tests/conftest.py)
    return {n: shared_sample_cases[n] for n in ("N002", "N005", "N020", "N030")}


def reviewed(case):
    """The case as a consultant leaves it after filling in every gap and reviewing it."""
    def fill(text: str) -> str:
        return re.sub(r"【待补充：([^】]*)】", r"\1（已核实）", text)

    sections = {h: fill(t) for h, t in case.sections.items()}
    sections["待核实"] = "无"
    return type(case)(**{**case.__dict__, "title": fill(case.title), "outcome": case.outcome
                         if "待补充" not in case.outcome else "failure", "industry": case.industry
                         if "待补充" not in case.industry else "酒店", "funnel_stage": case.funnel_stage
                         if "待补充" not in case.funnel_stage else "销售拜访", "status": "reviewed",
                         "sections": sections})


def test_a_trainee_book_of_drafts_says_so_instead_of_being_empty(drafted, tmp_path):
    path = write_case_book_docx(list(drafted.values()), tmp_path / "案例集_学员.docx", title="案例集")
    text = "\n".join(_texts(path))
    assert "没有可以发给学员的案例" in text and "4 个案例都还是草稿" in text
    for leak in ("记录中的问题", "N002-02", "〔企业A〕", "【待补充", "案例 1", "推销方式错误"):
        assert leak not in text, leak
    md = case_book_markdown(list(drafted.values()), title="案例集")
    assert "没有可以发给学员的案例" in md and "【待补充" not in md


def test_the_trainee_book_holds_the_story_and_nothing_for_the_trainer(drafted, tmp_path):
    ready = [reviewed(drafted["N002"]), reviewed(drafted["N030"])]
    book = [*ready, drafted["N005"]]  # N005 is still a draft: not for trainees
    path = write_case_book_docx(book, tmp_path / "学员.docx", title="案例集")
    texts = _texts(path)
    text = "\n".join(texts)
    assert f"案例 1　{ready[0].title}" in texts and f"案例 2　{ready[1].title}" in texts
    assert drafted["N005"].title not in text
    for heading in ("背景", "人物", "经过", "难题", "讨论问题"):
        assert heading in texts
    hero = re.search(r"- (\S+?)：", ready[0].sections["人物"]).group(1)
    assert f"如果你是{hero}" in text
    for leak in ("教学笔记", "案例分析", "参考答案", "待核实", "出处", "N002", "N030", "推销方式错误（价格战）",
                 "没有挖掘需求", "只管结果不管过程", "〔", "【待补充", "三板斧", "顾问", "结果：", "编号"):
        assert leak not in text, leak
    assert east_asian_font_failures(path) == []


def test_the_trainer_book_adds_teaching_notes_answer_key_checks_and_sources(drafted, tmp_path):
    book = [reviewed(drafted["N002"]), drafted["N005"], drafted["N020"]]
    path = write_case_book_docx(book, tmp_path / "讲师.docx", title="案例集", trainer=True)
    texts = _texts(path)
    text = "\n".join(texts)
    for part in ("教学笔记", "案例概要", "学习目标", "讨论安排", "案例分析（参考答案）", "板书设计", "后来的情况",
                 "待核实", "出处"):
        assert part in texts, part
    assert "推销方式错误（价格战）" in text and "N002-02" in text
    assert text.count("（草稿：尚未审阅或还有待补充的内容，不会编入学员版）") == 2
    assert "案例类型：销售案例" in texts and "案例类型：支撑案例" in texts
    assert "〔企业" not in text  # the sources, too, carry the case's fictional names


def test_a_reviewed_case_with_a_reported_problem_stays_out_of_the_trainee_book(drafted, tmp_path, capsys):
    # a consultant marks a case reviewed but types a phone number and a real name into it: the
    # library reports it (casekit case list), and the trainee edition leaves it out and says so
    import shutil

    from casekit.authoring.cases import write_case
    from casekit.cli import main

    root = tmp_path / "b"
    shutil.copytree(SAMPLE, root)
    from casekit.authoring.case_book import trainee_cases
    from casekit.authoring.library import library_problems

    clean, leaky = reviewed(drafted["N005"]), reviewed(drafted["N002"])
    story = leaky.sections["经过"] + "\n\n后来华夏宾馆的王经理打来电话 13912345678。"
    leaky = type(leaky)(**{**leaky.__dict__, "sections": {**leaky.sections, "经过": story}})
    write_case(root, clean)
    write_case(root, leaky)
    library = case_library(root)
    assert any("13912345678" in str(p.found) for p in library_problems(library))
    assert [c.id for c in trainee_cases(library)] == [clean.id]
    out = tmp_path / "学员.docx"
    assert main(["case", "book", str(root), "--out", str(out), "--population", "account_manager"]) == 0
    text = "\n".join(_texts(out))
    assert "13912345678" not in text and "华夏宾馆" not in text
    assert clean.title in text
    assert f"未编入学员版：{leaky.id}" in capsys.readouterr().err
