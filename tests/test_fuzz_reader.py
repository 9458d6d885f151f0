"""Hostile input for the reader: mutated catalogue text yields records or a ReadError.

Never another exception, never a hang (hypothesis' deadline and pytest-timeout bound each
example). The mutations are the ones a broken conversion or a careless edit produces: lines
lost, doubled or swapped, bytes flipped, text cut, markup and separators garbled.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruhrgraph.extract import ReadError, decode, parse
from ruhrgraph.records import Catalogue

SOURCE = Path(__file__).resolve().parent.parent / "data" / "source" / "000_105bd650c26cdedc.txt"
DATA = SOURCE.read_bytes()
LINES = DATA.split(b"\n")

FUZZ = settings(max_examples=150, deadline=2000, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def read_bytes(data: bytes) -> Catalogue | ReadError:
    try:
        return parse(decode(data, "fuzz.txt"), source_name="fuzz.txt")
    except ReadError as error:
        assert error.findings, "a ReadError must say what and where"
        for finding in error.findings:
            assert isinstance(finding.line, int) and finding.line >= 0
            assert finding.kind and finding.message
        return error


def check(result: Catalogue | ReadError) -> None:
    if isinstance(result, Catalogue):
        codes = [p.code for p in result.projects]
        assert len(codes) == len(set(codes))
        for project in result.projects:
            assert project.measures and project.description and project.duration.text
            for measure in project.measures:
                assert 0 <= measure.span.start < measure.span.end <= len(result.text)


line_index = st.integers(min_value=0, max_value=len(LINES) - 1)


@FUZZ
@given(st.lists(line_index, min_size=1, max_size=8, unique=True))
def test_lines_lost(indexes):
    lines = [line for i, line in enumerate(LINES) if i not in set(indexes)]
    check(read_bytes(b"\n".join(lines)))


@FUZZ
@given(line_index, line_index)
def test_lines_doubled_or_moved(a, b):
    lines = list(LINES)
    lines.insert(b, lines[a])
    check(read_bytes(b"\n".join(lines)))


@FUZZ
@given(st.integers(min_value=0, max_value=len(DATA)))
def test_cut_anywhere(length):
    check(read_bytes(DATA[:length]))


@FUZZ
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(DATA) - 1),
                          st.integers(min_value=0, max_value=255)), min_size=1, max_size=6))
def test_bytes_flipped(flips):
    data = bytearray(DATA)
    for position, value in flips:
        data[position] = value
    check(read_bytes(bytes(data)))


TOKENS = ["\t", "(", ")", ",", ";", "<li>", "</li>", "<ul>", "</ol>", "<p>", "</p>", "<b>",
          "**", "### ", "## ", "# ", "Laufzeit\t", "Maßnahmen\t", "Projektbeschreibung\t",
          "&amp;", "&", "<", ">", "\n", "(VM, 13-01)", "\u2028", "\r", "\ufeff", "–"]


@FUZZ
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(DATA) - 1),
                          st.sampled_from(TOKENS)), min_size=1, max_size=10))
def test_markup_garbled(insertions):
    text = SOURCE.read_text("utf-8")
    for position, token in sorted(insertions, reverse=True):
        text = text[:position] + token + text[position:]
    check(read_bytes(text.encode("utf-8")))


@FUZZ
@given(st.text(max_size=2000))
def test_arbitrary_text(text):
    check(read_bytes(text.encode("utf-8", "surrogatepass")))
