"""The linked-data pages: home, browse pages, and a page for every entity IRI of the graph.

Every entity IRI ``{base}{kind}/{key}`` resolves here by its path, ``/{kind}/{key}``, on
whatever host serves the app. Content negotiation answers **200** with the representation
the client prefers (HTML, Turtle, JSON-LD, N-Triples, RDF/XML), ``Vary: Accept`` and
``Content-Location`` naming the document served; ``/{kind}/{key}.{ext}`` (``.html .ttl
.jsonld .nt .rdf``) is each document under its own URL, for clients that send no Accept.
Every answer lists the others in ``Link: rel="alternate"`` headers. An IRI the graph does
not hold is a 404 page; an Accept nothing offered satisfies is a 406. The choice of 200
over 303 is explained in ``docs/linked-data.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext
from markupsafe import Markup

from ruhrgraph import store
from ruhrgraph.iris import KINDS, parse_path
from ruhrgraph.namespaces import ONTOLOGY, RDFS
from ruhrgraph.query import backends
from ruhrgraph.query.bindings import inline_values
from ruhrgraph.web import state
from ruhrgraph.web.endpoint import negotiation
from ruhrgraph.web.endpoint.service import prefixes
from ruhrgraph.web.ops.errors import ApiError, localized
from ruhrgraph.web.pages import browse, charts, entities, lookup, ruhrmap
from ruhrgraph.web.pages import resource as describe
from ruhrgraph.web.pages.pagecache import respond
from ruhrgraph.web.pages.queries import canned_queries
from ruhrgraph.web.pages.terms import KIND_NAMES, Linker, ntriples

bp = Blueprint("pages", __name__)

HTML = "text/html"
_RDF = {f.name: f for f in negotiation.GRAPHS if f.name in ("turtle", "jsonld", "ntriples",
                                                            "rdfxml")}
#: file extension -> format name ("html" or a key of _RDF), in the order of the Link header
EXTENSIONS = {"html": "html", "ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples",
              "rdf": "rdfxml"}
_EXTENSION_OF = {name: ext for ext, name in EXTENSIONS.items()}
_MEDIA = {"html": HTML, **{name: f.media_type for name, f in _RDF.items()}}


def choose_format() -> str:
    """The negotiated format name: HTML first for ``*/*`` and browsers, else RDF."""
    offers: list[tuple[str, str]] = [(HTML, "html"), ("application/xhtml+xml", "html")]
    for name, fmt in _RDF.items():
        offers += [(t, name) for t in (fmt.media_type, *fmt.aliases)]
    accept = request.accept_mimetypes
    if not accept:
        return "html"
    best = accept.best_match([t for t, _ in offers])
    if best is None:
        raise ApiError(406, "Not Acceptable", "this resource is available as "
                       + ", ".join(_MEDIA.values()) + "; or add one of the extensions "
                       + ", ".join("." + e for e in EXTENSIONS) + " to the URL")
    return dict(offers)[best]


def alternates(path: str, served: str | None) -> str:
    return ", ".join(f'<{path}.{ext}>; rel="alternate"; type="{_MEDIA[name]}"'
                     for ext, name in EXTENSIONS.items() if name != served)


def _content_type(name: str) -> str:
    return f"{_MEDIA[name]}; charset=utf-8"


def rdf_document(triples, name: str) -> bytes:
    """The triples (in any order: each engine has its own) as a document in ``name``, the
    same for every order."""
    body = b"".join(sorted(ntriples(triples).splitlines(keepends=True)))
    result = store.Result(store.GRAPH, body, len(triples))
    used = {p: ns for p, ns in prefixes(state().iris).items() if ns.encode() in body}
    return store.convert(result, name, prefixes=used)


def json_ld_script(triples) -> Markup:
    """The resource's triples as JSON-LD for a ``<script>`` element: ``<``, ``>`` and ``&``
    are written as JSON escapes, so no text of the data can end the element."""
    text = rdf_document(triples, "jsonld").decode("utf-8")
    text = json.dumps(json.loads(text), ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e")  # noqa: S704
                  .replace("&", "\\u0026"))


def editor_link(query: str, bindings: dict[str, object]) -> str:
    """The query editor holding ``query`` with its values written in as a VALUES block."""
    return "/sparql?" + urlencode({"query": inline_values(query, bindings) if bindings
                                   else query})


_EDITOR = f"PREFIX rdfs: <{RDFS}>\n" + """\
# Every property and value of one resource, with the labels of the values.
SELECT ?resource ?property ?value ?valueLabel
WHERE {
  ?resource ?property ?value .
  OPTIONAL { ?value rdfs:label ?valueLabel }
}
ORDER BY ?property ?value
"""


# --- entity pages --------------------------------------------------------------------------


def _entity(kind: str, key: str) -> Response:
    st = state()
    ext = None
    stem, dot, suffix = key.rpartition(".")
    if dot and suffix in EXTENSIONS and parse_path(f"{kind}/{stem}") is not None:
        # ``software/0.1.0.ttl``: a known extension after a valid key names a document,
        # even where the kind's keys may contain dots
        return _serve(st.iris.of(kind, stem), f"/{kind}/{stem}", kind, suffix)
    if parse_path(f"{kind}/{key}") is None:
        stem, dot, ext = key.rpartition(".")
        if dot and parse_path(f"{kind}/{stem}") is not None and ext not in EXTENSIONS:
            raise ApiError(404, "Not Found", f"no document .{ext[:20]} of /{kind}/{stem}; "
                           "the documents are " + ", ".join("." + e for e in EXTENSIONS))
        if not dot or ext not in EXTENSIONS or parse_path(f"{kind}/{stem}") is None:
            raise ApiError(404, "Not Found", f"/{kind}/{key[:80]} is no IRI of this graph: "
                           f"{kind} keys look like {KINDS[kind]}")
        key = stem
    iri = st.iris.of(kind, key)
    path = f"/{kind}/{key}"
    return _serve(iri, path, kind, ext)


def _serve(iri: str, path: str, kind: str, ext: str | None) -> Response:
    name = EXTENSIONS[ext] if ext else choose_format()
    headers = {"Link": alternates(path, name if ext else None)}
    if ext is None:
        headers["Vary"] = "Accept"
        headers["Content-Location"] = f"{path}.{_EXTENSION_OF[name]}"
    only, after = request.args.get("in"), request.args.get("after", "")
    if len(after) > 2000 or (only is not None and len(only) > 2000):
        raise ApiError(400, "Bad Request", "'in' and 'after' are IRIs of at most 2000 characters")
    lists = {}
    for param in LIST_PARAMETERS:
        number = request.args.get(param, "1")
        if not (number.isascii() and number.isdigit() and 1 <= int(number) <= 10**6):
            raise ApiError(400, "Bad Request", f"'{param}' is a page number: 1, 2, ...")
        lists[param] = int(number)

    def render() -> tuple[bytes, str]:
        if name != "html":
            triples = describe.document(iri)
            if not triples and not describe.incoming(iri):
                raise _missing(iri, kind)
            return rdf_document(triples, name), _content_type(name)
        return _html(iri, path, kind, only, after, lists).encode("utf-8"), \
            _content_type("html")

    return respond((path, name, only, after, *lists.values()), render, headers,
                   localized=name == "html")


#: Query parameters paging a page's lists of projects (the page number, from 1).
LIST_PARAMETERS = ("named-page", "projects-page")


def _html(iri: str, path: str, kind: str, only: str | None, after: str,
          lists: dict[str, int] | None = None) -> str:
    lists = lists or {}
    named_page, projects_page = (lists.get(n, 1) for n in LIST_PARAMETERS)
    found = describe.describe(iri, only, after)
    if not found.exists:
        raise _missing(iri, kind)
    special: dict = {}
    query, bound = _EDITOR, {"resource": lookup.iri(iri)}
    if kind == "project":
        special = entities.project(iri, named_page) or {}
        if special:
            special["timeline"] = charts.timeline_bar(special["start"], special["end"],
                                                      special["open_ended"])
            canned = canned_queries()
            if "project" in canned:
                query = canned["project"].body
                bound = {"code": lookup.text(special["code"])}
    elif kind == "place":
        named = entities.named_by(iri, named_page)
        special = {"named_by": named,
                   "map": ruhrmap.svg(highlight={iri}, title=gettext(
                       "Where this place lies in the Ruhr"))}
    elif kind == "organisation":
        special = {"named_by": entities.named_by(iri, named_page)}
    elif kind == "ministry":
        special = entities.ministry(iri, projects_page, named_page)
    elif kind == "field":
        special = entities.field(iri, projects_page)
    elif kind == "programme":
        special = entities.programme(iri)
    elif kind == "source":
        special = {"text": Linker(state().iris).path(iri) + "/text"}
    editor = editor_link(query, bound)
    return render_template(
        "resource.html", d=found, kind=kind, path=path, special=special,
        json_ld=json_ld_script(found.triples) if found.complete else None,
        editor=editor,
        formats=[(ext, _MEDIA[n]) for ext, n in EXTENSIONS.items()], only=only)


def _missing(iri: str, kind: str) -> ApiError:
    key = iri.rsplit(f"/{kind}/", 1)[-1]
    return localized(404, "Not Found", gettext(
        "There is no %(kind)s %(key)s in this graph: nothing is said about <%(iri)s>.",
        kind=KIND_NAMES.get(kind, kind), key=key, iri=iri))


def _register_kinds() -> None:
    for kind in KINDS:
        bp.add_url_rule(f"/{kind}/<path:key>", f"entity_{kind}",
                        lambda key, kind=kind: _entity(kind, key))


_register_kinds()


@bp.get("/ontology")
@bp.get("/ontology.<ext>")
def ontology(ext: str | None = None) -> Response:
    """The ontology: pyLODE's documentation as HTML, the ontology graph as RDF."""
    if ext is not None and ext not in EXTENSIONS:
        raise ApiError(404, "Not Found", f"no /ontology.{ext}; try " +
                       ", ".join("/ontology." + e for e in EXTENSIONS))
    st = state()
    name = EXTENSIONS[ext] if ext else choose_format()
    headers = {"Link": alternates("/ontology", name if ext else None)}
    if ext is None:
        headers["Vary"] = "Accept"
        headers["Content-Location"] = f"/ontology.{_EXTENSION_OF[name]}"
    doc = backends.release_dir(st.settings) / "ontology.html"

    def render() -> tuple[bytes, str]:
        if name == "html" and Path(doc).is_file():
            return Path(doc).read_bytes(), _content_type("html")
        rows = lookup.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
                             {"g": lookup.iri(st.iris.graph("ontology"))})
        if name == "html":
            return _html(ONTOLOGY, "/ontology", "ontology", None, "").encode(), \
                _content_type("html")
        return rdf_document([(r["s"], r["p"], r["o"]) for r in rows], name), \
            _content_type(name)

    response = respond(("/ontology", name), render, headers, localized=name == "html")
    if name == "html" and Path(doc).is_file():
        # pyLODE's page keeps its styles inline; it has no script to run.
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    return response


# --- home and browse pages -------------------------------------------------------------


def _page(template: str, context: Callable[[], dict]) -> Response:
    def render() -> tuple[bytes, str]:
        return render_template(template, **context()).encode("utf-8"), _content_type("html")
    return respond((request.path, request.query_string), render)


@bp.get("/")
def home() -> Response:
    return _page("home.html", context=browse.home)


@bp.get("/projects")
def projects() -> Response:
    after = request.args.get("after", "")
    if len(after) > 40:
        raise localized(400, "Bad Request", gettext("'after' is a project code"))
    return _page("browse_projects.html", context=lambda: browse.projects(after))


@bp.get("/ministries")
def ministries() -> Response:
    return _page("browse_ministries.html", context=browse.ministries)


@bp.get("/fields")
def fields() -> Response:
    return _page("browse_fields.html", context=browse.fields)


@bp.get("/places")
def places() -> Response:
    return _page("browse_places.html", context=browse.places)


@bp.get("/organisations")
def organisations() -> Response:
    return _page("browse_organisations.html", context=browse.organisations)
