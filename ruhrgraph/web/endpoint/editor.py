"""The query page: YASGUI configured for this graph, and the plain form beneath it.

It is served at ``/sparql`` to clients that prefer HTML (a browser's GET, with or without
``query=``), so a permalink is simply ``/sparql?query=...`` (YASGUI adds the view it shows,
``outputFormat=``). YASGUI is vendored in ``static/vendor/yasgui`` (``make vendor-yasgui``)
and ``static/editor.js`` configures it: our endpoint only, completion from
``/sparql/editor.json`` (``completion``), the canned queries as examples. Nothing comes from
another host, and without JavaScript the plain form still submits (docs/editor.md).
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, render_template, request

from ruhrgraph.query import canned
from ruhrgraph.query.canned import editor_text
from ruhrgraph.web import i18n, state
from ruhrgraph.web.endpoint import completion, negotiation
from ruhrgraph.web.endpoint import service as description

bp = Blueprint("editor", __name__)

_HEADER = re.compile(r"^#\+?\s*([A-Za-z_-]+)\s*:\s*(.*?)\s*$")


def examples(directory: str) -> list[dict[str, str]]:
    """The canned queries (``*.rq``) as the editor's examples: through ``canned`` (the
    header, and the parameters' defaults written in so the example runs as it stands), or for
    a file ``canned`` does not take, the ``#+ title:`` and ``#+ description:`` lines."""
    found = []
    for path in sorted(Path(directory).glob("*.rq")):
        try:
            query = canned.load(path)
        except canned.CannedQueryError:
            pass
        else:
            found.append({"name": query.name, "title": query.title,
                          "description": query.description, "title_de": query.title_de,
                          "description_de": query.description_de,
                          "query": editor_text(query)})
            continue
        text = path.read_text(encoding="utf-8")
        meta: dict[str, str] = {}
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            match = _HEADER.match(line)
            if match:
                meta.setdefault(match.group(1).lower(), match.group(2))
        found.append({"name": path.stem, "title": meta.get("title", path.stem),
                      "description": meta.get("description", ""), "query": text})
    return found


def localized(found: list[dict[str, str]], lang: str) -> list[dict[str, str]]:
    """The examples with the title and description in ``lang`` (German where given)."""
    def pick(ex: dict[str, str], key: str) -> str:
        return (ex.get(f"{key}_de") if lang == "de" else None) or ex[key]
    return [{"name": ex["name"], "title": pick(ex, "title"),
             "description": pick(ex, "description"), "query": ex["query"]} for ex in found]


#: The query a new tab starts with: short, and only the prefixes it uses.
STARTER_BODY = ("SELECT ?project ?title ?ministry WHERE {\n"
                "  ?project a rg:Project ;\n"
                "           rdfs:label ?title ;\n"
                "           rg:leadMinistry ?ministry .\n"
                "}\nORDER BY ?project\nLIMIT 25\n")


def starter(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {p}: <{prefixes[p]}>\n" for p in ("rg", "rdfs")) + "\n" + \
        STARTER_BODY


def page(query: str) -> Response:
    st = state()
    canned = st.extras.get("examples")
    if canned is None:
        canned = st.extras["examples"] = examples(st.settings.queries_dir)
    prefixes = description.prefixes(st.iris)
    formats = {"results": [{"name": f.name, "media_type": f.media_type, "ext": f.extension}
                           for f in negotiation.RESULTS],
               "graph": [{"name": f.name, "media_type": f.media_type, "ext": f.extension}
                         for f in negotiation.GRAPHS]}
    html = render_template(
        "sparql.html", query=query or starter(prefixes), starter=starter(prefixes),
        examples=localized(canned, i18n.locale()), formats=formats,
        base=st.iris.base, build=st.build, timeout=st.settings.query_timeout,
        max_rows=st.settings.max_result_rows)
    return Response(html, 200, content_type="text/html; charset=utf-8",
                    headers={"Vary": "Accept", "Cache-Control": "no-cache"})


@bp.get("/sparql/editor.json")
def index() -> Response:
    """The editor's completion index of the served build (``completion``), made once per
    worker and build; an ETag lets a browser keep it."""
    st = state()
    key = ("editor-index", st.build.build_id)
    cached = st.extras.get(key)
    if cached is None:
        made = completion.build(_rows, st.iris, description.prefixes(st.iris),
                                st.build.build_id)
        cached = st.extras[key] = completion.encode(made)
    body, etag = cached
    response = Response(body, 200, content_type="application/json; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})
    response.set_etag(etag)
    return response.make_conditional(request)


def _rows(query: str) -> list[dict[str, object]]:
    st = state()
    return st.executor.run(lambda: st.backend.rows(query, max_rows=100_000),
                           st.settings.query_timeout)
