"""The source texts, line by line: ``/source/<key>/text?lines=a-b#La``.

Every fact of the graph names the lines of the source it came from (``rg:firstLine``,
``rg:lastLine`` of a passage whose ``oa:hasSource`` is ``{base}source/<key>``). This view
shows the whole text with an anchor per line (``#L12``), marks the lines asked for and
lists what the graph derived from them, so a reader sees each fact in its context. The key
is the start of the file's SHA-256; the files are those the server was configured with
(``SOURCE``, ``REFERENCE_DIR``), checked against it. Without JavaScript all of it works.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext
from markupsafe import Markup, escape

from ruhrgraph import store
from ruhrgraph.iris import KINDS
from ruhrgraph.namespaces import OA, PROV
from ruhrgraph.namespaces import ONTOLOGY_NS as RG
from ruhrgraph.web import state
from ruhrgraph.web.ops.errors import localized
from ruhrgraph.web.pages import lookup
from ruhrgraph.web.pages.pagecache import respond
from ruhrgraph.web.pages.terms import Linker

bp = Blueprint("source", __name__)

_KEY = re.compile(KINDS["source"])
_LINES = re.compile(r"([0-9]{1,7})(?:-([0-9]{1,7}))?")
#: A source view lists at most this many facts.
MAX_FACTS = 200
#: Passages starting this many lines before the marked ones are looked at (the longest in the
#: catalogue, an action field's introduction, spans 20 lines); at most MAX_FACT_LINES lines.
REACH_BACK = 60
MAX_FACT_LINES = 200


def files() -> dict[str, Path]:
    """Source files this server can show, by the first 16 hex digits of their SHA-256."""
    st = state()
    found = st.extras.get("source_files")
    if found is None:
        candidates = [Path(st.settings.source)]
        reference = Path(st.settings.reference_dir)
        if reference.is_dir():
            candidates += sorted(reference.glob("*.csv"))
        found = {}
        for path in candidates:
            if path.is_file():
                found[hashlib.sha256(path.read_bytes()).hexdigest()[:16]] = path
        st.extras["source_files"] = found
    return found


def _lines(path: Path) -> list[str]:
    """The file's lines as escaped HTML, one ``div`` each (cached: a file is rendered once)."""
    st = state()
    key = ("source_lines", str(path))
    found = st.extras.get(key)
    if found is None:
        found = st.extras[key] = [
            f'<div class="line" id="L{n}"><a class="ln" href="?lines={n}#L{n}" '
            f'aria-label="line {n}">{n}</a><span class="tx">{escape(text)}</span></div>'
            for n, text in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)]
    return found


def _range(raw: str | None, count: int) -> tuple[int, int] | None:
    if not raw:
        return None
    match = _LINES.fullmatch(raw)
    if not match:
        raise localized(400, "Bad Request", gettext("lines is a line number or a range like "
                                               "12-15"))
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if not 1 <= first <= last <= count:
        raise localized(400, "Bad Request", gettext("lines must lie within 1-%(count)d, first "
                                               "before last", count=count))
    return first, last


def facts_from(source: str, marked: int, first: int, last: int) -> list[dict]:
    """What the graph derived from passages of ``source`` starting on a line from ``first``
    to ``last`` and reaching line ``marked``: the passages starting in that window that also
    end on a line from ``marked`` to REACH_BACK after ``last`` (two lookups of one triple
    pattern, intersected), then their entities, a level at a time."""
    found = lookup.Resources()

    def on_lines(predicate: str, lines: range) -> list:
        return [s for s, _, _ in lookup.triples(
            p=lookup.iri(RG + predicate), o=[store.literal(n) for n in lines])]

    ending = {p.value for p in on_lines("lastLine", range(marked, last + REACH_BACK + 1))}
    passages = [p for p in on_lines("firstLine", range(first, last + 1)) if p.value in ending]
    found.fetch(passages, [RG + "firstLine", RG + "lastLine", OA + "hasSource"])
    passages = [p for p in passages
                if (src := found.value(p, OA + "hasSource")) is not None and src.value == source
                and (end := found.value(p, RG + "lastLine")) is not None
                and int(end.value) >= marked]
    derived = [(s, o) for s, _, o in lookup.triples(
        p=[lookup.iri(PROV + "wasDerivedFrom"), lookup.iri(OA + "hasTarget")], o=passages)]
    derived.sort(key=lambda d: (int(found.value(d[1], RG + "firstLine").value), d[0].value))
    derived = derived[:MAX_FACTS]
    found.fetch((p for _, p in derived), [OA + "hasSelector"])
    found.fetch((o for _, p in derived for o in found.objects(p, OA + "hasSelector")),
                [OA + "exact"])
    found.fetch((s for s, _ in derived), [OA + "hasBody"])
    out = []
    for entity, passage in derived:
        quotes = [q for sel in found.objects(passage, OA + "hasSelector")
                  if (q := found.value(sel, OA + "exact")) is not None] or [None]
        bodies = found.objects(entity, OA + "hasBody") or [None]
        out += [{"entity": entity, "body": body, "quote": quote.value if quote else None,
                 "first": int(found.value(passage, RG + "firstLine").value),
                 "last": int(found.value(passage, RG + "lastLine").value)}
                for quote in quotes for body in bodies]
    out.sort(key=lambda f: (f["first"], f["entity"].value))
    return out[:MAX_FACTS]


@bp.get("/source/<key>/text")
def text(key: str) -> Response:
    if not _KEY.fullmatch(key):
        raise localized(404, "Not Found", gettext("a source key is 16 hexadecimal digits"))
    path = files().get(key)
    if path is None:
        raise localized(404, "Not Found", gettext("the text of source %(key)s is not on this "
                                             "server", key=key))
    lines = _lines(path)
    marked = _range(request.args.get("lines"), len(lines))
    iri = state().iris.source(key)

    def render() -> tuple[bytes, str]:
        facts = []
        if marked:
            linker = Linker(state().iris)
            labels: dict = {}
            first = max(1, marked[0] - REACH_BACK)
            last = min(marked[1], marked[0] + MAX_FACT_LINES)
            found = facts_from(iri, marked[0], first, last)
            named = [t.value for f in found for t in (f["entity"], f["body"]) if t is not None]
            labels = lookup.labels(named) if named else {}
            for f in found:
                body = f["body"]
                facts.append({"entity": linker.show(f["entity"], labels),
                              "body": linker.show(body, labels) if body is not None else None,
                              "first": f["first"], "last": f["last"], "quote": f["quote"]})
        shown = list(lines)
        if marked:
            for n in range(marked[0], marked[1] + 1):
                shown[n - 1] = shown[n - 1].replace('class="line"', 'class="line marked"', 1)
        text = Markup("\n".join(shown))  # noqa: S704 - every line went through escape()
        html = render_template("source_text.html", key=key, name=path.name, text=text,
                               marked=marked, facts=facts, entity=f"/source/{key}")
        return html.encode("utf-8"), "text/html; charset=utf-8"

    return respond((request.path, marked), render)
