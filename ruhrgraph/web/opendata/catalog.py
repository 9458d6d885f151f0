"""Open-data publishing: ``/catalog`` (DCAT-AP.de), ``/void``, the described IRIs
(``/dataset/ruhrgraph``, ``/catalog/ruhrgraph``, ``/service/sparql``), ``/downloads`` and the
dump files; and what is published, made once per process for each root URL.

The descriptions (:mod:`ruhrgraph.publish`) are made per process on first use, for the root
URL they are served under (``PUBLIC_URL``, else the request's), and kept with their
serialisations: the build a process serves never changes. Dumps are sent by Werkzeug's
``send_file`` (ETag = sha256 from the manifest, Last-Modified, Range); an uncompressed dump goes
out as its pre-compressed ``.gz`` with ``Content-Encoding: gzip`` when the client accepts gzip.
The ``opendata`` blueprint is defined here; ``crawlers`` adds its routes to it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, send_file
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from ruhrgraph import store
from ruhrgraph.namespaces import DCTERMS, SD
from ruhrgraph.publish import dcat
from ruhrgraph.publish import publication as opendata
from ruhrgraph.publish import statistics as graphstats
from ruhrgraph.publish import void as voids
from ruhrgraph.query.backends import release_dir
from ruhrgraph.web import state
from ruhrgraph.web.endpoint import editor, negotiation
from ruhrgraph.web.endpoint import service as description
from ruhrgraph.web.ops import hosts
from ruhrgraph.web.ops.errors import ApiError

bp = Blueprint("opendata", __name__)
log = logging.getLogger("ruhrgraph.web")

#: RDF formats of /catalog and /void (Turtle first: the default), and file extensions.
FORMATS = tuple(f for f in negotiation.GRAPHS if f.name in opendata.SERIALIZERS)
EXTENSIONS = {"ttl": "turtle", "jsonld": "jsonld", "rdf": "rdfxml", "nt": "ntriples"}
#: Root URLs remembered per process (without PUBLIC_URL each Host gets its own).
MAX_SITES = 8
STAT_ROWS = 10_000_000

_lock = threading.Lock()


# --- what is published, made once per process and root URL -------------------------------


def selector(st):
    def select(query: str) -> list[dict[str, Any]]:
        return graphstats.rows(st.backend.evaluate(query, "SELECT", max_rows=STAT_ROWS))
    return select


def root_url() -> str:
    """The root of every absolute URL published (``hosts.root_url``: ``PUBLIC_URL``, else
    the request's, its Host checked); the process caches below are kept per root."""
    return hosts.root_url()


def built(st) -> datetime:
    finished = st.build.manifest.get("finished")
    if finished:
        try:
            return datetime.fromisoformat(finished.replace("Z", "+00:00"))
        except ValueError:
            pass
    return st.build.created


def process_cache(st) -> dict[str, Any]:
    with _lock:
        return st.extras.setdefault("opendata", {"sites": {}})


def statistics() -> graphstats.Statistics:
    """The graph's statistics: from the build's ``statistics.json`` when it was written for
    the build being served, else asked of the backend (once per process)."""
    st = state()
    cache = process_cache(st)
    if "stats" not in cache:
        path = release_dir(st.settings) / graphstats.FILE
        try:
            build_id, stats = graphstats.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            build_id, stats = None, None
        if stats is None or build_id != st.build.build_id:
            stats = graphstats.statistics(selector(st), st.iris)
        cache["stats"] = stats
    return cache["stats"]


def summary() -> graphstats.Summary:
    """The figures the catalogue and the pages state (cheap queries, once per process)."""
    cache = process_cache(state())
    if "summary" not in cache:
        cache["summary"] = graphstats.summary(selector(state()))
    return cache["summary"]


def _queries(st) -> tuple[opendata.CannedQuery, ...]:
    """The canned queries whose CSV export the catalogue offers; a file the query pages
    cannot use either is left out (and logged), not fatal to the catalogue."""
    from ruhrgraph.query import canned

    found = []
    for path in sorted(Path(st.settings.queries_dir).glob("*.rq")):
        try:
            found.append(canned.load(path))
        except canned.CannedQueryError as error:
            log.warning("catalogue leaves out a canned query: %s", error)
    return opendata.canned(found)


def publication() -> opendata.Publication:
    st = state()
    cache = process_cache(st)
    root = root_url()
    sites = cache["sites"]
    known = sites.get(root, {}).get("pub")
    if known is not None:
        return known
    manifest = st.build.manifest
    pub = opendata.Publication(
        settings=st.settings, iris=st.iris, site=opendata.Site(root), summary=summary(),
        dumps=opendata.dumps(manifest), queries=_queries(st), build_id=st.build.build_id,
        built=built(st), sources=tuple(s["iri"] for s in manifest.get("sources", ())
                                        if s.get("iri")))
    with _lock:
        if root not in sites and len(sites) >= MAX_SITES:
            sites.pop(next(iter(sites)))
        sites.setdefault(root, {})["pub"] = pub
    return pub


def site_cache() -> dict[str, Any]:
    """What is kept for the current root URL: the publication, documents, sitemaps."""
    pub = publication()
    return process_cache(state())["sites"].get(pub.site.root, {})


def _document(kind: str, fmt: str) -> bytes:
    """The catalogue or VoID serialised in ``fmt``, kept per root URL."""
    pub = publication()
    entry = site_cache()
    key = (kind, fmt)
    if key not in entry:
        graph = entry.get(kind)
        if graph is None:
            graph = entry[kind] = (dcat.catalog(pub) if kind == "catalog"
                                   else voids.void(pub, statistics()))
        entry[key] = opendata.serialize(graph, fmt)
    return entry[key]


# --- /catalog, /void -------------------------------------------------------------------


def _rdf(kind: str, ext: str | None) -> Response:
    st = state()
    if ext is not None:
        if ext not in EXTENSIONS:
            raise ApiError(404, "Not Found", f"no {kind} as .{ext}; use one of: "
                           + ", ".join(f".{e}" for e in EXTENSIONS))
        fmt = next(f for f in FORMATS if f.name == EXTENSIONS[ext])
    else:
        try:
            fmt = negotiation.choose(FORMATS, request.accept_mimetypes,
                                     request.args.getlist("format"), html=True)
        except negotiation.NotAcceptable as error:
            raise ApiError(406, "Not Acceptable", str(error)) from None
        if fmt == negotiation.HTML:
            return redirect("/downloads", 303)
    body = _document(kind, fmt.name)
    response = Response(body, 200, content_type=fmt.content_type)
    if ext is None:
        response.headers["Vary"] = "Accept"
    set_validators(response, st, hashlib.sha256(body).hexdigest()[:32])
    return response.make_conditional(request)


def set_validators(response: Response, st, etag: str) -> None:
    response.set_etag(etag)
    response.last_modified = built(st)
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"


@bp.get("/catalog")
@bp.get("/catalog.<ext>")
def catalog(ext: str | None = None) -> Response:
    return _rdf("catalog", ext)


@bp.get("/void")
@bp.get("/void.<ext>")
@bp.get("/.well-known/void")
def void(ext: str | None = None) -> Response:
    return _rdf("void", ext)


#: The graph's own entity IRIs that these documents describe (``iris.KINDS`` has them):
#: ``{base}dataset/ruhrgraph`` and ``{base}catalog/ruhrgraph`` by the catalogue (HTML: the
#: downloads page), ``{base}service/sparql`` by the service description (HTML: the editor).
#: Like every entity IRI (``web/pages.py``) they answer 200 with ``Vary: Accept``.
DESCRIBED = ("dataset/ruhrgraph", "catalog/ruhrgraph", "service/sparql")
PAGE_EXTENSIONS = {"html": "html", **EXTENSIONS}


def _page_format(ext: str | None, path: str) -> str:
    if ext is not None:
        if ext not in PAGE_EXTENSIONS:
            raise ApiError(404, "Not Found", f"no /{path}.{ext}; try " + ", ".join(
                f"/{path}.{e}" for e in PAGE_EXTENSIONS))
        return PAGE_EXTENSIONS[ext]
    offers = {negotiation.HTML: "html", "application/xhtml+xml": "html"}
    for fmt in FORMATS:
        for media_type in (fmt.media_type, *fmt.aliases):
            offers.setdefault(media_type, fmt.name)
    if not request.accept_mimetypes:
        return "html"
    best = request.accept_mimetypes.best_match(list(offers))
    if best is None:
        raise ApiError(406, "Not Acceptable", f"/{path} is available as "
                       + ", ".join(dict.fromkeys(offers)))
    return offers[best]


def _described(path: str, ext: str | None) -> Response:
    st = state()
    name = _page_format(ext, path)
    if name == "html":
        if path == "service/sparql":
            response = editor.page("")
        else:
            response = downloads()
    else:
        fmt = next(f for f in FORMATS if f.name == name)
        if path == "service/sparql":
            graphs = st.extras.get("graph_names")
            if graphs is None:
                graphs = st.extras["graph_names"] = st.backend.graph_names()
            turtle = description.service_description(st.iris, root_url() + "sparql", graphs,
                                                     st.allowlist)
            body = store.rdf_to(turtle.encode("utf-8"), "text/turtle", name,
                                prefixes={"sd": SD, "dcterms": DCTERMS})
        else:
            body = _document("catalog", name)
        response = Response(body, 200, content_type=fmt.content_type)
        set_validators(response, st, hashlib.sha256(body).hexdigest()[:32])
    served = next(e for e, n in PAGE_EXTENSIONS.items() if n == name)
    response.headers["Link"] = ", ".join(
        f'<{root_url()}{path}.{e}>; rel="alternate"; type="{_media(n)}"'
        for e, n in PAGE_EXTENSIONS.items() if e != served)
    if ext is None:
        response.headers["Vary"] = "Accept"
        response.headers["Content-Location"] = f"/{path}.{served}"
    return response.make_conditional(request)


def _media(name: str) -> str:
    return negotiation.HTML if name == "html" else next(
        f.media_type for f in FORMATS if f.name == name)


def _register_described() -> None:
    for path in DESCRIBED:
        def view(ext: str | None = None, path: str = path) -> Response:
            return _described(path, ext)

        for rule in (f"/{path}", f"/{path}.<ext>"):
            bp.add_url_rule(rule, "described_" + path.replace("/", "_"), view)


_register_described()


# --- /downloads ------------------------------------------------------------------------


def _dumps_dir(st) -> Path:
    return release_dir(st.settings) / "dumps"


@bp.get("/downloads")
def downloads() -> Response:
    pub = publication()
    page = render_template("downloads.html", pub=pub, dumps=pub.dumps, queries=pub.queries,
                           site=pub.site, quads=state().build.manifest.get("quads"),
                           attribution=pub.settings.attribution)
    return Response(page, 200, content_type="text/html; charset=utf-8")


def _gzip_wanted() -> bool:
    return request.accept_encodings.quality("gzip") > 0


@bp.get("/downloads/<name>")
def dump_file(name: str) -> Response:
    st = state()
    folder = _dumps_dir(st)
    if name == "SHA256SUMS" and (folder / name).is_file():
        sums = folder / name
        response = send_file(sums, mimetype="text/plain", conditional=True,
                             etag=hashlib.sha256(sums.read_bytes()).hexdigest()[:32],
                             last_modified=built(st), max_age=None)
        response.headers["Cache-Control"] = "public, no-cache"
        return response
    by_name = {d.name: d for d in opendata.dumps(st.build.manifest)}
    dump = by_name.get(name)
    if dump is None or not (folder / name).is_file():
        raise ApiError(404, "Not Found", f"no download {name!r}; the downloads are listed at "
                       "/downloads")
    packed = None if dump.gzip else by_name.get(name + ".gz")
    try:
        if packed is not None and _gzip_wanted() and (folder / packed.name).is_file():
            response = send_file(folder / packed.name, mimetype=dump.media_type,
                                 conditional=True, etag=packed.sha256,
                                 last_modified=built(st), max_age=None)
            response.headers["Content-Encoding"] = "gzip"
        else:
            response = send_file(folder / name, mimetype=dump.content_type, conditional=True,
                                 etag=dump.sha256, last_modified=built(st), max_age=None,
                                 as_attachment=dump.gzip, download_name=name)
    except RequestedRangeNotSatisfiable as error:
        raise ApiError(416, "Range Not Satisfiable", f"the range is outside the "
                       f"{error.length} bytes of {name}",
                       headers={"Content-Range": f"bytes */{error.length}"}) from None
    if not dump.gzip:
        response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
