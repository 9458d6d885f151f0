"""The reader on the whole catalogue, on every formatting variant, and on bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ruhrgraph.extract import ReadError, parse, read

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "source" / "000_105bd650c26cdedc.txt"
SOURCE_LINES = SOURCE.read_text(encoding="utf-8").split("\n")


def source_line(number: int) -> str:
    return SOURCE_LINES[number - 1]


def test_source_copy_is_byte_identical():
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    assert digest == "da899bfb6a41233c9f10a9714066f84888358cab6cf1e4bed0e4804ea25a175e"


# code: (ministry as written, field, title as in the body or, for 16-01, the toc,
#        start year, end year, open-ended). Read off the source by hand.
EXPECTED = {
    "13-01": ("VM", 1, "ÖPNV-Initiative", 2020, 2030, False),
    "13-02": ("VM", 1, "Mobilitätsregion", 2020, 2030, False),
    "13-03": ("VM", 1, "Mobilitätszentrale", 2020, 2030, False),
    "13-04": ("VM", 1, "Vernetzte Mobilität", 2020, 2030, False),
    "13-05": ("VM", 1, "Mobilität für den Industriestandort", 2020, 2030, False),
    "13-06": ("VM", 1, "Mobil in der Stadt", 2020, 2030, False),
    "05-02": ("MWIDE", 2, "Zentrum für Chemie 4.0: Heimat des Inkubators Start4Chem", None,
              2034, False),
    "05-01": ("MWIDE", 2, "Förderprogramm für Technologietransfer", 2020, 2024, False),
    "11-04": ("MHKBG", 2, "Revitalisierung von Brachflächen", None, None, True),
    "11-06": ("MHKBG", 2, "Innovation Ruhr 2030", None, 2030, False),
    "17-01": ("MBEI", 2, "Internationale Tagung Metropolitan Innovation", 2020, 2020, False),
    "06-01": ("MWIDE", 2, "Digitale Modelldestination Ruhr", None, 2022, False),
    "06-02": ("MWIDE", 2, "RUHR.FUSSBALL als Tourismusattraktion", 2020, 2020, False),
    "06-03": ("MWIDE", 2, "Digitaler Service für Touristen", 2020, 2022, False),
    "07-03": ("MAGS", 2, "Virtuelles Kompetenzzentrum Digitaler Wandel", 2020, 2023, False),
    "02-01": ("FM", 2, "Know-how Locator", 2020, 2020, True),
    "02-02": ("FM", 2, "Förderung und Transfer sichtbar machen", 2020, 2020, True),
    "02-03": ("FM", 2, "Vernetzung der Schlüsselakteure für Innovation", 2020, 2022, False),
    "11-01": ("MHKBG", 3, "Ruhr Academy Smart Transformation", None, 2030, False),
    "11-03": ("MHKBG", 3, "Wohnbebauung/Nachverdichtung", None, None, True),
    "03-01": ("IM", 3, "Zentrale Koordination zur Bekämpfung der Clankriminalität", 2020, 2034,
              False),
    "03-02": ("IM", 3, "Prävention zur Bekämpfung der Clankriminalität", 2020, 2025, False),
    "16-01": ("MKW", 3, "Neue Künste Ruhr", 2020, 2030, False),
    "08-01": ("MAGS", 3, "Hebammenzentralen für das Ruhrgebiet", 2020, 2022, True),
    "19-01": ("Stk Sport", 3, "Ruhr Games", None, None, True),
    "19-02": ("Stk Sport", 3, "Sport Valley", None, 2022, False),
    "19-03": ("Stk Sport", 3, "Patenprogramm NRW für Dich", None, None, True),
    "19-04": ("Stk Sport", 3, "Oral-History", 2020, 2022, False),
    "19-05": ("Stk Sport", 3, "Volunteers for Life", None, None, True),
    "19-06": ("Stk Sport", 3, "Ideencluster Sport", 2020, 2020, True),
    "19-07": ("Stk Sport", 3, "Olympische Idee im Ruhrgebiet verankern– Erlebnischarakter von "
              "Sportgroßveranstaltungen stärken", 2020, 2032, False),
    "12-01": ("JM", 3, "Verortung der Konzeptions- und Koordinierungsstelle für "
              "rechtsstaatlichen Dialog", 2020, None, True),
    "12-02": ("JM", 3, "Einsatz rechtsstaatlicher Lotsinnen und Lotsen als “Brückenbauer“",
              2020, 2021, False),
    "12-03": ("JM", 3, "„Vom Friedensrichter zum Rechtsmittler“", 2020, 2022, False),
    "12-04": ("JM", 3, "Sprach- und Kulturmittler", 2020, 2022, False),
    "12-05": ("JM", 3, "Aus- und Fortbildungskonzept für eine diversitätsgerechte Justiz", None,
              2022, False),
    "12-06": ("JM", 3, "Rechts(staats-)kundeangebote im Elementarbereich, in der Grundschule "
              "und in der Sekundarstufe I", None, 2022, False),
    "12-07": ("JM", 3, "Justiz und Öffentlichkeit", 2020, 2020, False),
    "12-08": ("JM", 3, "Stärkung des Gewaltschutzes", 2020, 2020, False),
    "18-01": ("Stk/CdS", 3, "RuhrReporter", 2020, 2022, False),
    "18-02": ("Stk/CdS", 3, "Jugendredaktion Ruhr", 2020, 2022, False),
    "18-03": ("Stk/CdS", 3, "Mentorenprogramm für mehr Diversität im Lokaljournalismus", 2020,
              2022, False),
    "18-04": ("Stk/CdS", 3, "Entwicklung einer Community Relations-Software", 2020, 2022, False),
    "18-05": ("Stk/CdS", 3, "MediaLab Ruhr", 2020, 2022, False),
    "20-01": ("Stk Ehrenamt", 3, "Netzwerk Unternehmensengagement RUHR", 2020, 2023, False),
    "20-02": ("Stk Ehrenamt", 3, "Neue Impulse für die Zusammenarbeit von Unternehmen und "
              "Vereinen vor Ort", 2020, 2021, False),
    "20-03": ("Stk Ehrenamt", 3, "RuhrstadtTRÄUMER", 2020, 2022, False),
    "08-02": ("MAGS", 3, "Virtuelles Krankenhaus", 2020, None, True),
    "04-01": ("MWIDE", 4, "Projektaufruf SmarteQuartiere", 2020, 2030, False),
    "04-02": ("MWIDE", 4, "Beratungsbüro SmarteQuartiere", 2020, 2030, False),
    "04-03": ("MWIDE", 4, "Marketingkampagne Erneuerbare Energien", 2020, 2030, False),
    "04-04": ("MWIDE", 4, "Ausbauinitiative Erneuerbarer Strom", 2020, 2030, False),
    "04-05": ("MWIDE", 4, "Ausbauintiative Erneuerbare Wärme", 2020, 2030, False),
    "04-06": ("MWIDE", 4, "Open District Hub Bochum", None, 2022, False),
    "04-07": ("MWIDE", 4, "Handwerkerinitiative Energie/Wärme", 2020, 2030, False),
    "04-08": ("MWIDE", 4, "Spitzencluster Industrielle Innovation", 2020, 2029, False),
    "14-01": ("MULNV", 4, "Offensive Grüne Infrastruktur 2030", 2020, 2024, True),
    "14-02": ("MULNV", 4, "Klimaresiliente Region mit internationaler Strahlkraft", 2020, 2030,
              False),
    "11-05": ("MHKBG", 4, "Innovation City Roll-out", 2020, 2025, False),
    "15-01": ("MKW", 5, "Excellence Departments", 2020, None, True),
    "15-02": ("MKW", 5, "Forschungszentrum Urban Health", 2020, 2029, True),
    "15-03": ("MKW", 5, "Ruhrvalley", 2020, 2021, True),
    "10-01": ("MSB", 5, "Schulbezogener Sozialindex", 2020, 2020, False),
    "09-01": ("MSB", 5, "Lehrergewinnung", None, 2022, False),
    "09-02": ("MSB", 5, "talents4teachers + teachers4talents", 2020, 2024, False),
    "10-05": ("MSB", 5, "Talentkollegs", 2020, 2023, False),
    "07-01": ("MAGS", 5, "Zukunftscampus – Bildungszentren von morgen", 2020, 2027, True),
    "07-02": ("MAGS", 5, "Ruhrinitiative Teilzeitausbildung", 2020, 2023, False),
    "15-04": ("MKW", 5, "Ausweitung Talentscouting", 2020, 2020, True),
    "10-04": ("MSB", 5, "NRWTalente", 2020, 2020, True),
    "10-02": ("MSB", 5, "Familiengrundschulzentren/Elterneinbindung", 2020, 2022, False),
    "10-03": ("MSB", 5, "„Fachtag Kulturelle Bildung-Projektfonds Kulturelle Bildung“.", 2020,
              2022, False),
    "10-06": ("MSB", 5, "UWE - Umwelt, Wohlbefinden und Entwicklung von Kindern und "
              "Jugendlichen im Ruhrgebiet", 2020, 2026, False),
    "01-01": ("MKFFI", 5, "Talentwerkstätten für Jugendliche im Ruhrgebiet", None, 2024, False),
}

# Where the table of contents writes a title differently from the body (or the body has none).
TOC_TITLES = {
    "05-02": "Zentrum für Chemie 4.0: Heimat des Inkubators Start4Chem",
    "16-01": "Neue Künste Ruhr",
    "19-03": "Patentprogramm NRWir für Dich",
    "04-01": "Projektauftrag SmarteQuartiere",
    "04-04": "Ausbauintiative Erneuerbarer Strom",
}


@pytest.fixture(scope="module")
def catalogue():
    return read(SOURCE)


def test_whole_catalogue_counts(catalogue):
    assert catalogue.title == "Handlungsfelder und Projekte der Ruhr-Konferenz"
    assert len(catalogue.projects) == 74
    assert len(catalogue.fields) == 5
    assert [f.title for f in catalogue.fields] == [
        "Chancenregion Ruhr: Vernetzte Mobilität – kurze Wege",
        "Chancenregion Ruhr: Erfolgreiche Wirtschaft – gute Arbeit",
        "Chancenregion Ruhr: Gelebte Vielfalt – starker Zusammenhalt",
        "Chancenregion Ruhr: Sichere Energie – gesunde Umwelt",
        "Chancenregion Ruhr: Beste Bildung – exzellente Forschung",
    ]
    codes = [p.code for p in catalogue.projects]
    assert len(set(codes)) == 74
    assert codes == [t.code for t in catalogue.toc]
    per_field = {n: sum(p.field == n for p in catalogue.projects) for n in range(1, 6)}
    assert per_field == {1: 6, 2: 12, 3: 30, 4: 11, 5: 15}


def test_every_project_exact(catalogue):
    got = {p.code: (p.ministry, p.field, p.title, p.duration.start_year, p.duration.end_year,
                    p.duration.open_ended) for p in catalogue.projects}
    assert got == EXPECTED


def test_toc_titles(catalogue):
    for project in catalogue.projects:
        expected = TOC_TITLES.get(project.code, EXPECTED[project.code][2])
        assert project.title_toc == expected, project.code
    assert [p.code for p in catalogue.projects if not p.title_in_body] == ["16-01"]


def test_every_project_has_description_measures_duration(catalogue):
    for project in catalogue.projects:
        assert project.description.strip(), project.code
        assert project.measures, project.code
        assert project.duration.text.strip(), project.code
        assert [m.position for m in project.measures] == list(
            range(1, len(project.measures) + 1))


def test_spans_point_into_the_source(catalogue):
    text = catalogue.text
    for project in catalogue.projects:
        heading = source_line(project.span.line_start)
        assert f"{project.code})" in heading
        assert text[project.span.start:].startswith(heading)
        if project.title_span:
            assert text[project.title_span.start:project.title_span.end] == project.title
        for measure in project.measures:
            assert (project.measures_span.start <= measure.span.start < measure.span.end
                    <= project.measures_span.end)
        laufzeit = source_line(project.duration.span.line_start)
        assert "Laufzeit" in laufzeit
        assert text[project.duration.span.start:project.duration.span.end] in laufzeit


def test_findings_name_every_variant(catalogue):
    kinds = {(f.line, f.kind) for f in catalogue.findings}
    assert (316, "title-missing") in kinds
    assert (342, "title-differs") in kinds
    assert (515, "title-differs") in kinds
    assert (533, "title-differs") in kinds
    assert (43, "toc-stray-quote") in kinds
    assert {(535, "row-not-tabbed"), (537, "row-not-tabbed"), (547, "row-not-tabbed")} <= kinds
    assert {(373, "heading-level"), (471, "heading-level"), (578, "heading-level")} <= kinds
    assert (714, "no-final-newline") in kinds
    assert sorted(line for line, k in kinds if k == "code-separator") == [213, 310, 403, 409,
                                                                          423]


def test_measures_of_an_ordered_list(catalogue):
    project = next(p for p in catalogue.projects if p.code == "13-01")
    assert [(m.kind, m.label, m.text) for m in project.measures] == [
        ("step", "1.", "Einführung von Schnellbussen und Reaktivierung von Bahnstrecken"),
        ("step", "2.", "Angebotsoffensive und Stationsoffensive"),
        ("step", "3.", "Einrichtung von On-Demand-Verkehrsangeboten"),
        ("step", "4.", "Maßnahmenpaket für ein „Robustes Netz“"),
        ("step", "5.", "Erneuerungsmaßnahmen für die kommunalen Schienennetze"),
    ]


def test_free_text_around_a_list_is_kept(catalogue):
    project = next(p for p in catalogue.projects if p.code == "06-03")
    kinds = [m.kind for m in project.measures]
    assert kinds == ["text", "item", "item", "item", "item", "text"]
    assert project.measures[0].text.startswith("Gemeinsam mit Vertretern des Regionalverbands")
    assert project.measures[-1].text.startswith("In einem nächsten Schritt")


def test_no_text_of_a_measures_row_is_lost(catalogue):
    """Every word of every Maßnahmen row reappears in the measures (labels included)."""
    import re

    from ruhrgraph.extract import markup
    for project in catalogue.projects:
        row = catalogue.text[project.measures_span.start:project.measures_span.end]
        words = re.findall(r"\w+", markup.clean(row))
        joined = " ".join(f"{m.label or ''} {m.text}" for m in project.measures)
        assert re.findall(r"\w+", joined) == words, project.code


# --- formatting variants on short real excerpts ------------------------------------------

HEAD = """

# Handlungsfelder und Projekte der Ruhr- Konferenz

## 5 Handlungsfelder mit {n} Projekten für die Chancenregion Ruhr

<b>Chancenregion Ruhr: Vernetzte Mobilität – kurze Wege</b> .....\t<b>6</b>
{toc}

## Chancenregion Ruhr: Vernetzte Mobilität – kurze Wege

Wir wollen gemeinsam die Mobilität der Zukunft entwickeln.

"""


def mini(toc: list[str], body: str, fields: int = 1) -> str:
    head = HEAD.format(n=len(toc), toc="\n".join(toc)).replace("5 Handlungsfelder",
                                                               f"{fields} Handlungsfelder")
    return head + body


def one(body: str, toc_line: str) -> object:
    return parse(mini([toc_line], body))


ROWS_1301 = "\n".join(SOURCE_LINES[142:145]) + "\n"


def test_variant_markdown_heading():
    cat = one("### ÖPNV-Initiative (VM, 13-01)\n\n" + ROWS_1301,
              "ÖPNV-Initiative (VM, 13-01).....\t7")
    (p,) = cat.projects
    assert (p.code, p.ministry, p.title, p.field) == ("13-01", "VM", "ÖPNV-Initiative", 1)
    assert len(p.measures) == 5
    assert (p.duration.start_year, p.duration.end_year) == (2020, 2030)


def test_variant_bold_markdown_heading():
    cat = one("### **Know-how Locator (FM, 02-01)**\n\n" + "\n".join(SOURCE_LINES[255:258]),
              "Know-how Locator (FM, 02-01).....\t16")
    (p,) = cat.projects
    assert (p.title, p.ministry) == ("Know-how Locator", "FM")
    assert p.duration.text == "2020, ab dann Fortführung im Regelbetrieb"
    assert p.duration.open_ended is True
    assert [m.kind for m in p.measures] == ["text"]


def test_variant_html_bold_title_with_tab():
    cat = one(source_line(329) + "\n" + "\n".join(SOURCE_LINES[329:332]) + "\n",
              "Ruhr Games (Stk Sport, 19-01).....\t23")
    (p,) = cat.projects
    assert (p.title, p.ministry, p.code) == ("Ruhr Games", "Stk Sport", "19-01")
    assert p.measures[0].text.startswith("Die Verstetigung und Weiterentwicklung")


def test_variant_title_missing_in_body():
    cat = one(source_line(316) + "\n" + "\n".join(SOURCE_LINES[316:319]) + "\n",
              "Neue Künste Ruhr (MKW, 16-01).....\t21")
    (p,) = cat.projects
    assert (p.title, p.title_toc, p.title_in_body) == ("Neue Künste Ruhr", "Neue Künste Ruhr",
                                                       False)
    assert p.title_span is None
    assert any(f.kind == "title-missing" for f in cat.findings)


def test_variant_semicolon_and_level_two_heading():
    body = "## Prävention zur Bekämpfung der Clankriminalität (IM; 03-02)\n\n" + "\n".join(
        SOURCE_LINES[311:314]) + "\n"
    cat = one(body, "Prävention zur Bekämpfung der Clankriminalität (IM; 03-02) .....\t20")
    (p,) = cat.projects
    assert (p.code, p.ministry) == ("03-02", "IM")
    assert {f.kind for f in cat.findings} >= {"code-separator", "heading-level"}


def test_variant_markdown_rows():
    body = "\n".join(SOURCE_LINES[532:548])
    cat = one(body + "\n", "Ausbauintiative Erneuerbarer Strom (MWIDE, 04-04).....\t44")
    (p,) = cat.projects
    assert p.title == "Ausbauinitiative Erneuerbarer Strom"
    assert p.description.startswith("Mit einem vielfältigen Programm")
    assert [m.kind for m in p.measures] == ["text"] + ["item"] * 7
    assert p.measures[1].text.startswith("Weiterführung der Kommunikation")
    line = cat.text.split("\n")[p.measures[1].span.line_start - 1]
    assert line.startswith("- Weiterführung der Kommunikation")
    assert p.duration.text == "2020 bis 2030"


def test_variant_paragraphs_entities_and_subscript():
    cat = one(source_line(551) + "\n" + "\n".join(SOURCE_LINES[551:554]) + "\n",
              "Ausbauintiative Erneuerbare Wärme (MWIDE, 04-05).....\t45")
    (p,) = cat.projects
    assert "CO₂-neutrale Wärmeversorgung" in p.description
    cat = one("### Zentrum für Chemie 4.0: Heimat des Inkubators Start4Chem (MWIDE, 05-02)\n\n"
              + "\n".join(SOURCE_LINES[202:205]) + "\n",
              "Zentrum für Chemie 4.0: Heimat des Inkubators Start4Chem “ (MWIDE, 05-02).....\t11")
    (p,) = cat.projects
    assert any("MPI für IT-Sicherheit & Exzellenzcluster CASA" in m.text for m in p.measures)
    assert [m.kind for m in p.measures][:3] == ["text", "text", "item"]


def test_variant_html_paragraph_in_duration_row():
    body = "### MediaLab Ruhr (Stk/CdS, 18-05)\n\n" + "\n".join(SOURCE_LINES[458:461]) + "\n"
    cat = one(body, "MediaLab Ruhr (Stk/CdS, 18-05).....\t35")
    (p,) = cat.projects
    assert p.duration.text == ("Start in 2020, Laufzeit zunächst 3 Jahre; nach Evaluation ggf. "
                               "Fortführung")
    assert (p.duration.start_year, p.duration.end_year, p.duration.open_ended) == (2020, 2022,
                                                                                    False)


def test_variant_last_line_without_newline():
    body = "### Talentwerkstätten für Jugendliche im Ruhrgebiet (MKFFI, 01-01)\n\n" + "\n".join(
        SOURCE_LINES[711:714])
    assert not body.endswith("\n")
    cat = one(body, "Talentwerkstätten für Jugendliche im Ruhrgebiet (MKFFI, 01-01) .....\t58")
    (p,) = cat.projects
    assert p.duration.text == "Bis 2024"
    assert any(f.kind == "no-final-newline" for f in cat.findings)
    assert cat.text[p.duration.span.start:p.duration.span.end] == "Bis 2024"


# --- bad input ------------------------------------------------------------------------------


def write(tmp_path, data: bytes) -> Path:
    path = tmp_path / "catalogue.txt"
    path.write_bytes(data)
    return path


def test_empty_file(tmp_path):
    with pytest.raises(ReadError) as error:
        read(write(tmp_path, b""))
    assert str(error.value).endswith("catalogue.txt:1: the file is empty: no catalogue text "
                                     "to read")


def test_binary_garbage(tmp_path):
    data = SOURCE.read_bytes()[:5000] + b"\x00\x01\xff\xfe" + SOURCE.read_bytes()[5000:]
    with pytest.raises(ReadError) as error:
        read(write(tmp_path, data))
    line = SOURCE.read_bytes()[:5000].count(b"\n") + 1
    assert f"catalogue.txt:{line}: not UTF-8 text: byte 0xff" in str(error.value)


def test_control_characters(tmp_path):
    data = SOURCE.read_bytes().replace(b"Mobilit\xc3\xa4tszentrale (VM",
                                       b"Mobilit\x00tszentrale (VM", 1)
    with pytest.raises(ReadError) as error:
        read(write(tmp_path, data))
    assert "catalogue.txt:38: binary data: control character U+0000" in str(error.value)


def test_truncated_file(tmp_path):
    lines = SOURCE.read_bytes().split(b"\n")
    data = b"\n".join(lines[:589])  # cut inside 14-02 (line 586), before its Laufzeit row
    with pytest.raises(ReadError) as error:
        read(write(tmp_path, data))
    message = str(error.value)
    assert "catalogue.txt:589: project 14-02 (line 586) lacks its Laufzeit row; the text ends " \
           "here: truncated?" in message
    assert "catalogue.txt:589: found 4 action fields, the table of contents (line 33) " \
           "announces 5: truncated?" in message
    assert "catalogue.txt:589: project 01-01 listed in the table of contents (line 119) is " \
           "missing from the text: truncated?" in message


def test_truncated_inside_a_project(tmp_path):
    lines = SOURCE.read_bytes().split(b"\n")
    data = b"\n".join(lines[:712])  # 01-01 loses its Maßnahmen and Laufzeit rows
    with pytest.raises(ReadError) as error:
        read(write(tmp_path, data))
    assert ("catalogue.txt:712: project 01-01 (line 710) lacks its Maßnahmen, Laufzeit row; "
            "the text ends here: truncated?") in str(error.value)


def test_duplicate_codes(tmp_path):
    data = SOURCE.read_bytes().replace(b"### Mobilit\xc3\xa4tsregion (VM, 13-02)",
                                       b"### Mobilit\xc3\xa4tsregion (VM, 13-01)")
    with pytest.raises(ReadError) as error:
        read(write(tmp_path, data))
    assert "catalogue.txt:147: duplicate project code 13-01 (first on line 141)" \
        in str(error.value)


def test_project_without_rows(tmp_path):
    lines = SOURCE.read_bytes().split(b"\n")
    del lines[148:151]  # the three rows of 13-02 (lines 149-151)
    with pytest.raises(ReadError) as error:
        read(write(tmp_path, b"\n".join(lines)))
    assert "catalogue.txt:147: project 13-02 has no rows (expected Projektbeschreibung, " \
           "Maßnahmen, Laufzeit)" in str(error.value)


def test_text_that_is_no_catalogue(tmp_path):
    with pytest.raises(ReadError) as error:
        read(write(tmp_path, b"Einkaufsliste\nBrot\nMilch\n"))
    assert "catalogue.txt:1: no catalogue title" in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(ReadError) as error:
        read(tmp_path / "nope.txt")
    assert "cannot read the file" in str(error.value)
