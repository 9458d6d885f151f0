"""``/sparql``: the SPARQL 1.1 Protocol for queries, with caching, limits and a timeout.

One request: read the protocol operation (GET, POST form, POST ``application/sparql-query``),
check it (size, dataset IRIs, the guard), choose the format, answer 304 or a cached body
when the validator matches, otherwise evaluate under the deadline into a complete body and
only then send the status line. A GET (or HEAD) with no parameters at all answers the
service description (RDF) or, for a browser, the query page; any other request without
``query`` is a 400 (the browser's page still opens with ``?lang=`` or ``?format=html``).
HEAD is answered as GET, without the body.

Relative IRIs in a query resolve against the base of :func:`base_iri` (``QUERY_BASE_IRI``,
else this endpoint's own URL, as Oxigraph's server does); a ``BASE`` in the query wins.
"""

from __future__ import annotations

import time
from email.utils import format_datetime

from flask import Blueprint, Response, g, request

from ruhrgraph import store
from ruhrgraph.namespaces import SD
from ruhrgraph.query import guard
from ruhrgraph.query.cache import etag_for, etag_matches
from ruhrgraph.query.executor import QueryTimeout
from ruhrgraph.web import state
from ruhrgraph.web.endpoint import editor, negotiation
from ruhrgraph.web.endpoint import service as description
from ruhrgraph.web.ops import hosts, metrics, monitoring
from ruhrgraph.web.ops.errors import ApiError

bp = Blueprint("sparql", __name__)

_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ApiError(400, "Bad Request", f"the parameter {name!r} is given {len(values)} "
                       "times; give it once")
    return values[0] if values else None


def _reads() -> bool:
    """GET or HEAD: the operation is in the URL."""
    return request.method in ("GET", "HEAD")


def _operation() -> tuple[str | None, list[str], list[str]]:
    """(query or None, default-graph-uri list, named-graph-uri list) of the request."""
    args = request.args
    if _reads():
        if "update" in args:
            raise ApiError(403, "Forbidden", "SPARQL Update is not accepted: this endpoint is "
                           "read-only")
        return (_single(args.getlist("query"), "query"), args.getlist("default-graph-uri"),
                args.getlist("named-graph-uri"))
    mimetype = request.mimetype
    if mimetype == _FORM:
        form = request.form
        if "update" in form or "update" in args:
            raise ApiError(403, "Forbidden", "SPARQL Update is not accepted: this endpoint is "
                           "read-only")
        queries = form.getlist("query") + args.getlist("query")
        query = _single(queries, "query")
        datasets = (form.getlist("default-graph-uri") + args.getlist("default-graph-uri"),
                    form.getlist("named-graph-uri") + args.getlist("named-graph-uri"))
    elif mimetype == _DIRECT:
        if "query" in args:
            raise ApiError(400, "Bad Request", "the query is both in the body and in the URL")
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise ApiError(400, "Bad Request", f"the query must be UTF-8, not charset={charset}")
        try:
            query = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError as error:
            raise ApiError(400, "Bad Request", f"the query is not UTF-8: {error}") from None
        datasets = (args.getlist("default-graph-uri"), args.getlist("named-graph-uri"))
    elif mimetype == _UPDATE:
        raise ApiError(403, "Forbidden", "SPARQL Update is not accepted: this endpoint is "
                       "read-only")
    else:
        raise ApiError(415, "Unsupported Media Type",
                       f"POST a query as {_FORM} or {_DIRECT}, not {mimetype or 'no type'!r}")
    if query is None:
        raise ApiError(400, "Bad Request", "no 'query' parameter")
    return query, *datasets


def _format_params() -> list[str]:
    """Every ``format=`` value, URL first (given twice is fine: see ``negotiation``)."""
    values = request.args.getlist("format")
    if request.method == "POST" and request.mimetype == _FORM:
        values += request.form.getlist("format")
    return values


def base_iri(st, environ: dict | None = None) -> str:
    """What relative IRIs of a query resolve against: ``QUERY_BASE_IRI`` when set, else the
    URL of this endpoint (``PUBLIC_URL`` or the request's checked root, + ``sparql``);
    from the WSGI ``environ`` when one is given (the lean path, outside Flask)."""
    if st.settings.query_base_iri:
        return st.settings.query_base_iri
    root = environ.get(hosts.ROOT) if environ is not None else None
    return (root or hosts.root_url()) + "sparql"


def _negotiate(formats: tuple[negotiation.Format, ...], html: bool):
    kind = "graph" if formats is negotiation.GRAPHS else "bindings"
    try:
        return negotiation.choose_for(kind, request.headers.get("Accept", ""),
                                      tuple(_format_params()), html)
    except negotiation.NotAcceptable as error:
        raise ApiError(406, "Not Acceptable", str(error) + "; or use format=") from None


def _validators(st) -> dict[str, str]:
    return {"Last-Modified": format_datetime(st.build.created, usegmt=True),
            "RuhrGraph-Build": st.build.build_id}


#: The WSGI environ key under which the lean path (:mod:`.lean`) hands an error it met to
#: this view, whose error handlers turn it into the answer (the one place that does).
HANDED_ERROR = "ruhrgraph.sparql_error"


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    handed = request.environ.get(HANDED_ERROR)
    if handed is not None:
        raise handed
    st = state()
    query, default_graphs, named_graphs = _operation()
    if query is None:
        return _describe(st)
    analysis = check(st, query, default_graphs, named_graphs)
    formats = negotiation.GRAPHS if analysis.form in ("CONSTRUCT", "DESCRIBE") \
        else negotiation.RESULTS
    fmt = _negotiate(formats, html=_reads())
    if fmt == negotiation.HTML:
        return editor.page(query)
    status, headers, body = answer(st, query, analysis, fmt, default_graphs, named_graphs,
                                   base_iri(st), request.headers.get("If-None-Match"), g.log,
                                   request.environ.get("SERVER_SOFTWARE", ""))
    response = Response(body, status, headers=headers)
    if status == 304:  # no content, so no type (and no page headers for a default one)
        response.headers.pop("Content-Type", None)
    return response


def check(st, query: str, default_graphs: list[str], named_graphs: list[str]
          ) -> guard.Analysis:
    """The query's size, its dataset IRIs and the guard: its analysis, or :class:`ApiError`."""
    if len(query.encode("utf-8")) > st.settings.max_query_bytes:
        raise ApiError(413, "Content Too Large", f"the query is longer than "
                       f"{st.settings.max_query_bytes} bytes")
    for iri in (*default_graphs, *named_graphs):
        if not guard.dataset_iri_ok(iri) or not store.valid_iri(iri):
            raise ApiError(400, "Bad Request", f"dataset IRI {iri!r} is not an http(s) or urn "
                           "IRI naming a graph")
    try:
        return guard.analyse(query, st.allowlist)
    except guard.Refused as refusal:
        metrics.ERRORS.labels("refused").inc()
        raise ApiError(refusal.status, "Forbidden" if refusal.status == 403 else "Bad Request",
                       refusal.message) from None


def answer(st, query: str, analysis: guard.Analysis, fmt: negotiation.Format,
           default_graphs: list[str], named_graphs: list[str], base: str,
           if_none_match: str | None, log: dict, server: str
           ) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body of a checked query in ``fmt`` (relative IRIs against
    ``base``): 304 when ``if_none_match``
    names its validator, a cached body, or one evaluated under the deadline (one request
    per worker computes a cacheable answer, the others wait for it). Without Flask: the
    view and the lean path (:mod:`.lean`) both answer through it; ``log`` gets what the
    access log records. Errors rise (:class:`ApiError`, the domain errors)."""
    key = (analysis.normalised, tuple(default_graphs), tuple(named_graphs), fmt.name,
           st.build.build_id, base)
    headers = {"Vary": "Accept", **_validators(st)}
    if not analysis.cacheable:
        headers["Cache-Control"] = "no-store"
        body, rows, truncated = _evaluate(st, query, analysis, fmt, default_graphs,
                                          named_graphs, base, log, server)
        log.update(cache="off", rows=rows)
        return _answer(body, fmt.content_type, rows, truncated, headers, st)
    etag = etag_for(key)
    headers["ETag"] = f'W/"{etag}"'
    headers["Cache-Control"] = f"public, max-age={st.settings.cache_max_age}"
    if if_none_match and etag_matches(if_none_match, etag):
        metrics.CACHE.labels("not_modified").inc()
        log["cache"] = "304"
        del headers["Last-Modified"]  # RFC 9110 §15.4.5: the ETag guides caches here
        return 304, list(headers.items()), b""
    entry = st.cache.get(key)
    if entry is None:
        timeout = st.settings.query_timeout
        waited = time.perf_counter()
        with st.cache.single_flight(key, timeout) as leader:
            entry = None if leader else st.cache.get(key)
            if entry is None and time.perf_counter() - waited >= timeout:
                metrics.TIMEOUTS.inc()  # the request it waited for ran out of time
                raise ApiError(503, "Query Timeout", str(QueryTimeout(timeout)),
                               headers={"Retry-After": "1"}, timeout=timeout)
            if entry is None:
                metrics.CACHE.labels("miss").inc()
                body, rows, truncated = _evaluate(st, query, analysis, fmt, default_graphs,
                                                  named_graphs, base, log, server)
                st.cache.put(key, body, fmt.content_type, rows, truncated)
                log.update(cache="miss", rows=rows)
                return _answer(body, fmt.content_type, rows, truncated, headers, st)
    metrics.CACHE.labels("hit").inc()
    log.update(cache="hit", rows=entry.rows)
    return _answer(entry.body, entry.content_type, entry.rows, entry.truncated, headers, st)


def _evaluate(st, query, analysis, fmt, default_graphs, named_graphs, base, log, server):
    max_rows = st.settings.max_result_rows
    marker = st.iris.service() + "#truncated"
    rdf_prefixes = fmt.name in ("turtle", "trig")
    prefixes = description.prefixes(st.iris) if rdf_prefixes else None

    def work() -> tuple[bytes, int, bool]:
        result = st.backend.evaluate(
            query, analysis.form, default_graphs=default_graphs or None,
            named_graphs=named_graphs or None, max_rows=max_rows,
            has_dataset=analysis.has_dataset, base_iri=base)
        if result.kind == store.GRAPH and fmt not in negotiation.GRAPHS:
            raise ApiError(406, "Not Acceptable", "this query answers a graph")
        if result.kind != store.GRAPH and fmt not in negotiation.RESULTS:
            raise ApiError(406, "Not Acceptable", "this query answers solutions")
        used = None
        if prefixes:  # only Turtle and TriG write prefixes: name those the result uses
            used = {p: ns for p, ns in prefixes.items() if ns.encode() in result.body}
        body = store.convert(result, fmt.name, prefixes=used)
        if result.truncated:
            body = _mark_truncated(body, fmt.name, marker)
        return body, result.rows, result.truncated

    started = time.perf_counter()
    body, rows, truncated = st.executor.run(work, st.settings.query_timeout,
                                            monitoring.overdue_recycler(st, server))
    elapsed = time.perf_counter() - started
    metrics.QUERY_TIME.labels(st.backend_name if st.backend_name == "embedded"
                              else "remote").observe(elapsed)
    log["query_ms"] = round(elapsed * 1000, 2)
    if truncated:
        metrics.TRUNCATED.inc()
    return body, rows, truncated


def _mark_truncated(body: bytes, fmt: str, marker: str) -> bytes:
    """SPARQL JSON and XML results carry a ``link`` in their head (both specs allow it)."""
    if fmt == "json":
        return body.replace(b'{"head":{', b'{"head":{"link":["%s"],' % marker.encode(), 1)
    if fmt == "xml":
        return body.replace(b"</head>", b'<link href="%s"/></head>' % marker.encode(), 1)
    return body


def _answer(body: bytes, content_type: str, rows: int, truncated: bool,
            headers: dict[str, str], st) -> tuple[int, list[tuple[str, str]], bytes]:
    headers["Content-Type"] = content_type
    headers["Content-Length"] = str(len(body))
    headers["RuhrGraph-Rows"] = str(rows)
    if truncated:
        headers["RuhrGraph-Truncated"] = f"true; limit={st.settings.max_result_rows}"
    return 200, list(headers.items()), body


def _describe(st) -> Response:
    fmt = _negotiate(negotiation.GRAPHS, html=_reads())
    if fmt == negotiation.HTML:
        return editor.page("")
    if request.args:  # only a bare GET asks for the description (SPARQL 1.1 Protocol)
        given = ", ".join(repr(name) for name in sorted(request.args))
        raise ApiError(400, "Bad Request", f"no 'query' parameter (given: {given}); the "
                       "service description answers a GET without any parameters")
    graphs = st.extras.get("graph_names")
    if graphs is None:
        graphs = st.extras["graph_names"] = st.backend.graph_names()
    turtle = description.service_description(st.iris, hosts.root_url() + "sparql", graphs,
                                             st.allowlist)
    body = store.rdf_to(turtle.encode("utf-8"), "text/turtle", fmt.name,
                        prefixes={"sd": SD})
    return Response(body, 200, content_type=fmt.content_type,
                    headers={"Vary": "Accept", **_validators(st)})
