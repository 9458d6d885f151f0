"""What crawlers and search engines read: ``/robots.txt``, ``/sitemap.xml`` (an index of
``/sitemap-<n>.xml`` past 50,000 URLs), and the schema.org ``Dataset`` every HTML page embeds.

Made from the publication of :mod:`ruhrgraph.web.opendata.catalog` (its root URL, its canned
queries) and the graph's entity paths, once per process and root URL. The routes join the
``opendata`` blueprint, so their endpoint names (and the OpenAPI document) stay ``opendata.*``.
"""

from __future__ import annotations

import hashlib
from typing import Any
from xml.sax.saxutils import escape

from flask import Response, request

from ruhrgraph.namespaces import SITEMAPS
from ruhrgraph.publish import schemaorg
from ruhrgraph.publish import statistics as graphstats
from ruhrgraph.web import state
from ruhrgraph.web.opendata.catalog import (
    DESCRIBED,
    bp,
    built,
    log,
    process_cache,
    publication,
    root_url,
    selector,
    set_validators,
    site_cache,
)
from ruhrgraph.web.ops.errors import ApiError

__all__ = ["bp", "dataset_schema", "page_urls", "sitemap_documents"]

#: URLs per sitemap file (the sitemaps.org limit); more make /sitemap.xml an index.
SITEMAP_URLS = 50_000
SITEMAP_NS = SITEMAPS
#: Pages that are neither an entity's nor a canned query's: home, browse pages, the ontology,
#: the query index, the editor, the downloads.
PAGES = ("", "projects", "fields", "ministries", "places", "organisations", "ontology",
         "queries", "sparql", "downloads")


# --- robots.txt, sitemap.xml --------------------------------------------------------------


@bp.get("/robots.txt")
def robots() -> Response:
    root = root_url()
    text = ("# ruhrgraph: every page may be crawled; SPARQL query URLs are not pages.\n"
            "User-agent: *\n"
            "Disallow: /sparql?\n"
            "Allow: /\n"
            f"Sitemap: {root}sitemap.xml\n")
    return Response(text, 200, content_type="text/plain; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600"})


def page_urls() -> list[str]:
    """Every page a crawler should know: :data:`PAGES`, each canned query's page and each
    entity's page (its IRI's path under the base, on this server)."""
    st = state()
    cache = process_cache(st)
    if "paths" not in cache:
        cache["paths"] = graphstats.entity_paths(selector(st), st.iris)
    pub = publication()
    urls = [pub.site.url(p) for p in PAGES]
    urls += [pub.site.url(f"queries/{q.name}") for q in pub.queries]
    urls += [pub.site.url(path) for path in sorted({*cache["paths"], *DESCRIBED})]
    return urls


def sitemap_documents(urls: list[str], root: str, lastmod: str,
                      per_file: int = SITEMAP_URLS) -> dict[str, bytes]:
    """``{"sitemap.xml": ...}``: one urlset, or, past ``per_file`` URLs, an index of
    ``sitemap-1.xml`` ... each a urlset of at most ``per_file`` URLs."""
    def urlset(chunk: list[str]) -> bytes:
        entries = "".join(f"<url><loc>{escape(u)}</loc><lastmod>{lastmod}</lastmod></url>\n"
                          for u in chunk)
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n'
                f"{entries}</urlset>\n").encode()

    if len(urls) <= per_file:
        return {"sitemap.xml": urlset(urls)}
    chunks = [urls[i:i + per_file] for i in range(0, len(urls), per_file)]
    docs = {f"sitemap-{n}.xml": urlset(chunk) for n, chunk in enumerate(chunks, 1)}
    index = "".join(f"<sitemap><loc>{escape(root + name)}</loc><lastmod>{lastmod}</lastmod>"
                    "</sitemap>\n" for name in docs)
    docs["sitemap.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
                           f'"{SITEMAP_NS}">\n{index}</sitemapindex>\n').encode()
    return docs


@bp.get("/sitemap.xml")
@bp.get("/sitemap-<int:number>.xml")
def sitemap(number: int | None = None) -> Response:
    st = state()
    entry = site_cache()
    if "sitemaps" not in entry:
        lastmod = built(st).isoformat().replace("+00:00", "Z")
        entry["sitemaps"] = sitemap_documents(page_urls(), root_url(), lastmod)
    name = "sitemap.xml" if number is None else f"sitemap-{number}.xml"
    body = entry["sitemaps"].get(name)
    if body is None:
        raise ApiError(404, "Not Found", f"no {name}")
    response = Response(body, 200, content_type="application/xml; charset=utf-8")
    set_validators(response, st, hashlib.sha256(body).hexdigest()[:32])
    return response.make_conditional(request)


# --- schema.org Dataset for HTML pages ------------------------------------------------


def dataset_schema() -> dict[str, Any] | None:
    """The schema.org Dataset for any HTML page (``_dataset_jsonld.html`` embeds it with
    ``tojson``, which escapes ``<``, ``>`` and ``&``); None when it cannot be made: the page
    still renders."""
    try:
        return schemaorg.schema_org(publication())
    except Exception:  # a page must not fail for its metadata
        log.exception("schema.org Dataset description failed")
        return None


@bp.app_context_processor
def _context() -> dict[str, Any]:
    return {"dataset_schema": dataset_schema}
