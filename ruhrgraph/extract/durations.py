"""Reading a Laufzeit (duration) text: start year, end year and whether it is open-ended.

The rules, in the words of ``docs/records.md``:

* ``start_year`` and ``end_year`` are the years the text states for the project itself;
  a year the text does not state stays ``None`` ("Bis 2022" has no start year).
* A duration in years counts the start year: "Start in 2020, 3 Jahre" ends in 2022, as
  "3 Jahre: Bis … 2022" starts in 2020. Such derived years carry a ``note``.
* "Ende der Legislaturperiode" is the end of the 17th NRW legislative period, 2022 (note).
* ``open_ended`` is true when the text gives no end at all, or says the project carries on
  after its stated end into regular operation ("ab dann Fortführung im Regelbetrieb",
  "danach Regelbetrieb", "ab 2025 Fortführung …"). A possible extension after evaluation
  ("nach Evaluation ggf. Fortführung") is not open-ended: the stated end stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

YEAR = r"((?:19|20)\d{2})"
LEGISLATURE_END = 2022  # the 17th Landtag of NRW sat from June 2017 to May 2022


@dataclass(frozen=True)
class ParsedDuration:
    text: str
    start_year: int | None
    end_year: int | None
    open_ended: bool
    note: str | None = None


_RANGE = re.compile(rf"{YEAR}\s*(?:bis|-|–)\s*{YEAR}")
_UNTIL = re.compile(rf"^(?:Bis|Zunächst bis(?: einschließlich)?)\s+{YEAR}", re.IGNORECASE)
_START_FOR = re.compile(rf"Start in {YEAR}\D*?(\d+) Jahre")
_YEARS_UNTIL = re.compile(rf"^(\d+) Jahre:.*?\b{YEAR}\b")
_FROM = re.compile(rf"^Ab {YEAR}")
_EXPECTED_END = re.compile(rf"voraussichtlich {YEAR}")
_LEADING_YEAR = re.compile(rf"^{YEAR}(?=\s*(?:,|$|bis zur))")
_BUILD_UP = re.compile(rf"^Aufbauphase {YEAR}")
_ANY_YEAR = re.compile(rf"\b{YEAR}\b")
_CONTINUES = re.compile(r"(?:ab dann|danach|in der Folge|ab \d{4})[^;]*?"
                        r"(?:Regelbetrieb|Regelsystem|Regelfinanzierung|Regelversorgung)")
_UNTIL_TAKEOVER = re.compile(r"bis zur Übernahme in die Regel")
_LEGISLATURE = re.compile(r"bis Ende der Legislatur")


def parse_duration(text: str) -> ParsedDuration:
    """Parse the cleaned text of a Laufzeit row."""
    text = text.strip()
    start: int | None = None
    end: int | None = None
    notes: list[str] = []
    if m := _RANGE.search(text):
        start, end = int(m.group(1)), int(m.group(2))
    elif m := _UNTIL.search(text):
        end = int(m.group(1))
    elif m := _START_FOR.search(text):
        start = int(m.group(1))
        end = start + int(m.group(2)) - 1
        notes.append(f"end year derived: {m.group(2)} years from {start}, counting {start}")
    elif m := _YEARS_UNTIL.search(text):
        end = int(m.group(2))
        start = end - int(m.group(1)) + 1
        notes.append(f"start year derived: {m.group(1)} years up to {end}, counting {end}")
    elif m := _FROM.search(text):
        start = int(m.group(1))
        if e := _EXPECTED_END.search(text):
            end = int(e.group(1))
            notes.append("the end year is the expected one ('voraussichtlich')")
    elif m := _BUILD_UP.search(text):
        start = end = int(m.group(1))
        notes.append("the years are those of the build-up phase (Aufbauphase)")
    elif m := _LEADING_YEAR.search(text):
        start = int(m.group(1))
        if not _UNTIL_TAKEOVER.search(text):
            end = start
    elif (m := _ANY_YEAR.search(text)) and text.startswith("Dazu werden"):
        start = int(m.group(1))
        notes.append("only the first step's year is given")
    if end is None and _LEGISLATURE.search(text):
        end = LEGISLATURE_END
        notes.append("end of the legislative period: 2022 (17th Landtag of NRW)")
    open_ended = end is None or bool(_CONTINUES.search(text))
    return ParsedDuration(text, start, end, open_ended, "; ".join(notes) or None)
