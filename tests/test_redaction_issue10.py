"""Issue 10: hostile shapes of names, ids, Word packages and encodings in notes nobody here wrote.

Each test is a reproducer from the issue: before the fix the wrong span was replaced (恒瑞达商贸
〔企业B〕公司, 〔丙〕清), names and ids passed untouched, ordinary nouns became companies, a Word
file's comments, headers and properties kept names and phone numbers, and a GBK note came back
as UTF-8.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from casekit.cli import main
from casekit.intake.redaction import Redactor, encode_like, read_document, write_redacted

ISSUE_NOTE = (
    "恒瑞达商贸有限责任公司是园区里最大的一家，司马婉清是他们的行政主管，她说集团下面还有恒瑞达科技有限公司"
    "和恒瑞达物流有限公司。隔壁鑫源达物流有限公司对接的是李娜，微信号 lina13831167788。"
    "下一步先给恒瑞达商贸做方案，恒瑞达那边等预算，恒瑞达科技的网管问了价格。"
)


def _by_original(text: str) -> dict[str, str]:
    return {f.original: f.replacement for f in Redactor().redact(text).findings}


# ----------------------------------------------------------------------------- companies


def test_the_issue_note_is_redacted_whole():
    redacted = Redactor().redact(ISSUE_NOTE).text
    for secret in ("恒瑞达", "鑫源达", "司马", "婉清", "李娜", "13831167788", "lina"):
        assert secret not in redacted
    assert "〔企业A〕商贸有限责任公司是园区里" in redacted  # the whole legal name, one span
    assert "〕清" not in redacted


def test_one_company_keeps_one_pseudonym_through_its_short_forms():
    found = _by_original(ISSUE_NOTE)
    trading, tech, logistics = (found[n] for n in ("恒瑞达商贸有限责任公司", "恒瑞达科技有限公司", "恒瑞达物流有限公司"))
    assert trading == "〔企业A〕商贸有限责任公司" and tech == "〔企业B〕科技有限公司"
    assert logistics == "〔企业C〕物流有限公司" and found["鑫源达物流有限公司"] == "〔企业D〕物流有限公司"
    assert found["恒瑞达商贸"] == "〔企业A〕商贸"
    assert found["恒瑞达科技"] == "〔企业B〕科技"


def test_an_ambiguous_short_form_is_the_company_written_last_before_it():
    text = "恒瑞达商贸有限公司和恒瑞达科技有限公司是兄弟公司。恒瑞达说要等。恒瑞达科技的网管也说恒瑞达要等。"
    redacted = Redactor().redact(text).text
    assert redacted == ("〔企业A〕商贸有限公司和〔企业B〕科技有限公司是兄弟公司。〔企业B〕说要等。"
                        "〔企业B〕科技的网管也说〔企业B〕要等。")
    assert "恒瑞达" not in Redactor().redact("恒瑞达商贸有限公司。后来恒瑞达签了。").text


def test_short_forms_are_known_in_later_notes_and_runs(tmp_path):
    (tmp_path / "_private").mkdir()
    first = Redactor.from_bundle(tmp_path)
    assert first.redact("宝泰隆钢材有限公司想装视频看店。").text == "〔企业A〕钢材有限公司想装视频看店。"
    assert first.redact("宝泰隆的老板下周答复。").text == "〔企业A〕的老板下周答复。"
    first.save()
    again = Redactor.from_bundle(tmp_path)  # a new run: the pseudonym table teaches the short forms
    assert again.redact("宝泰隆钢材那边还没回。").text == "〔企业A〕钢材那边还没回。"


def test_a_place_prefix_belongs_to_the_name():
    found = _by_original("佛山市南海区顺德隆五金制品有限公司有三个车间，顺德隆五金的冼总说……")
    assert found["佛山市南海区顺德隆五金制品有限公司"] == "〔企业A〕五金制品有限公司"
    assert found["顺德隆五金"] == "〔企业A〕五金"


def test_one_hotel_with_and_without_a_leading_word_is_one_company():
    redactor = Redactor()
    result = redactor.redact("上次去的金桂园酒店，前台说要找老板。金桂园酒店的老板不在。")
    assert result.text == "上次去的〔企业A〕酒店，前台说要找老板。〔企业A〕酒店的老板不在。"
    assert redactor.redact("昨天约好的金桂园酒店没见到人。").text == "昨天约好的〔企业A〕酒店没见到人。"


@pytest.mark.parametrize(
    "text",
    ["客户大多是主机厂的配套商和船代公司", "船代公司一般十来个人", "客户没说到医院的事", "我们去了医院",
     "上次说的超市", "主机厂自己有信息部门"],
)
def test_ordinary_nouns_and_phrases_are_not_companies(text):
    assert Redactor().redact(text).findings == ()


# ----------------------------------------------------------------------------- people


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("司马婉清是行政主管", "〔甲〕是行政主管"),
        ("欧阳振华（总经理）", "〔甲〕（总经理）"),
        ("负责人：皇甫建明", "负责人：〔甲〕"),
        ("诸葛亮亮是华冠的IT", "〔甲〕是华冠的IT"),
        ("信息科禤科长接待", "信息科〔甲〕科长接待"),
        ("跟韦主任吃饭，老莫也在", "跟〔甲〕主任吃饭，老〔乙〕也在"),
        ("岑工管机房，甘局打电话来", "〔甲〕工管机房，〔乙〕局打电话来"),
        ("让小覃明天送过去", "让小〔甲〕明天送过去"),
        ("农经理、麦总、冼老师、佘主任、邝经理", "〔甲〕经理、〔乙〕总、〔丙〕老师、〔丁〕主任、〔戊〕经理"),
        ("渔具店老板姓禤", "渔具店老板姓〔甲〕"),
        ("| 区经理 | 午市很忙 |", "| 〔甲〕经理 | 午市很忙 |"),
        ("对接的是李娜，她说", "对接的是〔甲〕，她说"),
        ("新来的叫卓文静", "新来的叫〔甲〕"),
        ("回头找席总谈", "回头找〔甲〕总谈"),
    ],
)
def test_rare_and_compound_surnames_and_bare_names(text, expected):
    assert Redactor().redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    ["王牌产品要讲透", "大家都很高兴", "黄页业务周末也能办", "客户觉得方便", "常常有人问", "明天的文件发没发",
     "片区经理登记过", "语文老师", "客户和经理商量", "和经理商量", "从老师那里学的", "文件柜", "社区主任", "金牌客户经理", "老客户介绍的",
     "高兴的是方案过了", "方便面", "时间"],
)
def test_common_words_that_begin_with_a_surname_stay(text):
    assert Redactor().redact(text).findings == ()


def test_the_surname_list_is_data_in_the_package():
    from casekit.privacy.redaction import names as redaction

    assert {"禤", "覃", "韦", "莫", "蒙", "黎", "岑", "甘", "农", "麦", "冼", "佘", "邝"} <= redaction.SURNAMES_1
    assert "区" in redaction.SURNAMES_IN_CONTEXT
    assert {"司马", "欧阳", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
            "令狐", "澹台", "端木", "申屠"} <= set(redaction.SURNAMES_2)
    # the sets are read from the package's data file, not written into the code
    from importlib.resources import files

    data = files("casekit.privacy.redaction").joinpath("surnames.txt").read_text(encoding="utf-8")
    words = {w for line in data.splitlines() for w in line.split("#", 1)[0].split()
             if not (w.startswith("[") and w.endswith("]"))}
    chars = set("".join(words))
    assert redaction.SURNAMES_1 | redaction.SURNAMES_IN_CONTEXT <= chars
    assert set(redaction.SURNAMES_2) <= words


# ----------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("text", "original", "kind"),
    [
        ("微信号 lina13831167788", "lina13831167788", "wechat"),
        ("微信：wen_13933126688", "wen_13933126688", "wechat"),
        ("vx：xiaojuan2008", "xiaojuan2008", "wechat"),
        ("VX: li_zhuren0757", "li_zhuren0757", "wechat"),
        ("wx hb_zhang-lei", "hb_zhang-lei", "wechat"),
        ("加我 zhang13912345678 就行", "zhang13912345678", "wechat"),
        ("wx 18633127799", "18633127799", "mobile"),
        ("QQ：873421905", "873421905", "qq"),
    ],
)
def test_wechat_and_qq_ids(text, original, kind):
    assert [(f.original, f.kind) for f in Redactor().redact(text).findings] == [(original, kind)]


@pytest.mark.parametrize("text", ["微信同号", "微信上找她", "宽带账号 hb0312345678", "型号DS-2CD3T46"])
def test_what_is_not_an_id(text):
    assert Redactor().redact(text).findings == ()


# ----------------------------------------------------------------------------- Word packages

SECRETS = ("司马婉清", "13931185522", "王经理", "0311-86012345", "恒瑞达", "wang@hx-hotel.cn", "张建国", "禤科长")


def _hostile_docx(path: Path) -> None:
    """A note whose name and phone number sit in every part of the package that holds text."""
    import docx

    document = docx.Document()
    document.add_paragraph("随访恒瑞达商贸有限公司，司马婉清手机 13931185522。")
    document.add_paragraph("正文没有个人信息。")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "禤科长 0311-86012345"
    section = document.sections[0]
    section.header.paragraphs[0].text = "访谈对象：王经理 13931185522"
    section.footer.paragraphs[0].text = "记录人电话 0311-86012345"
    props = document.core_properties
    props.author, props.last_modified_by = "张建国", "张建国"
    props.title, props.subject, props.keywords = "恒瑞达访谈", "司马婉清", "王经理;13931185522"
    props.comments = "联系 wang@hx-hotel.cn"
    document.save(str(path))
    # comments, a footnote, a text box, a mailto link and the company property by hand
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    parts["word/comments.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments {w}>'
        '<w:comment w:id="0" w:author="张建国" w:initials="ZJG"><w:p><w:r><w:t>问司马婉清要 13931185522</w:t>'
        "</w:r></w:p></w:comment></w:comments>").encode()
    parts["word/footnotes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {w}>'
        '<w:footnote w:id="1"><w:p><w:r><w:t>王经理原话，电话 0311-86012345</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>").encode()
    body = parts["word/document.xml"].decode()
    textbox = ('<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
               "<w:p><w:r><w:t>便签：禤科长 13931185522</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>"
               "</w:pict></w:r></w:p>")
    link = ('<w:p><w:hyperlink xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            'r:id="rIdMail"><w:r><w:t>发邮件</w:t></w:r></w:hyperlink></w:p>')
    parts["word/document.xml"] = body.replace("<w:sectPr", textbox + link + "<w:sectPr", 1).encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdMail" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'hyperlink" Target="mailto:wang@hx-hotel.cn" TargetMode="External"/>'
        '<Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'comments" Target="comments.xml"/>'
        '<Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'footnotes" Target="footnotes.xml"/></Relationships>').encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.comments+xml"/><Override PartName="/word/footnotes.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>').encode()
    app = parts.get("docProps/app.xml", b"").decode()
    if "<Company>" not in app:
        app = app.replace("</Properties>", "<Company>恒瑞达商贸有限公司</Company><Manager>王经理</Manager></Properties>")
    parts["docProps/app.xml"] = app.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_every_part_of_a_word_package_is_redacted(tmp_path):
    source = tmp_path / "note.docx"
    _hostile_docx(source)
    with zipfile.ZipFile(source) as z:
        before = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert all(secret in before for secret in SECRETS)  # the reproducer holds every secret

    assert main(["redact", str(source), "--out", str(tmp_path / "out")]) == 0
    target = tmp_path / "out" / "note.docx"
    leaks = []
    with zipfile.ZipFile(target) as z:
        for name in z.namelist():
            text = z.read(name).decode("utf-8", "replace")
            leaks += [(name, s) for s in SECRETS if s in text]
            leaks += [(name, m) for m in re.findall(r"1[3-9]\d{9}", text)]
    assert leaks == []

    import docx

    redacted = docx.Document(str(target))  # still a Word document Word and python-docx open
    assert redacted.paragraphs[0].text == "随访〔企业A〕商贸有限公司，〔甲〕手机 〔手机号〕。"
    assert redacted.paragraphs[1].text == "正文没有个人信息。"
    assert redacted.core_properties.author == "" and redacted.core_properties.last_modified_by == ""
    assert redacted.core_properties.title == "〔企业A〕访谈"
    assert "〔手机号〕" in redacted.sections[0].header.paragraphs[0].text
    with zipfile.ZipFile(target) as z:
        comments = z.read("word/comments.xml").decode()
        assert "问〔甲〕要 〔手机号〕" in comments  # the same pseudonym as in the body


def test_read_document_of_a_docx_is_unchanged_by_the_package_redaction(tmp_path):
    source = tmp_path / "note.docx"
    _hostile_docx(source)
    assert "司马婉清" in read_document(source)


# ----------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("encoding", "prefix", "newline"),
    [("gb18030", b"", "\r\n"), ("gbk", b"", "\n"), ("utf-8", b"", "\n"), ("utf-8", b"\xef\xbb\xbf", "\r\n"),
     ("utf-16-le", b"\xff\xfe", "\r\n"), ("utf-16-be", b"\xfe\xff", "\n")],
)
def test_a_text_note_is_written_back_in_its_encoding(tmp_path, encoding, prefix, newline):
    note = tmp_path / "note.txt"
    note.write_bytes(prefix + newline.join(["刘校长电话 0311-86012345", "华夏宾馆的事"]).encode(encoding))
    out = tmp_path / "out"
    out.mkdir()
    target, result = write_redacted(note, out, Redactor())
    expected = prefix + newline.join(["〔甲〕校长电话 〔电话〕", "〔企业A〕宾馆的事"]).encode(
        "gb18030" if encoding == "gbk" else encoding)
    assert target.read_bytes() == expected
    assert result.text == "〔甲〕校长电话 〔电话〕\n〔企业A〕宾馆的事"


def test_encode_like_keeps_gbk_readable_by_gbk():
    data = encode_like("〔甲〕经理说", "王经理说".encode("gbk"))
    assert data.decode("gbk") == "〔甲〕经理说"


def test_a_zip_bomb_posing_as_a_docx_is_refused_without_expanding_it(tmp_path):
    """Run guarded: a subprocess limited to 2 GB of address space and 120 s."""
    import subprocess
    import sys

    bomb = tmp_path / "bomb.docx"
    script = f"""
import resource, zipfile
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
with zipfile.ZipFile({str(bomb)!r}, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("word/document.xml", "<w:document/>")
    with z.open("word/comments.xml", "w", force_zip64=True) as member:
        block = b"\\0" * 2**20
        for _ in range(300):
            member.write(block)
from casekit.cli import main
raise SystemExit(main(["redact", {str(bomb)!r}, "--out", {str(tmp_path / "out")!r}]))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent.parent)
    assert done.returncode == 1, done.stderr
    assert re.search(r"bomb\.docx: cannot read it \(.*would expand to 300 MB, more than 256 MB", done.stderr)
    assert not (tmp_path / "out" / "bomb.docx").exists()


def test_redaction_is_deterministic():
    first, second = Redactor().redact(ISSUE_NOTE), Redactor().redact(ISSUE_NOTE)
    assert first == second


def test_a_docx_part_that_cannot_be_parsed_is_refused_not_copied(tmp_path, capsys):
    import docx

    source = tmp_path / "note.docx"
    docx.Document().save(str(source))
    with zipfile.ZipFile(source, "a") as z:
        z.writestr("word/comments.xml", "<w:comments><w:p>王经理 13931185522</w:comments>")
    assert main(["redact", str(source), "--out", str(tmp_path / "out")]) == 1
    assert re.search(r"note\.docx: cannot read it \(its part word/comments\.xml is not well-formed XML",
                     capsys.readouterr().err)
    assert not (tmp_path / "out" / "note.docx").exists()


# ------------------------------------------------------------- the probe's roster (findings 2)

SAMPLE_ROSTER = ("kind,name,aliases\ncompany,华夏宾馆,\ncompany,金麦穗面包房,\ncompany,明大地产,\n"
                 "company,康明灯具厂,康明灯具\ncompany,惠万家超市,\nperson,郝建平,郝总;老郝\n"
                 "person,龚丽华,龚姐\nperson,詹志远,\n")
PROBE_NOTE = "郝建平说康明灯具那边和惠万家超市都在谈，老郝很着急。"


def _broken_roster() -> str:
    """The probe's roster: a quote opened on row 4 and closed on row 7 swallowed rows 5 and 6."""
    lines = SAMPLE_ROSTER.splitlines()
    lines[3] = 'company,"明大地产,'
    lines[6] = 'person,郝建平,郝总;老郝"'
    return "\n".join(lines) + "\n"


def test_a_quote_spanning_roster_rows_is_reported_with_both_lines(mini_copy, capsys):
    root = mini_copy({"_private/roster.csv": _broken_roster()})
    assert main(["validate", str(root)]) == 1
    err = capsys.readouterr().err
    expected = 'expected a closing quote (") for each quoted cell, on the same line (one row per line)'
    assert f"_private/roster.csv, row 4: {expected}, found 'an unbalanced quote in: company,\"明大地产,'" in err
    assert f"_private/roster.csv, row 7: {expected}, found 'an unbalanced quote in: person,郝建平,郝总;老郝\"'" in err


def test_an_unclosed_quote_on_the_roster_s_last_line_is_reported(mini_copy, capsys):
    root = mini_copy({"_private/roster.csv": SAMPLE_ROSTER + 'person,"赵六\n'})
    assert main(["validate", str(root)]) == 1
    assert "_private/roster.csv, row 10: expected a closing quote" in capsys.readouterr().err
    root = mini_copy({"_private/roster.csv": SAMPLE_ROSTER + 'person,"赵六'})  # no line end either
    assert main(["validate", str(root)]) == 1
    assert "_private/roster.csv, row 10: expected a closing quote" in capsys.readouterr().err


def test_a_broken_roster_stops_the_redaction_and_the_build(mini_copy, capsys):
    from casekit.exceptions import BundleValidationError
    from casekit.intake import load_bundle

    root = mini_copy({"_private/roster.csv": _broken_roster()})
    note = root / "probe.md"
    note.write_text(PROBE_NOTE, encoding="utf-8")
    assert main(["redact", str(note), "--bundle", str(root)]) == 1
    out, err = capsys.readouterr()
    assert "郝建平" not in out and "_private/roster.csv, row 4" in err and "row 7" in err
    with pytest.raises(BundleValidationError, match=r"_private/roster\.csv, row 4: expected a closing quote"):
        load_bundle(root)
    with pytest.raises(BundleValidationError, match=r"row 7"):
        Redactor.from_bundle(root)


def test_the_rows_between_two_broken_ones_are_still_read(tmp_path):
    from casekit.exceptions import BundleValidationError
    from casekit.intake.roster import private_problems

    (tmp_path / "_private").mkdir()
    (tmp_path / "_private" / "roster.csv").write_text(_broken_roster(), encoding="utf-8")
    assert [p.row for p in private_problems(tmp_path)] == [4, 7]  # rows 5 and 6 are fine
    with pytest.raises(BundleValidationError):
        Redactor.from_bundle(tmp_path)


@pytest.mark.parametrize(("row", "column", "match"), [
    ("person,李,", "name", r"expected a name of at least two Chinese characters or three "
                           r"Latin letters \(a shorter one would be replaced inside ordinary words\), found '李'"),
    ("company,公司,", "name", r"expected a company's own name, not only legal-form or "
                             r"industry words \(公司, 有限公司, 集团, 医院 .*\), found '公司'"),
    ("company,有限公司,", "name", r"found '有限公司'"),
    ("company,集团,", "name", r"found '集团'"),
    ("company,医院,", "name", r"found '医院'"),
    ("company,物流有限公司,", "name", r"found '物流有限公司'"),
    ("company,华夏宾馆,宾馆", "aliases", r"expected a company's own name.*found '宾馆'"),
    ("person,王建国,王", "aliases", r"expected a name of at least two.*found '王'"),
    ("person,经理,", "name", r"expected a person's name, not a title or an ordinary word"),
    ("person,Li,", "name", r"expected a name of at least two Chinese characters or three Latin letters"),
])
def test_roster_names_too_short_or_generic_are_problems(mini_copy, capsys, row, column, match):
    root = mini_copy({"_private/roster.csv": f"kind,name,aliases\n{row}\n"})
    assert main(["validate", str(root)]) == 1
    err = capsys.readouterr().err
    assert re.search(rf"_private/roster\.csv, row 2, column '{column}': (.*){match}", err), err


def test_safe_roster_names_pass(mini_copy, capsys):
    roster = ("kind,name,aliases\ncompany,南宁市宏远（集团）有限公司,宏远\ncompany,恒通物流,恒通\n"
              "person,David Chen,陈大卫\nperson,郝建平,老郝;郝总\n")
    root = mini_copy({"_private/roster.csv": roster})
    assert main(["validate", str(root)]) == 0, capsys.readouterr().err


def test_a_one_character_roster_person_no_longer_over_redacts(tmp_path):
    from casekit.exceptions import BundleValidationError

    (tmp_path / "_private").mkdir()
    (tmp_path / "_private" / "roster.csv").write_text("kind,name,aliases\nperson,李,\ncompany,公司,\n",
                                                     encoding="utf-8")
    with pytest.raises(BundleValidationError, match=r"row 2.*'李'.*\n.*row 3.*'公司'"):
        Redactor.from_bundle(tmp_path)


# ------------------------------------------------------------ the probe's companies (finding 3)


def _sample_redactor() -> Redactor:
    from casekit.intake.roster import RosterEntry

    return Redactor([RosterEntry("company", "惠万家超市"), RosterEntry("company", "康明灯具厂", ("康明灯具",)),
                     RosterEntry("person", "郝建平", ("郝总", "老郝"))])


def test_a_conjunction_is_never_swallowed_into_a_company():
    assert _sample_redactor().redact(PROBE_NOTE).text == "〔甲〕说〔企业A〕那边和〔企业B〕超市都在谈，老〔甲〕很着急。"
    # without a roster: jieba glues 和惠 into one word; the conjunction still ends the name
    found = _by_original("康明灯具那边和惠万家超市都在谈")
    assert found == {"惠万家超市": "〔企业A〕超市"}


def test_a_roster_name_keeps_its_span_but_a_place_in_front_joins_it():
    redactor = _sample_redactor()
    assert redactor.redact("跟惠万家超市谈过").text == "跟〔企业A〕超市谈过"
    assert redactor.redact("南宁市惠万家超市的老板").text == "〔企业A〕超市的老板"
    assert redactor.redact("康明灯具厂的电工").text == "〔企业B〕厂的电工"


@pytest.mark.parametrize("bracket", ["（集团）", "(集团)"])
def test_a_bracketed_word_inside_a_legal_name(bracket):
    text = f"南宁市宏远{bracket}有限公司的采购说，宏远那边下月招标。"
    result = Redactor().redact(text)
    assert result.text == f"〔企业A〕{bracket}有限公司的采购说，〔企业A〕那边下月招标。"


def test_province_and_city_prefixes_and_industry_short_forms():
    text = "广西南宁恒达通信设备股份有限公司是老客户。后来恒达通信那边说再等等，恒达设备部也不急。"
    found = _by_original(text)
    assert found["广西南宁恒达通信设备股份有限公司"] == "〔企业A〕通信设备股份有限公司"
    assert found["恒达通信"] == "〔企业A〕通信"
    assert "恒达" not in Redactor().redact(text).text


@pytest.mark.parametrize(("text", "original", "replacement"), [
    ("张 伟经理说下周再谈", "张 伟经理", "〔甲〕经理"),
    ("约了李\n娜经理，她说要报价", "李\n娜经理", "〔甲〕经理"),
    ("欧阳 娜主任在", "欧阳 娜主任", "〔甲〕主任"),
    ("David Chen经理说预算够", "David Chen经理", "〔甲〕经理"),
    ("Tony总拍板了", "Tony总", "〔甲〕总"),
    ("联系人：David Chen，电话另给", "David Chen", "〔甲〕"),
])
def test_names_split_by_whitespace_or_written_in_latin_letters(text, original, replacement):
    assert _by_original(text) == {original: replacement}


@pytest.mark.parametrize("text", ["提高 效率说", "IT经理说", "Python老师讲", "HR总监", "今天 下午说"])
def test_look_alikes_of_broken_and_latin_names_stay(text):
    assert Redactor().redact(text).findings == ()


def test_roster_names_match_across_spaces_line_breaks_and_letter_case():
    from casekit.intake.roster import RosterEntry

    redactor = Redactor([RosterEntry("person", "张伟"), RosterEntry("person", "David Chen", ("陈大卫",))])
    redacted = redactor.redact("张 伟说了；客户是张\u3000伟；\n李\n和张\n伟。david  chen 和 陈 大卫是同一人，Davidson不是。")
    assert redacted.text == "〔甲〕说了；客户是〔甲〕；\n李\n和〔甲〕。〔乙〕 和 〔乙〕是同一人，Davidson不是。"
