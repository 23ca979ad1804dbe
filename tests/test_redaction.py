"""Tests of the redaction of interview notes (casekit.intake.redaction, casekit.intake.roster).

The labelled set under ``tests/fixtures/pii/`` (``notes/P*.md``, ``labels.yaml``, ``roster.csv``)
measures recall per kind and precision; ``docs/redaction.md`` reports the figures.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from casekit.cli import main
from casekit.exceptions import BundleValidationError
from casekit.intake import validate_bundle
from casekit.intake.redaction import (
    Finding,
    Redaction,
    Redactor,
    id_check_digit_ok,
    read_document,
    redact_bundle_notes,
    redact_text,
)
from casekit.intake.roster import (
    PSEUDONYMS_FILE,
    ROSTER_FILE,
    read_pseudonyms,
    read_roster,
)
from casekit.paths import SAMPLE_BUNDLE

FIXTURES = Path(__file__).parent / "fixtures" / "pii"
#: Recall is measured per group: a mobile found as a landline still counts as found.
GROUP = {"mobile": "phone", "landline": "phone", "service_number": "phone"}


# ----------------------------------------------------------------------------- labelled set


def _labels() -> dict[str, dict]:
    return yaml.safe_load((FIXTURES / "labels.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fixture_redactor(tmp_path_factory: pytest.TempPathFactory) -> Redactor:
    root = tmp_path_factory.mktemp("pii_bundle")
    (root / "_private").mkdir()
    shutil.copy(FIXTURES / "roster.csv", root / ROSTER_FILE)
    return Redactor.from_bundle(root)


def _evaluate(redactor: Redactor, names: list[str] | None = None) -> dict:
    """Recall per kind group, precision, misses, false positives and lost distractors."""
    total: Counter[str] = Counter()
    found: Counter[str] = Counter()
    misses, false_positives, lost = [], [], []
    n_findings = n_true = 0
    for name, spec in _labels().items():
        if names is not None and name not in names:
            continue
        text = (FIXTURES / "notes" / name).read_text(encoding="utf-8")
        result = redactor.redact(text)
        covered = [False] * len(text)
        for f in result.findings:
            covered[f.start:f.end] = [True] * (f.end - f.start)
        spans = []
        for item in spec.get("pii") or []:
            string, group = item["string"], GROUP.get(item["kind"], item["kind"])
            start = text.find(string)
            assert start >= 0, f"{name}: label {string!r} is not in the note"
            while start >= 0:
                end = start + len(string)
                spans.append((start, end))
                total[group] += 1
                if all(covered[start:end]):
                    found[group] += 1
                else:
                    misses.append((name, item["kind"], string))
                start = text.find(string, end)
        for f in result.findings:
            n_findings += 1
            if any(f.start < e and s < f.end for s, e in spans):
                n_true += 1
            else:
                false_positives.append((name, f.kind, f.original))
        for keep in spec.get("keep") or []:
            assert keep in text, f"{name}: distractor {keep!r} is not in the note"
            if keep not in result.text:
                lost.append((name, keep))
    return {
        "recall": {k: found[k] / total[k] for k in total},
        "total": dict(total),
        "precision": n_true / n_findings,
        "n_findings": n_findings,
        "misses": misses,
        "false_positives": false_positives,
        "lost": lost,
    }


@pytest.fixture(scope="module")
def metrics(fixture_redactor: Redactor) -> dict:
    return _evaluate(fixture_redactor)


def test_the_labelled_set_is_big_enough():
    counts: Counter[str] = Counter()
    for name, spec in _labels().items():
        text = (FIXTURES / "notes" / name).read_text(encoding="utf-8")
        for item in spec.get("pii") or []:
            counts[item["kind"]] += text.count(item["string"])
    assert len(_labels()) >= 30
    numbers = sum(counts[k] for k in ("mobile", "landline", "service_number", "id_number", "email"))
    assert numbers >= 60
    assert counts["person"] >= 40
    assert counts["company"] >= 30
    assert counts["wechat"] >= 6


@pytest.mark.parametrize("group", ["phone", "id_number", "email", "qq", "wechat"])
def test_recall_of_numbers_and_emails(metrics, group):
    assert metrics["recall"][group] >= 0.98, [m for m in metrics["misses"] if GROUP.get(m[1], m[1]) == group]


def test_recall_of_person_names(metrics):
    assert metrics["recall"]["person"] >= 0.9, [m for m in metrics["misses"] if m[1] == "person"]


def test_recall_of_companies(metrics):
    # Names without a suffix (恒通物流) or with a conjunction in them (万和超市) need the roster.
    assert metrics["recall"]["company"] >= 0.85, [m for m in metrics["misses"] if m[1] == "company"]


def test_precision(metrics):
    assert metrics["precision"] >= 0.95, metrics["false_positives"]


def test_distractors_are_left_alone(metrics):
    assert metrics["lost"] == []


# ----------------------------------------------------------------------------- the sample


@pytest.fixture()
def sample_copy(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE_BUNDLE, root)
    return root


def _planted() -> list[dict]:
    truth = yaml.safe_load((SAMPLE_BUNDLE / "_ground_truth.yaml").read_text(encoding="utf-8"))
    return truth["pii"]


def test_redacting_the_sample_removes_every_planted_string(sample_copy):
    planted = _planted()
    assert len(planted) >= 14
    results = redact_bundle_notes(sample_copy)
    assert len(results) == len(list((sample_copy / "notes").glob("*.md")))
    leaks = [(f, e["string"]) for f, r in results.items() for e in planted if e["string"] in r.text]
    assert leaks == []
    # every planted string is found in the note the answer key names
    for entry in planted:
        originals = [f.original for f in results[entry["file"]].findings]
        assert any(entry["string"] in o for o in originals), entry


def test_the_sample_roster_is_used_and_holds_no_name_of_the_notes(sample_copy):
    roster = read_roster(sample_copy)
    companies = {e.name for e in roster if e.kind == "company"}
    assert companies == {e["string"] for e in _planted() if e["kind"] == "company"}
    text = "".join(p.read_text(encoding="utf-8") for p in (sample_copy / "notes").glob("*.md"))
    for entry in roster:
        if entry.kind == "person":
            assert all(form not in text for form in (entry.name, *entry.aliases))
    results = redact_bundle_notes(sample_copy, save=False)
    found = {f.original: f.confidence for r in results.values() for f in r.findings if f.kind == "company"}
    assert {name: found.get(name) for name in companies} == dict.fromkeys(companies, 1.0)


def test_pseudonyms_are_consistent_across_notes_and_stable_when_a_note_is_added(sample_copy):
    first = redact_bundle_notes(sample_copy)
    table = read_pseudonyms(sample_copy)
    assert table and (sample_copy / PSEUDONYMS_FILE).read_bytes().startswith(b"\xef\xbb\xbf")
    hotel = next(f.replacement for f in first["notes/N002.md"].findings if f.original == "华夏宾馆")
    manager = next(f.replacement for f in first["notes/N002.md"].findings if f.original == "王经理")

    # a new note, sorted first, naming a known company and person and a new company
    note = sample_copy / "notes" / "N000.md"
    note.write_text(
        "---\nid: N000\ndate: 2008-10-10\nregion: 石家庄\npopulation: account_manager\n"
        "interviewee: 客户经理AM030\nmethod: interview\ntags: [酒店]\n---\n"
        "又去了华夏宾馆，王经理说隔壁的福瑞达宾馆已经装了宽带监控。\n",
        encoding="utf-8",
    )
    second = redact_bundle_notes(sample_copy)
    assert hotel in second["notes/N000.md"].text and manager in second["notes/N000.md"].text
    for name, result in first.items():
        assert second[name].text == result.text  # nothing already redacted changes
    again = read_pseudonyms(sample_copy)
    assert again[: len(table)] == table  # appended, never renumbered
    assert [row[1] for row in again[len(table):]] == ["福瑞达宾馆"]
    assert validate_bundle(sample_copy) == []  # _private/ is ignored by validation


def test_a_redactor_without_bundle_numbers_per_run():
    assert redact_text("李总说了") == "〔甲〕总说了"
    assert redact_text("王总说了") == "〔甲〕总说了"
    redactor = Redactor()
    assert redactor.redact("李总和王总").text == "〔甲〕总和〔乙〕总"
    assert redactor.save() is None


# ----------------------------------------------------------------------------- detectors


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("13912345678", "mobile"),
        ("139-1234-5678", "mobile"),
        ("139 1234 5678", "mobile"),
        ("+86 139 1234 5678", "mobile"),
        ("+8613912345678", "mobile"),
        ("0086-139-1234-5678", "mobile"),
        ("１３９１２３４５６７８", "mobile"),
        ("0311-86012345", "landline"),
        ("(0311)86012345", "landline"),
        ("（0311）86012345", "landline"),
        ("0311 8601 2345", "landline"),
        ("010-12345678-802", "landline"),
        ("010-12345678转802", "landline"),
        ("0771-5381234", "landline"),
        ("+86-311-8601-2345", "landline"),
        ("400-810-0000", "service_number"),
        ("800 820 1234", "service_number"),
        ("4008-123-456", "service_number"),
        ("110108196807223010", "id_number"),
        ("13060319801125002X", "id_number"),
        ("130602 19750312 2410", "id_number"),
        ("wang.li@hx-hotel.com.cn", "email"),
    ],
)
def test_number_formats(text, kind):
    result = Redactor().redact(f"联系方式：{text}。")
    assert [(f.kind, f.original) for f in result.findings] == [(kind, text)]


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("座机 8601 2345", "8601 2345"),
        ("电话：5381234", "5381234"),
        ("身份证 130104850721331", "130104850721331"),
        ("身份证号 13030219851301002X", "13030219851301002X"),  # month 13: a typo, still an ID
    ],
)
def test_numbers_recognised_from_their_cue(text, original):
    assert [f.original for f in Redactor().redact(text).findings] == [original]


def test_an_id_check_digit_is_a_confidence_signal_not_a_gate():
    assert id_check_digit_ok("110108196807223010")
    assert not id_check_digit_ok("110108196807223011")
    valid, invalid = (Redactor().redact(n).findings[0] for n in ("110108196807223010", "110108196807223011"))
    assert valid.kind == invalid.kind == "id_number"
    assert valid.confidence > invalid.confidence


@pytest.mark.parametrize(
    "text",
    [
        "每月380元的套餐", "2008-09-12", "订单号 200809260000123456", "银行流水号 622848001234567890",
        "114查号", "10000号", "邮编050011", "客户经理AM034", "支撑人员SE010", "型号DS-2CD3T46",
        "中、小型医院", "这家超市", "酒店行业", "老板娘说", "院长自己算了一遍", "总经理办公会",
        "每周总结", "一小时以后", "老师们", "施工队", "张家口", "历史老师", "老方案", "马上就到",
        "商务领航", "宽带监控", "混合组网", "客户经理和支撑人员", "一家物流公司", "宽带账号 hb0312345678",
    ],
)
def test_distractors(text):
    assert Redactor().redact(text).findings == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("王经理嫌贵", "〔甲〕经理嫌贵"),
        ("找赵副院长签字", "找〔甲〕副院长签字"),
        ("欧阳主任说", "〔甲〕主任说"),
        ("小李和老张都去了", "小〔甲〕和老〔乙〕都去了"),
        ("老板姓胡，人很爽快", "老板姓〔甲〕，人很爽快"),
        ("联系人：王丽娟", "联系人：〔甲〕"),
        ("随访惠万家超市（三家连锁）", "随访〔企业A〕超市（三家连锁）"),
        ("康明灯具厂的李总", "〔企业A〕灯具厂的〔甲〕总"),
        ("宏达物流有限公司", "〔企业A〕物流有限公司"),
        ("和仁济医院长期合作", "和〔企业A〕医院长期合作"),
        ("华夏宾馆客房不多，华夏宾馆电话也少", "〔企业A〕宾馆客房不多，〔企业A〕宾馆电话也少"),
        ("康明灯具厂厂长", "〔企业A〕灯具厂厂长"),
    ],
)
def test_pseudonyms_keep_the_role(text, expected):
    assert Redactor().redact(text).text == expected


def test_findings_are_in_the_original_coordinates():
    text = "华夏宾馆王经理：１３９１２３４５６７８，邮箱 wang@hx.cn"
    result = Redactor().redact(text)
    assert isinstance(result, Redaction) and all(isinstance(f, Finding) for f in result.findings)
    rebuilt, pos = [], 0
    for f in result.findings:
        assert text[f.start:f.end] == f.original
        rebuilt += [text[pos:f.start], f.replacement]
        pos = f.end
    assert "".join(rebuilt) + text[pos:] == result.text
    assert result.counts() == {"mobile": 1, "email": 1, "person": 1, "company": 1}


def test_jieba_is_used_through_a_private_tokenizer():
    import jieba

    Redactor().redact("商务领航")
    assert "商务领航" not in getattr(jieba.dt, "user_word_tag_tab", {})


# ----------------------------------------------------------------------------- roster


def test_roster_names_and_aliases_share_one_pseudonym(tmp_path):
    (tmp_path / "_private").mkdir()
    (tmp_path / ROSTER_FILE).write_text(
        "kind,name,aliases\nperson,孙立新,孙处;老孙\ncompany,康泰医药连锁有限公司,康泰\n", encoding="utf-8"
    )
    redactor = Redactor.from_bundle(tmp_path)
    text = redactor.redact("孙立新说，老孙和孙处是一个人；康泰就是康泰医药连锁有限公司。").text
    assert text == "〔甲〕说，老〔甲〕和〔甲〕处是一个人；〔企业A〕就是〔企业A〕有限公司。"
    assert redactor.save() == tmp_path / PSEUDONYMS_FILE
    assert read_pseudonyms(tmp_path) == [
        ("person", "孙立新", "〔甲〕"), ("company", "康泰医药连锁有限公司", "〔企业A〕")]


def test_a_malformed_roster_is_reported_with_its_rows(tmp_path):
    (tmp_path / "_private").mkdir()
    (tmp_path / ROSTER_FILE).write_text("kind,name,aliases\nperson,王强,\nfriend,李四,\ncompany,,\n",
                                        encoding="utf-8")
    with pytest.raises(BundleValidationError, match=r"row 3, column 'kind': expected person or company"):
        read_roster(tmp_path)
    with pytest.raises(BundleValidationError, match=r"row 4, column 'name'"):
        Redactor.from_bundle(tmp_path)


def test_no_roster_means_patterns_only(tmp_path):
    assert read_roster(tmp_path) == [] and read_pseudonyms(tmp_path) == []
    assert Redactor.from_bundle(tmp_path).redact("王经理").text == "〔甲〕经理"


# ----------------------------------------------------------------------------- CLI


def test_cli_prints_a_redacted_note(capsys):
    assert main(["redact", str(SAMPLE_BUNDLE / "notes" / "N002.md")]) == 0
    captured = capsys.readouterr()
    assert "华夏宾馆" not in captured.out and "〔企业A〕宾馆" in captured.out
    assert "N002.md：替换 4 处" in captured.err
    assert not (SAMPLE_BUNDLE / PSEUDONYMS_FILE).exists()


def test_cli_writes_notes_with_a_bundle(sample_copy, tmp_path, capsys):
    out = tmp_path / "redacted"
    notes = [str(sample_copy / "notes" / n) for n in ("N005.md", "N006.md")]
    assert main(["redact", *notes, "--out", str(out), "--bundle", str(sample_copy), "--findings"]) == 0
    err = capsys.readouterr().err
    assert "康明灯具厂" in err  # --findings lists the originals, for the consultant
    assert "惠万家超市" not in (out / "N005.md").read_text(encoding="utf-8")
    assert "康明灯具厂" not in (out / "N006.md").read_text(encoding="utf-8")
    assert {row[1] for row in read_pseudonyms(sample_copy)} >= {"惠万家超市", "康明灯具厂", "李总"}


def test_cli_redacts_a_docx(tmp_path, capsys):
    import docx

    document = docx.Document()
    document.add_paragraph("随访华夏宾馆，王经理的手机 13912345678。", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "联系人：赵院长"
    table.cell(0, 1).text = "0311-86012345"
    document.core_properties.author = "顾问甲"
    source = tmp_path / "note.docx"
    document.save(str(source))

    assert main(["redact", str(source)]) == 0
    printed = capsys.readouterr().out
    assert "〔手机号〕" in printed and "13912345678" not in printed

    assert main(["redact", str(source), "--out", str(tmp_path / "out")]) == 0
    text = read_document(tmp_path / "out" / "note.docx")
    for secret in ("华夏宾馆", "王经理", "13912345678", "赵院长", "0311-86012345"):
        assert secret not in text
    redacted = docx.Document(str(tmp_path / "out" / "note.docx"))
    assert redacted.paragraphs[0].style.name == "List Bullet"
    assert redacted.core_properties.author == ""


def test_cli_refuses_what_it_cannot_read(tmp_path, capsys):
    legacy = tmp_path / "old.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0")
    note = tmp_path / "n.md"
    note.write_text("王经理", encoding="utf-8")
    assert main(["redact", str(legacy), str(tmp_path / "missing.md")]) == 1
    err = capsys.readouterr().err
    assert "save it as .docx" in err and "no such file" in err
    assert main(["redact", str(note), "--out", str(tmp_path)]) == 1
    assert "overwrite the original" in capsys.readouterr().err
    assert main(["redact", str(note), "--bundle", str(tmp_path)]) == 1
    assert "no manifest.yaml" in capsys.readouterr().err


def test_cli_reports_a_damaged_docx_and_goes_on(tmp_path, capsys):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    note = tmp_path / "n.md"
    note.write_text("王经理", encoding="utf-8")
    assert main(["redact", str(broken), str(note)]) == 1
    captured = capsys.readouterr()
    assert "not a Word .docx document" in captured.err and "〔甲〕经理" in captured.out


def test_from_a_loaded_bundle(sample_copy):
    from casekit.intake import load_bundle

    bundle = load_bundle(sample_copy)
    redactor = Redactor.from_bundle(bundle)
    note = bundle.notes.set_index("note_id").loc["N006", "text"]
    assert "康明灯具厂" not in redactor.redact(note).text
    assert redactor.root == sample_copy


def test_a_gbk_note_is_read(tmp_path):
    note = tmp_path / "gbk.txt"
    note.write_bytes("刘校长电话 0311-86012345".encode("gbk"))
    assert redact_text(read_document(note)) == "〔甲〕校长电话 〔电话〕"


def test_tracked_changes_in_a_docx_are_redacted_not_carried_out(tmp_path):
    """Text inserted or deleted with Word's track changes is in the file: none may survive."""
    import zipfile

    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from casekit.intake.redaction import Redactor, read_document, write_redacted

    document = docx.Document()
    paragraph = document.add_paragraph("客户说下周再谈。")
    for tag, text in (("w:ins", "王经理手机13912345678"), ("w:del", "前台电话0311-86012345")):
        change = OxmlElement(tag)
        change.set(qn("w:id"), "1")
        change.set(qn("w:author"), "x")
        run = OxmlElement("w:r")
        inner = OxmlElement("w:t" if tag == "w:ins" else "w:delText")
        inner.text = text
        run.append(inner)
        change.append(run)
        paragraph._p.append(change)
    source = tmp_path / "note.docx"
    document.save(str(source))

    assert read_document(source) == "客户说下周再谈。王经理手机13912345678"  # the insertion is read
    out = tmp_path / "out"
    out.mkdir()
    target, result = write_redacted(source, out, Redactor())
    xml = zipfile.ZipFile(target).read("word/document.xml").decode("utf-8")
    for leaked in ("13912345678", "王经理", "0311-86012345"):
        assert leaked not in xml
    assert result.text == "客户说下周再谈。〔甲〕经理手机〔手机号〕"


def test_bundle_names_are_read_like_validate_reads_them(mini_copy):
    """Catalogue and region names are read with the bundle's own text reader (old-Mac CR line ends too)."""
    from casekit.intake.redaction import _catalogue_names, _manifest_names

    root = mini_copy()
    assert _manifest_names(root)[:4] == ["北京", "河北", "石家庄", "保定"]
    names = _catalogue_names(root)
    assert "商务领航" in names
    for path in (root / "catalogue").glob("*.csv"):
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    assert _catalogue_names(root) == names
