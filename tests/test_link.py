"""The link stage on real excerpts, and its quality against the hand annotation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ruhrgraph.extract import read
from ruhrgraph.link import link, load_programme_names, load_project_aliases, load_stop_phrases
from ruhrgraph.link import reference as ref
from ruhrgraph.link.gazetteer import Gazetteer

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "source" / "000_105bd650c26cdedc.txt"
REFERENCE = ROOT / "data" / "reference"
ANNOTATIONS = {
    # A: all 74 projects; the reference data was curated after it, so A is not held out.
    "A": json.loads((ROOT / "tests" / "data" / "annotation.json").read_text("utf-8")),
    # B: 24 projects, blind to A, to the reference data and to the code: the held-out check.
    "B": json.loads((ROOT / "tests" / "data" / "annotation_b.json").read_text("utf-8")),
}


@pytest.fixture(scope="module")
def reference():
    return ref.load(REFERENCE)


@pytest.fixture(scope="module")
def linked(reference):
    return link(read(SOURCE), reference, load_project_aliases(REFERENCE),
                load_stop_phrases(REFERENCE), load_programme_names(REFERENCE))


def project(linked, code):
    return next(p for p in linked.projects if p.project.code == code)


def surfaces(links):
    return {link.key: [m.text for m in link.mentions] for link in links}


def test_every_mention_slices_the_source_exactly(linked):
    text = linked.catalogue.text
    count = 0
    for item in linked.projects:
        for links in (item.places, item.organisations, item.other_ministries,
                      item.related_projects):
            for link_ in links:
                for mention in link_.mentions:
                    assert text[mention.start:mention.end] == mention.text
                    line_start = text.rfind("\n", 0, mention.start) + 1
                    assert text.count("\n", 0, line_start) + 1 == mention.line
                    assert item.project.span.start <= mention.start < item.project.span.end
                    count += 1
    assert count > 100


def test_sites_count_for_their_city(linked):
    # 04-06 Open District Hub Bochum: the title names Bochum, "Bochum Weitmar" is a quarter
    places = surfaces(project(linked, "04-06").places)
    assert places == {"05911000": ["Bochum", "Bochum Weitmar", "Bochum Weitmar",
                                   "Bochum-Weitmar"]}


def test_a_suspended_hyphen_is_a_compound(linked):
    # 11-04: "auf EU-, Bundes- und Landesebene" names levels, not the European Union
    assert project(linked, "11-04").organisations == ()
    # 05-02: "Mark 51°7 in Bochum"
    places = surfaces(project(linked, "05-02").places)
    assert places == {"05911000": ["Mark 51°7", "Bochum"]}


def test_cities_named_in_a_list(linked):
    # 11-01: "in den Innovationsräumen Dortmund, Essen, Duisburg &amp; Bochum"
    places = surfaces(project(linked, "11-01").places)
    assert list(places) == ["05913000", "05113000", "05112000", "05911000"]


def test_a_city_inside_an_organisation_name_is_no_place(linked):
    # 19-06: "Ruhr-Uni Bochum, der Uni Duisburg-Essen"
    item = project(linked, "19-06")
    # its places are the region of Köln and Jakarta, not Bochum, Dortmund, Duisburg, Essen
    assert [link_.key for link_ in item.places] == ["05315000", "jakarta"]
    orgs = surfaces(item.organisations)
    assert any("Ruhr-Uni Bochum" in forms for forms in orgs.values())
    assert any("Uni Duisburg-Essen" in forms for forms in orgs.values())


def test_other_ministries(linked):
    # 03-02 names "Ressorts (MKFFI, MSB, MAGS, MHKBG, JM, FM)"
    item = project(linked, "03-02")
    assert [link_.key for link_ in item.other_ministries] == ["mkffi", "msb", "mags", "mhkbg",
                                                              "jm", "fm"]
    assert item.ministry_key == "im"


def test_related_projects_by_title_and_variant(linked):
    assert surfaces(project(linked, "06-02").related_projects) == {
        "06-01": ["Metropole Ruhr- digitale Modelldestination NRW"]}
    assert surfaces(project(linked, "04-02").related_projects) == {
        "04-01": ["Projektauftrag „SmarteQuartiere.NRW“"],
        "04-03": ["Marketingkampagne Erneuerbare Energien"]}
    assert surfaces(project(linked, "15-02").related_projects) == {
        "15-01": ["Excellence Departments", "Excellence Departments"]}
    for item in linked.projects:
        assert item.project.code not in {link_.key for link_ in item.related_projects}


def methods(links):
    return {link.key: [(m.text, m.method) for m in link.mentions] for link in links}


def test_a_region_named_after_a_city_is_a_mention_of_the_city(linked, reference):
    # 19-06: "der in NRW in der Region Köln zu Hause ist"
    places = methods(project(linked, "19-06").places)
    assert places["05315000"] == [("Region Köln", "region")]
    koeln = next(p for p in reference.places if p.key == "05315000")
    assert not koeln.in_rvr


@pytest.mark.parametrize("text, key", [
    ("im Großraum Dortmund", "05913000"), ("des Großraums Dortmund", "05913000"),
    ("im Raum Essen", "05113000"), ("die Region Bochum", "05911000"),
    ("die Metropolregion Jakarta", "jakarta")])
def test_region_words_before_a_city(reference, text, key):
    gazetteer = Gazetteer(reference, read(SOURCE))
    match = gazetteer.pattern.search(text)
    surface, entries = gazetteer.lookup(match.group(0))
    assert text.endswith(surface)
    assert [(e.category, e.key, e.method) for e in entries] == [("place", key, "region")]


def test_a_region_not_named_after_a_city_is_no_place(linked):
    # 11-06 "Innovation and Smart Cities Region Ruhr"; Kreise make no region either
    assert project(linked, "11-06").places == ()
    gazetteer_surfaces = Gazetteer(ref.load(REFERENCE), read(SOURCE)).entries
    assert "Region Ruhr" not in gazetteer_surfaces
    assert "Region Kreis Unna" not in gazetteer_surfaces


def test_a_place_abroad_is_linked_and_outside_the_ruhr(linked, reference):
    # 19-06: "Bereits bei den Asian-Games 2019 in Djakarta"
    assert methods(project(linked, "19-06").places)["jakarta"] == [("Djakarta", "alias")]
    jakarta = next(p for p in reference.places if p.key == "jakarta")
    assert (jakarta.ags, jakarta.in_rvr, jakarta.abroad, jakarta.wikidata) == (
        None, False, True, "Q3630")
    assert -7 < jakarta.lat < -6 and 106 < jakarta.lon < 107
    german = [p for p in reference.places if not p.abroad]
    assert all(p.key == p.ags and re.fullmatch(r"[0-9]{8}", p.ags) for p in german)


def test_an_organisation_inside_a_programme_name(linked):
    # 11-05 "KfW 432" (a KfW programme), 06-02 "DFB-Pokalauslösung" (the DFB's cup)
    text = linked.catalogue.text
    for code, key, name, phrase in (("11-05", "kfw", "KfW", "KfW 432"),
                                    ("06-02", "dfb", "DFB", "DFB-Pokalauslösung")):
        (mention,) = next(e for e in project(linked, code).organisations
                          if e.key == key).mentions
        assert (mention.text, mention.method) == (name, "programme")
        assert text[mention.start:].startswith(phrase)
    # "Know-how Locator ... Online-Tool der NRW Bank": the owner is named outside the name
    assert "nrw-bank" in {e.key for e in project(linked, "02-01").organisations}


def test_programme_names_and_places_abroad_are_checked(tmp_path):
    from ruhrgraph.link.gazetteer import load_programme_names as load
    (tmp_path / "programme_names.csv").write_text(
        "phrase,name,organisation,reason\nKfW 432,DFB,kfw,wrong name\n", "utf-8")
    with pytest.raises(ref.ReferenceError, match=r"programme_names\.csv:2"):
        load(tmp_path)
    for name in ("ministries", "fields", "organisations"):
        (tmp_path / f"{name}.csv").write_text((REFERENCE / f"{name}.csv").read_text("utf-8"),
                                              "utf-8")
    header = ",".join(ref.PLACE_COLUMNS)
    for row, error in ((",Jakarta,stadt-im-ausland,,true,-6.2,106.8,,,,,jakarta", "no AGS"),
                       ("31000000,Jakarta,stadt-im-ausland,,false,-6.2,106.8,,,,,jakarta",
                        "no AGS"),
                       (",Jakarta,stadt-im-ausland,,false,-6.2,106.8,,,,,", "bad key"),
                       ("05911000,Bochum,kreisfreie-stadt,,true,51.5,7.2,,,,,bochum",
                        "keyed by its AGS")):
        (tmp_path / "places.csv").write_text(f"{header}\n{row}\n", "utf-8")
        with pytest.raises(ref.ReferenceError, match=error):
            ref.load(tmp_path)


def test_generic_words_are_not_organisations(linked, reference):
    names = {o.name for o in reference.organisations}
    aliases = {a for o in reference.organisations for a in o.aliases}
    for word in ("Kommunen", "Hochschulen", "Polizei", "Universitäten", "Schulen", "Kammern",
                 "Jobcenter", "Landesregierung"):
        assert word not in names and word not in aliases


def _gold_org_key(entry, reference):
    forms = {entry["name"], *entry["surface"]}
    for org in reference.organisations:
        if forms & {org.name, *org.aliases}:
            return org.key
    return "unmapped:" + entry["name"]


def quality(linked, reference, annotation):
    gold_places, gold_orgs, got_places, got_orgs = set(), set(), set(), set()
    for code, entry in annotation["projects"].items():
        gold_places |= {(code, p.get("ags") or p["key"]) for p in entry["places"]}
        gold_orgs |= {(code, _gold_org_key(o, reference)) for o in entry["organisations"]}
        item = project(linked, code)
        got_places |= {(code, link_.key) for link_ in item.places}
        got_orgs |= {(code, link_.key) for link_ in item.organisations}

    def pr(gold, got):
        hits = len(gold & got)
        return hits / len(got) if got else 1.0, hits / len(gold) if gold else 1.0

    return pr(gold_places, got_places), pr(gold_orgs, got_orgs), (gold_places, got_places,
                                                                   gold_orgs, got_orgs)


@pytest.mark.parametrize("name", sorted(ANNOTATIONS))
def test_annotation_covers_at_least_20_projects(name):
    annotation = ANNOTATIONS[name]
    assert len(annotation["projects"]) >= 20
    text = SOURCE.read_text("utf-8")
    for entry in annotation["projects"].values():
        for item in entry["places"] + entry["organisations"]:
            for form in item["surface"]:
                assert form in text
        for place in entry["places"]:
            # a German place by its AGS; a place abroad by its key in places.csv
            if place.get("abroad"):
                assert "ags" not in place and re.fullmatch(r"[a-z0-9-]+", place["key"])
            else:
                assert re.fullmatch(r"[0-9]{8}", place["ags"])


@pytest.mark.parametrize("name", sorted(ANNOTATIONS))
def test_precision_and_recall_against_the_annotation(linked, reference, name):
    (place_p, place_r), (org_p, org_r), sets = quality(linked, reference, ANNOTATIONS[name])
    gold_places, got_places, gold_orgs, got_orgs = sets
    report = (f"places P={place_p:.3f} R={place_r:.3f} "
              f"(missed {sorted(gold_places - got_places)}, "
              f"extra {sorted(got_places - gold_places)}); "
              f"organisations P={org_p:.3f} R={org_r:.3f} "
              f"(missed {sorted(gold_orgs - got_orgs)}, extra {sorted(got_orgs - gold_orgs)})")
    assert place_p >= 0.95 and place_r >= 0.95, report
    assert org_p >= 0.95 and org_r >= 0.95, report
