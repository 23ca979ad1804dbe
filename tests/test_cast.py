"""The customer's cast per industry and the fictional names cases and role-plays use."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from casekit import domain
from casekit.authoring.cast import (
    FEMALE_GIVEN_NAMES,
    GIVEN_NAMES,
    MALE_GIVEN_NAMES,
    NAME_SURNAMES,
    NEUTRAL_GIVEN_NAMES,
    Namer,
    department_for_title,
    forbidden_text,
    industry_cast,
    name_gender,
    pronoun_gender,
    title_gender,
)
from casekit.exceptions import CastError
from casekit.intake import load_bundle

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "research_data" / "sample"
FOREIGN = Path(__file__).parent / "fixtures" / "bundles" / "foreign"
ALL_CASTS = ("generic", *domain.INDUSTRIES)
REQUIRED = ("general_manager", "finance", "operations")
ROLES = {"决策者", "使用者", "把关者", "影响者"}
# the seed's own cases (华夏宾馆的苦恼, 惠万家超市的苦恼 …): never a fictional company
SEED_CASE_STEMS = ("华夏", "惠万家", "汇才", "明大", "开心假期", "前翼", "康明")


@pytest.fixture(scope="module")
def sample(shared_sample_bundle):
    return shared_sample_bundle  # load_bundle of the sample, shared read-only (tests/conftest.py)


@pytest.fixture(scope="module")
def sample_forbidden(sample):
    return forbidden_text(sample)


def _roster(kind: str) -> list[str]:
    """Every name and alias of ``kind`` in the sample bundle's roster."""
    with (SAMPLE / "_private" / "roster.csv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["kind"] == kind]
    return [n for row in rows for n in (row["name"], *row["aliases"].split(";")) if n]


def _product_words() -> set[str]:
    """Words that name a product: vocabulary labels and aliases, every sample catalogue's local names."""
    words = {w for term in domain.PRODUCTS.values() for w in (term.label, *term.aliases)}
    words -= {"电脑", "宽带"}  # the customer's own computers and lines, not a product pitch
    for path in (SAMPLE / "catalogue").glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            words |= {row["local_name"] for row in csv.DictReader(handle)}
    return words | {"监控", "网站", "黄页", "组网", "摄像头", "百事通"}


# ---------------------------------------------------------------- the cast itself


@pytest.mark.parametrize("industry", domain.INDUSTRIES)
def test_every_industry_has_its_own_cast_reaching_every_catalogue_department(industry):
    cast = industry_cast(industry)
    assert cast.industry == industry  # not the generic fallback
    covered = {d.maps_to for d in cast.departments}
    assert set(REQUIRED) <= covered
    assert covered & {"it", "sales_marketing", "security"}
    # every product of every sample catalogue reaches someone in this industry
    for path in (SAMPLE / "catalogue").glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                reached = [d for generic in row["departments"].split(";") for d in cast.mapped(generic)]
                assert reached, (industry, path.name, row["local_name"])


def test_an_industry_label_finds_its_cast_and_an_unknown_one_the_generic():
    assert industry_cast("超市").industry == "retail"
    assert industry_cast("学校").industry == "education"
    assert industry_cast("房地产").industry == "real_estate"
    assert industry_cast("化妆品公司").industry == "cosmetics"
    assert industry_cast("殡葬").industry == "generic"
    assert industry_cast(None).industry == "generic"


@pytest.mark.parametrize("industry", ALL_CASTS)
def test_departments_speak_in_their_own_words(industry):
    cast = industry_cast(industry)
    departments = cast.departments
    assert len({d.key for d in departments}) == len(departments)
    assert len({d.ask for d in departments}) == len(departments), "two departments ask the same"
    assert len({d.worry for d in departments}) == len(departments), "two departments share a worry"
    # a title a note writes means one person of this industry, never two
    titles = [t for d in departments for t in (d.title, *d.aliases)]
    assert len(set(titles)) == len(titles), sorted({t for t in titles if titles.count(t) > 1})
    product_words = _product_words()
    for d in departments:
        assert d.maps_to in domain.CUSTOMER_DEPARTMENTS, (d.key, d.maps_to)
        assert d.role in ROLES, (d.key, d.role)
        assert d.ask.endswith("？"), d.ask
        named = [w for w in product_words if w in d.ask]
        assert not named, (d.key, named)  # the question finds a trouble, it does not sell
        for text in (d.name, d.title, d.wants, d.worry, d.ask):
            assert text and not any("a" <= ch.lower() <= "z" for ch in text), text


@pytest.mark.parametrize("industry", domain.INDUSTRIES)
def test_fictional_company_stems_are_fictional(industry):
    stems = industry_cast(industry).stems
    assert len(stems) >= 8 and len(set(stems)) == len(stems)
    for stem in stems:
        assert not any(seed in stem or stem in seed for seed in SEED_CASE_STEMS), stem
    # no stem is a company of the sample bundle or of the sample generator's texts
    texts = [p.read_text(encoding="utf-8") for folder in (SAMPLE, ROOT / "casekit" / "sample")
             for p in folder.rglob("*") if p.is_file() and p.suffix in (".md", ".csv", ".yaml", ".py")]
    for stem in stems:
        assert not any(stem in text for text in texts), stem


# ---------------------------------------------------------------- titles in notes

# (note, industry, a title the note writes, the generic department it means)
NOTE_TITLES = [
    (SAMPLE / "notes" / "N005.md", "retail", "老板娘", "general_manager"),
    (SAMPLE / "notes" / "N022.md", "retail", "店长", "operations"),
    (SAMPLE / "notes" / "N022.md", "retail", "超市老板", None),
    (SAMPLE / "notes" / "N015.md", "manufacturing", "厂长", "general_manager"),
    (SAMPLE / "notes" / "N006.md", "manufacturing", "车间主任", "operations"),
    (SAMPLE / "notes" / "N023.md", "education", "校长", "general_manager"),
    (SAMPLE / "notes" / "N029.md", "education", "总务主任", "security"),
    (SAMPLE / "notes" / "N028.md", "real_estate", "售楼处经理", "sales_marketing"),
    (SAMPLE / "notes" / "N028.md", "real_estate", "置业顾问", "sales_marketing"),
    (SAMPLE / "notes" / "N028.md", "real_estate", "办公室主任", "admin"),
    (SAMPLE / "notes" / "N009.md", "travel", "合伙人", "general_manager"),
    (SAMPLE / "notes" / "N014.md", "travel", "经理", "general_manager"),
    (SAMPLE / "notes" / "N018.md", "trading", "行政经理", "admin"),
    (SAMPLE / "notes" / "N011.md", "bakery", "老板", "general_manager"),
    (SAMPLE / "notes" / "N020.md", "hospital", "信息科长", "it"),
    (SAMPLE / "notes" / "N003.md", "hospital", "院长", "general_manager"),
    (SAMPLE / "notes" / "N031.md", "hotel", "前台主管", "operations"),
    (FOREIGN / "notes" / "YN01.md", "retail", "店长", "operations"),
    (FOREIGN / "notes" / "YN01.md", "retail", "财务", "finance"),
    (FOREIGN / "notes" / "GX01.md", "manufacturing", "厂长", "general_manager"),
]


@pytest.mark.parametrize(("note", "industry", "title", "maps_to"), NOTE_TITLES,
                         ids=[f"{n.stem}-{t}" for n, _, t, _ in NOTE_TITLES])
def test_a_title_a_note_writes_finds_its_department(note, industry, title, maps_to):
    assert title in note.read_text(encoding="utf-8")
    department = department_for_title(industry, title)
    if maps_to is None:
        assert department is None  # a phrase, not a title: nobody is invented for it
    else:
        assert department is not None and department.maps_to == maps_to, (title, department)


def test_titles_land_on_the_industrys_own_department_before_the_generic_one():
    assert department_for_title("hospital", "信息科长").name == "信息科"
    assert department_for_title("bakery", "店长").name == "门店"
    assert department_for_title("bakery", "老板娘").key == "owner"
    assert department_for_title("cosmetics", "督导").name == "专柜管理部"
    assert department_for_title("travel", "计调").name == "计调部"
    # an industry without its own 行政 falls back to the generic department, not to nothing
    assert department_for_title("travel", "行政经理").maps_to == "admin"
    assert department_for_title("hospital", "老板娘").maps_to == "general_manager"


# ---------------------------------------------------------------- names


def test_same_key_same_names_and_one_person_one_name():
    def names(namer):
        companies = [namer.company("〔企业A〕"), namer.company("〔企业B〕", "宾馆")]
        people = [namer.person(d.key, d.title) for d in namer.cast.departments]
        return companies, people, [namer.full_name(d.key, d.title) for d in namer.cast.departments]

    first, again = Namer("N028", "real_estate"), Namer("N028", "real_estate")
    assert names(first) == names(again)
    # asked again the placeholder and the person keep their names (even under another title)
    assert first.company("〔企业A〕") == names(first)[0][0]
    surname = first.person("gm", "总经理")[0]
    assert first.person("gm", "董事长") == surname + "董事长"
    assert first.company("〔企业B〕", "宾馆")[1].endswith("宾馆")
    assert first.company("〔企业A〕")[0] != first.company("〔企业B〕")[0]
    # no two people of one case share a surname
    surnames = [p[0] for p in first.people.values()]
    assert len(set(surnames)) == len(surnames) == len(first.cast.departments)
    # the names depend on the key: the sample's notes do not all get one company
    assert len({Namer(f"N{i:03d}", "retail").company()[1] for i in range(1, 38)}) > 4


@pytest.mark.parametrize("industry", domain.INDUSTRIES)
def test_a_company_is_named_as_its_industry_names_companies(sample_forbidden, industry):
    cast = industry_cast(industry)
    for i in range(1, 38):
        stem, full = Namer(f"N{i:03d}", industry, forbidden=sample_forbidden).company()
        assert stem in cast.stems and full[len(stem):] in cast.suffixes, full


@pytest.mark.parametrize("industry", ALL_CASTS)
def test_a_stem_the_bundle_holds_is_skipped_for_the_one_left(industry):
    cast = industry_cast(industry)
    pool = [*cast.stems, *industry_cast("generic").stems]
    for left in (cast.stems[0], cast.stems[-1]):
        forbidden = "，".join(s + "公司" for s in pool if s != left)
        stem, full = Namer("N001", industry, forbidden=forbidden).company()
        assert stem == left and full.startswith(left) and full[len(left):] in cast.suffixes
    # nothing left: still a name, fictional, and the same one every time
    everything = "，".join(pool)
    namer = Namer("N001", industry, forbidden=everything)
    stem, full = namer.company()
    assert stem not in everything and namer.company() == (stem, full)


def test_a_surname_the_text_addresses_someone_by_is_nobodys():
    forbidden = "老王说了算，李总不管事，赵院长和陈姐都在"
    for key in (f"N{i:03d}" for i in range(1, 60)):
        namer = Namer(key, "hospital", forbidden=forbidden)
        for d in namer.cast.departments:
            name = namer.person(d.key, d.title)
            assert name[0] not in "王李赵陈" and name not in forbidden, (key, name)
            assert namer.full_name(d.key, d.title)[0] not in "王李赵陈"


@pytest.mark.parametrize("industry", [*domain.INDUSTRIES, None])
def test_no_sample_note_gets_a_real_name(sample, sample_forbidden, industry):
    people, companies = _roster("person"), _roster("company")
    real_surnames = {name[0] for name in people if len(name) == 3}  # 郝建平 → 郝
    assert real_surnames & set(NAME_SURNAMES)  # the check below has teeth
    cast = industry_cast(industry)
    for note_id in sample.notes["note_id"]:
        namer = Namer(note_id, industry, forbidden=sample_forbidden)
        for placeholder in ("〔企业A〕", "〔企业B〕", "〔企业C〕"):
            stem, full = namer.company(placeholder)
            assert stem not in sample_forbidden and full not in sample_forbidden
            assert not any(stem in real or real in full for real in companies), (note_id, full)
        for d in cast.departments:
            for name in (namer.person(d.key, d.title), namer.full_name(d.key, d.title)):
                assert name not in sample_forbidden, (note_id, name)
                assert name[0] not in real_surnames, (note_id, name)
                assert not any(real in name for real in people), (note_id, name)


def test_forbidden_text_holds_the_notes_and_the_roster(sample, sample_forbidden):
    for name in (*_roster("person"), *_roster("company")):
        assert name in sample_forbidden
    assert "刘校长" in sample_forbidden  # a raw note's own name


def test_foreign_bundle_names_are_fictional_too():
    bundle = load_bundle(FOREIGN)
    forbidden = forbidden_text(bundle)
    for note_id in bundle.notes["note_id"]:
        for industry in ("manufacturing", "retail", "hotel"):
            namer = Namer(note_id, industry, forbidden=forbidden)
            assert namer.company()[1] not in forbidden
            for d in namer.cast.departments:
                assert namer.person(d.key, d.title) not in forbidden


# ---------------------------------------------------------------- given names and gender


def test_the_given_name_pool_is_large_and_split_by_gender():
    assert len(FEMALE_GIVEN_NAMES) >= 40 and len(MALE_GIVEN_NAMES) >= 40 and len(NEUTRAL_GIVEN_NAMES) >= 4
    assert len(GIVEN_NAMES) >= 80 and len(set(GIVEN_NAMES)) == len(GIVEN_NAMES)  # disjoint groups
    for given in GIVEN_NAMES:
        assert len(given) == 2 and given[0] not in "小老阿", given  # 小王 is a form of address
    assert name_gender("周秀英") == "female" and name_gender("建国") == "male"
    assert name_gender("文华") is None


@pytest.mark.parametrize("gender", ["female", "male"])
def test_a_gender_asked_for_is_the_gender_the_name_reads_as(sample_forbidden, gender):
    pool = FEMALE_GIVEN_NAMES if gender == "female" else MALE_GIVEN_NAMES
    for i in range(1, 38):
        namer = Namer(f"N{i:03d}", "hotel", forbidden=sample_forbidden)
        name = namer.full_name("am", "客户经理", gender)
        assert name[1:] in pool and namer.gender("am") == gender, name
        assert namer.person("am", "客户经理", gender) == name[0] + "客户经理"


def test_no_gender_gives_either_and_old_calls_still_work():
    names = [Namer(f"N{i:03d}").full_name("am", "客户经理") for i in range(1, 38)]
    genders = {name_gender(n) for n in names}
    assert {"female", "male"} <= genders
    assert Namer("N001").full_name("am", "客户经理") == names[0]  # same key, same name


def test_a_gender_given_after_the_surname_picks_the_given_name_until_the_name_is_out():
    namer = Namer("N028", "real_estate")
    short = namer.person("am", "客户经理")  # only 卢客户经理 was written so far
    she = namer.full_name("am", "客户经理", "female")
    assert she[0] == short[0] and name_gender(she) == "female"
    # once a full name is out it stays, whatever a later call says
    assert namer.full_name("am", "客户经理", "male") == she


def test_an_unknown_gender_is_refused():
    with pytest.raises(CastError, match="gender must be 'female', 'male' or None, got '女'"):
        Namer("N001").full_name("am", "客户经理", "女")


def test_no_two_people_of_one_namer_share_a_surname_or_a_given_name(sample_forbidden):
    for i in range(1, 38):
        namer = Namer(f"N{i:03d}", "hospital", forbidden=sample_forbidden)
        names = [namer.full_name(f"p{j}", "经理", ("female", "male", None)[j % 3]) for j in range(30)]
        assert len({n[0] for n in names}) == 30
        assert len({n[1:] for n in names}) == 30, sorted(names)


def test_an_adopted_person_shares_neither_surname_nor_given_name_with_the_rest():
    for i in range(1, 38):
        namer = Namer(f"N{i:03d}", "hotel")
        namer.adopt("am", "朱文杰", "客户经理")  # a case's 客户经理, brought into its role-play
        assert namer.full_name("am", "客户经理") == "朱文杰"
        others = [namer.full_name(f"p{j}", "经理", "male") for j in range(12)]
        others += [namer.person(f"q{j}", "主任") for j in range(5)]
        assert not any(n[0] == "朱" for n in others)
        assert "文杰" not in {n[1:] for n in others[:12]}


# (note id, roles asked for by a case and its role-play)
BUNDLE_ROLES = [("am", "客户经理", "female"), ("se", "支撑人员", "male"), ("sm", "销售经理", None),
                ("〔甲〕", "院长", None), ("〔乙〕", "信息科长", "female"), ("gm", "总经理", "male")]


def test_names_spread_over_the_pool_across_a_bundle(sample_forbidden):
    """Over the 37 sample notes × 6 people (222 names) a full name is rarely used twice.

    Measured: 219 distinct full names, 3 used by two (note, role) pairs, none by three; the
    most used given name 6 times (the old 24-name pool: 卫东 6 times in 37 cases).
    """
    full: dict[str, set[tuple[str, str]]] = {}
    given: dict[str, int] = {}
    for i in range(1, 38):
        namer = Namer(f"N{i:03d}", "hospital", forbidden=sample_forbidden)
        for key, title, gender in BUNDLE_ROLES:
            name = namer.full_name(key, title, gender)
            full.setdefault(name, set()).add((namer.key, key))
            given[name[1:]] = given.get(name[1:], 0) + 1
    shared = {name: uses for name, uses in full.items() if len(uses) > 1}
    assert len(shared) <= 5, shared
    assert max(len(uses) for uses in full.values()) <= 2
    assert max(given.values()) <= 8, sorted(given.items(), key=lambda kv: -kv[1])[:5]


# ---------------------------------------------------------------- pronouns


def test_a_title_states_its_own_gender():
    assert title_gender("老板娘") == "female" and title_gender("王姐") == "female"
    assert title_gender("李先生") == "male" and title_gender("张叔") == "male"
    assert title_gender("院长") is None


# (note, the words for the person, the note's protagonist (None: the person is), expected)
PRONOUN_CASES = [
    ("N028", "客户经理", None, "female"),   # 客户经理在车里……她说上次见了售楼处经理
    ("N028", "财务", "客户经理", None),      # 财务问价格，她先问: 她 is the account manager
    ("N037", "主任", None, "male"),          # 去找他，他说'你自己想办法'
    ("N020", "支撑人员", None, "male"),      # 他讲了一次……
    ("N020", "客户经理", "支撑人员", None),  # 客户经理给他打了电话: 他 is the support engineer
    ("N020", "院长", "支撑人员", None),      # 院长转头问他
    ("N026", "支撑人员", None, "female"),
    ("N007", "院长", "客户经理", None),      # 赵院长说…… 第二次她带着表格去: 她 is the account manager
    ("N005", "客户经理", None, None),        # the only 她 is the 老板娘's
    ("N005", "老板娘", "客户经理", "female"),
    ("N002", "客户经理", None, None),        # 王经理嫌贵，我就跟他说: 他 is 王经理
    ("N030", "经理", None, None),            # 答：问他为什么没完成: 他 is a subordinate
    ("N003", "客户经理", None, "male"),
]


@pytest.mark.parametrize(("note", "who", "hero", "expected"), PRONOUN_CASES,
                         ids=[f"{n}-{w}" for n, w, _, _ in PRONOUN_CASES])
def test_pronouns_tell_a_persons_gender_only_when_they_are_theirs(note, who, hero, expected):
    text = (SAMPLE / "notes" / f"{note}.md").read_text(encoding="utf-8").split("---", 2)[2]
    if hero is None:
        assert pronoun_gender(text, who, protagonist=True) == expected
    else:
        assert pronoun_gender(text, who, hero=hero) == expected


def test_pronouns_in_a_foreign_note_and_in_a_sentence():
    text = (FOREIGN / "notes" / "GX02.md").read_text(encoding="utf-8")
    assert pronoun_gender(text, "支撑人员", protagonist=True) == "male"
    assert pronoun_gender("客户经理给他打了电话。", "客户经理") is None
    assert pronoun_gender("〔甲〕是信息科长。她担心数据安全。", ("〔甲〕", "信息科长")) == "female"
    assert pronoun_gender("他们说其他的都好。", "客户经理", protagonist=True) is None  # nobody's pronoun
