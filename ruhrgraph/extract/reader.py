"""Extract stage: the catalogue text -> :class:`~ruhrgraph.records.Catalogue`.

The text is a PDF conversion with uneven markup (see ``data/source/README.md``). Every
variant is handled in code; the source copy is never edited. The reader returns the
records together with findings (line, kind, message) for whatever it had to work around,
and raises :class:`ReadError` (with the fatal findings) only when the input cannot be read
as a catalogue at all: not UTF-8 text, empty, truncated, duplicate codes, a project without
its rows. :func:`parse` runs the steps: front matter and table of contents (``toc``), the
body (``body``), the checks (``checks``) and record assembly (``assemble``).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ruhrgraph.extract import assemble, checks
from ruhrgraph.extract.body import read_body
from ruhrgraph.extract.source import ReadError, split_lines
from ruhrgraph.extract.toc import front_matter
from ruhrgraph.records import Catalogue, Finding

__all__ = ["ReadError", "decode", "parse", "read"]


def decode(data: bytes, source: str) -> str:
    """UTF-8 text of ``data``, or a ReadError naming the line of the first bad byte."""
    if not data.strip():
        raise ReadError(source, [Finding(1, "empty",
                                         "the file is empty: no catalogue text to read")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReadError(source, [Finding(line, "not-utf8",
                                         f"not UTF-8 text: byte 0x{data[error.start]:02x} "
                                         f"at offset {error.start} ({error.reason})")]) from None
    bad = re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise ReadError(source, [Finding(line, "control-character",
                                         f"binary data: control character "
                                         f"U+{ord(bad.group(0)):04X} at offset {bad.start()}")])
    return text


def read(path: str | Path) -> Catalogue:
    """Read and parse the catalogue file at ``path``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(str(path), [Finding(0, "unreadable-file",
                                            f"cannot read the file: {error.strerror}")]) from None
    return parse(decode(data, str(path)), source_name=path.name,
                 sha256=hashlib.sha256(data).hexdigest(), source_path=str(path))


def parse(text: str, source_name: str = "<text>", sha256: str | None = None,
          source_path: str | None = None) -> Catalogue:
    """Parse catalogue ``text``; raise :class:`ReadError` if it is not a whole catalogue."""
    where = source_path or source_name
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if not text.strip():
        raise ReadError(where, [Finding(1, "empty", "the text is empty: no catalogue to read")])
    lines = split_lines(text)
    front = front_matter(lines, where)
    body = read_body(text, lines, front.body_index)
    problems = [*front.problems, *body.problems, *checks.problems(front, body, lines)]
    if problems:
        raise ReadError(where, sorted(set(problems), key=lambda f: (f.line, f.message)))
    projects, project_findings = assemble.projects(body.projects, front.entries, text, lines,
                                                   where)
    findings = [*checks.final_newline(text, lines), *front.findings, *body.findings,
                *project_findings, *checks.field_titles(body.fields, front.field_titles)]
    return Catalogue(title=front.title, introduction=front.introduction,
                     fields=assemble.fields(body.fields), projects=projects,
                     toc=tuple(front.entries),
                     findings=tuple(sorted(findings, key=lambda f: (f.line, f.kind))),
                     source_name=source_name, source_sha256=sha256, text=text)
