"""Tests of the sample bundle generator (casekit.sample)."""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

import casekit.sample.generator as generator_module
from casekit.paths import SAMPLE_BUNDLE
from casekit.sample import SampleOverwriteError, generate_sample

POPULATION_BY_LABEL = {
    "政企客户经理": "account_manager",
    "支撑人员": "support_engineer",
    "销售管理人员": "sales_manager",
}


def _files(root: Path) -> dict[str, bytes]:
    # _private/pseudonyms.csv is written by `casekit redact --bundle`, not by the generator
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).as_posix() != "_private/pseudonyms.csv"
    }


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _notes(root: Path) -> dict[str, tuple[dict, str]]:
    notes = {}
    for path in sorted((root / "notes").glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        notes[path.stem] = (yaml.safe_load(front), body)
    return notes


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_sample(tmp_path_factory.mktemp("gen") / "sample")


@pytest.fixture(scope="module")
def top_of(bundle: Path) -> dict[str, str]:
    mapping = {}
    for region in _yaml(bundle / "manifest.yaml")["regions"]:
        mapping[region["name"]] = mapping[region["id"]] = region["id"]
        for city in region.get("cities", []):
            mapping[city["name"]] = mapping[city["id"]] = region["id"]
    return mapping


@pytest.fixture(scope="module")
def person_scores(
    bundle: Path, top_of: dict[str, str]
) -> dict[tuple[str, str, str], dict[str, float]]:
    """(staff id, top region, population) → dimension → mean item score, read from the raw export."""
    codebook = _yaml(bundle / "codebook.yaml")
    cols = codebook["columns"]
    scores: dict[tuple[str, str, str], dict[str, list[float]]] = {}
    for row in _csv(bundle / "survey" / "responses.csv"):
        key = (
            row[cols["respondent_id"]],
            top_of[row[cols["region"]]],
            POPULATION_BY_LABEL[row[cols["population"]]],
        )
        for item in codebook["items"]:
            cell = row[item["column"]]
            if cell in codebook["missing"]:
                continue
            labels = codebook["scales"][item["scale"]]["labels"]
            value = labels[cell]
            if item["reverse"]:
                value = min(labels.values()) + max(labels.values()) - value
            scores.setdefault(key, {}).setdefault(item["dimension"], []).append(value)
    return {
        k: {d: float(np.mean(v)) for d, v in dims.items()} for k, dims in scores.items()
    }


def test_same_seed_gives_byte_identical_bundle(bundle: Path, tmp_path: Path) -> None:
    again = generate_sample(tmp_path / "again")
    assert _files(again) == _files(bundle)
    other = generate_sample(tmp_path / "other", seed=7)
    assert (
        _files(other)["survey/responses.csv"] != _files(bundle)["survey/responses.csv"]
    )


def test_committed_sample_equals_fresh_generation(bundle: Path) -> None:
    assert SAMPLE_BUNDLE.is_dir(), (
        "research_data/sample is missing: run `casekit sample`"
    )
    assert _files(SAMPLE_BUNDLE) == _files(bundle)


def test_failed_generation_keeps_the_previous_bundle(
    bundle: Path, tmp_path: Path, monkeypatch
) -> None:
    out = generate_sample(tmp_path / "kept")
    before = _files(out)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(generator_module, "build_visits", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        generate_sample(out)
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]


def test_head_counts(bundle: Path, person_scores: dict) -> None:
    counts: dict[str, int] = {}
    for _, _, population in person_scores:
        counts[population] = counts.get(population, 0) + 1
    assert counts["account_manager"] == 88
    assert 30 <= counts["support_engineer"] <= 40
    assert 30 <= counts["sales_manager"] <= 40
    am_by_region: dict[str, int] = {}
    for _, region, population in person_scores:
        if population == "account_manager":
            am_by_region[region] = am_by_region.get(region, 0) + 1
    assert max(am_by_region, key=am_by_region.__getitem__) == "hebei"
    assert set(am_by_region) == {"beijing", "tianjin", "hebei", "shandong", "nanning"}


def test_ride_alongs_observe_surveyed_account_managers(
    bundle: Path, person_scores: dict
) -> None:
    visits = _csv(bundle / "ride_alongs.csv")
    assert len(visits) >= 55
    managers = {sid for sid, _, pop in person_scores if pop == "account_manager"}
    assert {v["account_manager"] for v in visits} <= managers
    assert len({v["visit_id"] for v in visits}) == len(visits)
    assert len({v["observer_notes"] for v in visits}) == len(visits)


def test_every_sales_manager_has_a_full_360_review(
    bundle: Path, person_scores: dict
) -> None:
    raters: dict[str, dict[str, set[str]]] = {}
    for row in _csv(bundle / "reviews_360.csv"):
        raters.setdefault(row["manager_id"], {}).setdefault(
            row["rater_group"], set()
        ).add(row["rater_token"])
    managers = {sid for sid, _, pop in person_scores if pop == "sales_manager"}
    assert set(raters) == managers
    for groups in raters.values():
        assert len(groups["account_manager"]) >= 4
        assert len(groups["support"]) >= 3
        assert len(groups["superior"]) == 1
        assert len(groups["self"]) == 1


def test_notes_cover_the_method_and_are_not_templated(bundle: Path) -> None:
    notes = _notes(bundle)
    assert len(notes) >= 32
    assert {front["method"] for front, _ in notes.values()} == {
        "interview",
        "ride_along_debrief",
        "demo_hall_visit",
        "interview_360",
    }
    assert {front["population"] for front, _ in notes.values()} == {
        "account_manager",
        "support_engineer",
        "sales_manager",
    }
    assert all(front["id"] == stem for stem, (front, _) in notes.items())
    sentences = [
        s.strip()
        for _, body in notes.values()
        for s in re.split(r"[。！？\n]", body)
        if len(s.strip()) > 6
    ]
    assert len(set(sentences)) / len(sentences) > 0.97
    lengths = sorted(len(body) for _, body in notes.values())
    assert lengths[-1] > 6 * lengths[0]  # from a few lines to a page

    def bigrams(text: str) -> set[str]:
        return {text[i : i + 2] for i in range(len(text) - 1)}

    grams = [bigrams(body) for _, body in notes.values()]
    worst = max(len(a & b) / len(a | b) for a, b in itertools.combinations(grams, 2))
    assert worst < 0.35


def test_local_product_names_differ_across_regions(bundle: Path) -> None:
    names: dict[str, dict[str, set[str]]] = {}
    for path in sorted((bundle / "catalogue").glob("*.csv")):
        for row in _csv(path):
            names.setdefault(row["canonical_product"], {}).setdefault(
                path.stem, set()
            ).add(row["local_name"])
    assert len({p.stem for p in (bundle / "catalogue").glob("*.csv")}) == 5
    assert {frozenset(v) for v in names["video_monitoring"].values()} == {
        frozenset({"宽带监控"}),
        frozenset({"场景监控"}),
        frozenset({"宽视界"}),
        frozenset({"全球眼"}),
        frozenset({"视频看店"}),
    }
    for product, by_region in names.items():
        if len(by_region) >= 3:
            assert len(set().union(*by_region.values())) >= 3, product


def test_notes_use_their_own_region_product_names(
    bundle: Path, top_of: dict[str, str]
) -> None:
    local = {
        path.stem: {row["local_name"] for row in _csv(path)}
        for path in (bundle / "catalogue").glob("*.csv")
    }
    everywhere = set().union(*local.values())
    for front, _ in _notes(bundle).values():
        region = top_of[front["region"]]
        foreign = {
            t for t in front["tags"] if t in everywhere and t not in local[region]
        }
        assert not foreign, (front["id"], foreign)
    ride = _csv(bundle / "ride_alongs.csv")
    for visit in ride:
        products = [p for p in visit["products"].split(";") if p]
        assert set(products) <= local[top_of[visit["region"]]], visit["visit_id"]


def test_planted_region_weaknesses_show_in_raw_survey_means(
    bundle: Path, person_scores: dict
) -> None:
    truth = _yaml(bundle / "_ground_truth.yaml")
    assert len(truth["region_weaknesses"]) >= 4
    for weak in truth["region_weaknesses"]:
        diffs = {}
        dims = {
            d
            for (_, _, pop), s in person_scores.items()
            if pop == weak["population"]
            for d in s
        }
        for dim in dims:
            inside = [
                s[dim]
                for (_, r, p), s in person_scores.items()
                if p == weak["population"] and r == weak["region"] and dim in s
            ]
            outside = [
                s[dim]
                for (_, r, p), s in person_scores.items()
                if p == weak["population"] and r != weak["region"] and dim in s
            ]
            diffs[dim] = np.mean(inside) - np.mean(outside)
        assert diffs[weak["dimension"]] < weak["delta"] / 2, weak
        assert min(diffs, key=diffs.__getitem__) == weak["dimension"], (weak, diffs)


def test_account_manager_types_are_recoverable(
    bundle: Path, person_scores: dict
) -> None:
    cluster = pytest.importorskip("sklearn.cluster")
    metrics = pytest.importorskip("sklearn.metrics")
    truth = _yaml(bundle / "_ground_truth.yaml")["account_manager_type_of"]
    assert set(truth.values()) == {
        t["id"] for t in _yaml(bundle / "_ground_truth.yaml")["account_manager_types"]
    }
    ams = sorted(
        (sid, s)
        for (sid, _, pop), s in person_scores.items()
        if pop == "account_manager"
    )
    dims = sorted(ams[0][1])
    x = np.array([[s[d] for d in dims] for _, s in ams])
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    labels = cluster.KMeans(n_clusters=4, n_init=10, random_state=0).fit_predict(x)
    assert metrics.adjusted_rand_score([truth[sid] for sid, _ in ams], labels) >= 0.8
    # the ride-alongs tell the same story: consultants ask, price pushers talk price
    share: dict[str, list[float]] = {}
    price_first: dict[str, list[bool]] = {}
    for visit in _csv(bundle / "ride_alongs.csv"):
        kind = truth[visit["account_manager"]]
        share.setdefault(kind, []).append(float(visit["question_share"]))
        price_first.setdefault(kind, []).append("以价格优惠开场" in visit["behaviours"])
    means = {k: np.mean(v) for k, v in share.items()}
    assert means["consultant"] > 2 * max(
        v for k, v in means.items() if k != "consultant"
    )
    assert np.mean(price_first["price_pusher"]) > 0.8
    assert np.mean(price_first["consultant"]) < 0.2


def test_planted_personal_data_is_listed_exactly(bundle: Path) -> None:
    pii = _yaml(bundle / "_ground_truth.yaml")["pii"]
    assert {p["kind"] for p in pii} == {"mobile", "landline", "person_title", "company"}
    for entry in pii:
        assert entry["string"] in (bundle / entry["file"]).read_text(
            encoding="utf-8"
        ), entry
    planted = {p["string"] for p in pii}
    text = "\n".join(body for _, body in _notes(bundle).values())
    phones = set(re.findall(r"1[3-9]\d{9}|0\d{2,3}-\d{7,8}", text))
    titles = set(
        re.findall(
            r"[王李张刘陈杨赵黄周吴孙马](?:经理|院长|校长|老板|厂长|姐|总(?![是结共体部之算的]))",
            text,
        )
    )
    assert phones | titles <= planted
    assert phones and titles


def test_sample_passes_intake_validation(bundle: Path) -> None:
    intake = pytest.importorskip("casekit.intake")
    assert intake.validate_bundle(bundle) == []


def test_never_replaces_a_folder_that_is_not_a_generated_sample(tmp_path: Path) -> None:
    real = tmp_path / "my-client"
    (real / "notes").mkdir(parents=True)
    (real / "manifest.yaml").write_text("client: 真实客户\n", encoding="utf-8")
    with pytest.raises(SampleOverwriteError, match="is not a generated sample bundle.*--force"):
        generate_sample(real)
    assert (real / "manifest.yaml").read_text(encoding="utf-8") == "client: 真实客户\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-client"]  # no temp folder left


def test_regenerates_over_its_own_output_and_with_force(tmp_path: Path) -> None:
    out = generate_sample(tmp_path / "s")
    assert generate_sample(out) == out  # a generated sample may be replaced
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text("x", encoding="utf-8")
    generate_sample(other, force=True)
    assert (other / "manifest.yaml").is_file() and (other / "x.txt").read_text(encoding="utf-8") == "x"
    assert oct(out.stat().st_mode & 0o777) != oct(0o700)  # not mkdtemp's private mode


def test_regenerating_never_deletes_what_others_created(bundle: Path, tmp_path: Path) -> None:
    out = generate_sample(tmp_path / "s")
    made = {
        "cases/C900.md": "---\nid: C900\n---\n顾问写的案例\n",
        "_private/pseudonyms.csv": "kind,original,pseudonym\nperson,张三,〔甲〕\n",
        "notes/README.txt": "我的笔记\n",
        "extra.txt": "别删\n",
    }
    for rel, text in made.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    (out / "notes" / "N001.md").unlink()  # a generated file the user deleted comes back
    assert generate_sample(out) == out
    for rel, text in made.items():
        assert (out / rel).read_text(encoding="utf-8") == text, rel
    fresh = _files(bundle)
    regenerated = _files(out)
    assert {rel: regenerated[rel] for rel in fresh} == fresh  # byte-identical where the generator owns files


def test_an_edited_generated_file_is_kept_unless_forced(tmp_path: Path) -> None:
    out = generate_sample(tmp_path / "s")
    note = out / "notes" / "N003.md"
    edited = note.read_text(encoding="utf-8") + "\n顾问补记。\n"
    note.write_text(edited, encoding="utf-8")
    before = _files(out)
    with pytest.raises(SampleOverwriteError, match=r"1 generated file\(s\) .* changed since casekit wrote them: "
                                                   r"notes/N003.md; nothing was written.*--force"):
        generate_sample(out, seed=7)
    assert _files(out) == before
    generate_sample(out, force=True)
    assert [p.read_text(encoding="utf-8") for p in (out / "notes").glob("_N003.bak-*.md")] == [edited]
    assert "顾问补记" not in note.read_text(encoding="utf-8")


@pytest.mark.parametrize("linked", ["manifest.yaml", "catalogue"])
def test_a_linked_sample_file_or_folder_is_refused_before_anything_is_written(tmp_path: Path, linked: str) -> None:
    # the probe: a ValueError traceback from safe_save, and the sample left half regenerated
    from casekit.exceptions import LinkedOutputError

    out = generate_sample(tmp_path / "sm")
    elsewhere = tmp_path / "elsewhere"
    (out / linked).rename(elsewhere)
    (out / linked).symlink_to(elsewhere, target_is_directory=elsewhere.is_dir())
    (out / "notes" / "N001.md").unlink()  # would be regenerated first if writing had started
    before = _files(out)
    outside = _files(elsewhere) if elsewhere.is_dir() else elsewhere.read_bytes()
    kind = "folder" if elsewhere.is_dir() else "file"
    with pytest.raises(LinkedOutputError, match=rf"nothing was written\):\n  - {linked}: expected a {kind} "
                                                rf"that is not a symbolic link .*found 'a link to {elsewhere}'"):
        generate_sample(out, seed=7, force=True)
    assert _files(out) == before and not (out / "notes" / "N001.md").exists()
    assert (_files(elsewhere) if elsewhere.is_dir() else elsewhere.read_bytes()) == outside
