"""Resource pages whose lists grow with the catalogue: paged project lists, capped property
values, large resources read in part, and every page question one triple pattern.

The x1 catalogue has no list long enough to page at the default sizes, so these tests serve
the real build with small sizes (PAGE_LIST_SIZE, PAGE_VALUES_SHOWN, PAGE_LARGE_RESOURCE) and
check each page against what the store itself says."""

from __future__ import annotations

import html
import re

import pytest
from conftest import pages_app
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from ruhrgraph.store import ReadStore

RG = "https://w3id.org/ruhrgraph/ontology#"
BASE = "https://w3id.org/ruhrgraph/"
PROJECT_LINK = re.compile(r'<a href="/project/([0-9A-Za-z-]+)">\1</a>')


@pytest.fixture(scope="module")
def small(built_graph):
    """The app on the real build with lists of 4 projects and 10 values per property."""
    return pages_app(built_graph.build_dir, PAGE_LIST_SIZE=4, PAGE_VALUES_SHOWN=10,
                     CACHE_MAX_BYTES=0).test_client()


@pytest.fixture(scope="module")
def store(built_graph):
    return ReadStore.open(built_graph.store)


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


def codes(store: ReadStore, query: str, iri: str) -> list[str]:
    rows = store.select("PREFIX rg: <" + RG + "> PREFIX oa: <http://www.w3.org/ns/oa#>\n"
                        + query, {"x": store_iri(iri)})
    return sorted({r["p"].value.rsplit("/project/", 1)[1] for r in rows})


def store_iri(iri: str):
    from ruhrgraph.store import iri as make

    return make(iri)


def walk(client, path: str, heading_id: str, param: str) -> tuple[list[list[str]], str]:
    """Every page of one list, following its "next" links; the pages' codes and the heading."""
    pages, url, heading = [], path, None
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        part = section(text, heading_id)
        heading = heading or re.search(r">([^<]*\(\d+\))</h2>|count\">(\d+)<", part).group(0)
        pages.append(PROJECT_LINK.findall(part))
        found = re.search(r'href="([^"]*\?' + param + r'=[^"#]*)#[^"]*" rel="next"', part)
        url = html.unescape(found.group(1)) if found else None
        assert len(pages) < 50, "the pager does not end"
    return pages, heading


NAMING = "SELECT ?x ?p WHERE { ?p rg:hasMention ?m . ?m oa:hasBody ?x }"
LISTS = [  # path, page size, the list's heading, its parameter, what the store says
    ("/field/3", 4, "fp-h", "projects-page", "SELECT ?x ?p WHERE { ?p rg:actionField ?x }"),
    ("/ministry/mwide", 4, "led-h", "projects-page",
     "SELECT ?x ?p WHERE { ?p rg:leadMinistry ?x }"),
    ("/place/05911000", 1, "namedby-h", "named-page", NAMING),
    ("/place/05916000", 3, "namedby-h", "named-page", NAMING),
    ("/organisation/nrw-zentrum-fuer-talentfoerderung", 2, "namedby-h", "named-page", NAMING),
    ("/project/12-01", 2, "namedby-h", "named-page", NAMING),
]


@pytest.mark.parametrize("sorted_max", [1000, 0])
@pytest.mark.parametrize(("path", "size", "heading_id", "param", "query"), LISTS)
def test_a_long_list_is_paged_and_its_pages_add_up(built_graph, store, path, size,
                                                    heading_id, param, query, sorted_max):
    """Up to PAGE_LIST_SORTED projects the pages follow code order; beyond, the store's
    order, each page sorted: either way every project is on exactly one page."""
    client = pages_app(built_graph.build_dir, PAGE_LIST_SIZE=size, CACHE_MAX_BYTES=0,
                       PAGE_LIST_SORTED=sorted_max).test_client()
    expected = codes(store, query, BASE + path[1:])
    assert len(expected) > size, "the list must be longer than a page to test paging"
    pages, heading = walk(client, path, heading_id, param)
    assert [len(p) for p in pages] == [size] * (len(expected) // size) + (
        [len(expected) % size] if len(expected) % size else [])
    assert all(p == sorted(p) for p in pages)
    if sorted_max:
        assert [c for p in pages for c in p] == expected
    else:
        assert sorted(c for p in pages for c in p) == expected
    assert f"({len(expected)})" in heading or f">{len(expected)}<" in heading
    last = client.get(f"{path}?{param}={len(pages)}").get_data(as_text=True)
    pager = section(last, heading_id)
    assert f"Page {len(pages)} of {len(pages)}" in pager and 'rel="next"' not in pager
    assert ("in the store’s order" in pager) == (not sorted_max)


def test_the_default_sizes_show_the_x1_lists_whole(pages):
    text = pages.get("/field/3").get_data(as_text=True)
    part = section(text, "fp-h")
    assert len(PROJECT_LINK.findall(part)) == 30
    assert 'rel="next"' not in part and "Projects in this field (30)" in part


@pytest.mark.parametrize("value", ["<script>", "0", "-1", "1.5", "", "x" * 41, "\uff11",
                                   "1000001", "2\r\nX-Evil: 1"])
@pytest.mark.parametrize("param", ["named-page", "projects-page"])
def test_a_list_parameter_is_a_page_number_or_400(pages, param, value):
    response = pages.get("/ministry/mwide", query_string={param: value})
    assert response.status_code == 400
    assert f"'{param}' is a page number: 1, 2, ..." in response.get_data(as_text=True)


def test_a_page_past_the_end_lists_nothing_and_leads_back(built_graph):
    client = pages_app(built_graph.build_dir, PAGE_LIST_SIZE=4,
                       CACHE_MAX_BYTES=0).test_client()
    part = section(client.get("/field/3?projects-page=99").get_data(as_text=True), "fp-h")
    assert PROJECT_LINK.findall(part) == []
    assert "Page 99 of 8" in part and 'rel="first"' in part and 'rel="next"' not in part


def test_a_property_with_more_values_than_shown_says_how_many_more(small, store):
    parts = store.select("SELECT (COUNT(?p) AS ?n) WHERE { <" + BASE + "programme/"
                         "ruhr-konferenz> <http://purl.org/dc/terms/hasPart> ?p }")
    total = int(parts[0]["n"].value)
    assert total == 74
    text = small.get("/programme/ruhr-konferenz").get_data(as_text=True)
    props = section(text, "props-h")
    assert (f'and {total - 10} more, all in the <a href="/programme/ruhr-konferenz.ttl" '
            'type="text/turtle">Turtle document</a>') in props
    row = props[props.index("has part"):]
    row = row[:row.index("</tr>")]
    assert len(re.findall(r'<a class="iri" href="/project/', row)) == 10
    # the page embeds the whole resource as JSON-LD: it was read whole
    assert text.count('<script type="application/ld+json">') == 2


def test_a_large_resource_is_read_in_part_and_embeds_no_json_ld(built_graph):
    client = pages_app(built_graph.build_dir, PAGE_VALUES_SHOWN=10, PAGE_LARGE_RESOURCE=50,
                       CACHE_MAX_BYTES=0).test_client()
    text = client.get("/programme/ruhr-konferenz").get_data(as_text=True)
    props = section(text, "props-h")
    assert "and 64 more, all in the" in props
    assert text.count('<script type="application/ld+json">') == 1  # the dataset's only
    for label in ("type", "label", "has part"):
        assert f">{label}</" in props
    document = client.get("/programme/ruhr-konferenz.nt").get_data(as_text=True)
    assert document.count("<http://purl.org/dc/terms/hasPart>") == 74  # the document: whole


# --- every question a page asks about its resource is one triple pattern ----------------


def patterns(query: str) -> int:
    """Triple patterns in a query's algebra."""
    count, pending = 0, [translateQuery(parseQuery(query)).algebra]
    while pending:
        node = pending.pop()
        if isinstance(node, CompValue):
            if node.name == "BGP":
                count += len(node["triples"])
            pending.extend(node.values())
        elif isinstance(node, (list, tuple)):
            pending.extend(node)
    return count


PAGES = ["/project/05-02", "/project/12-01", "/place/05113000", "/organisation/vci",
         "/ministry/mwide", "/field/3", "/programme/ruhr-konferenz", "/measure/05-02/1",
         "/duration/05-02", "/mention/17359-17362", "/scheme/fields",
         "/source/da899bfb6a41233c", "/source/da899bfb6a41233c/text?lines=203",
         "/place/05113000?in=" + RG.replace("#", "%23") + "mentionsPlace&after=" + BASE
         + "project/05-02", "/ministry/mwide?projects-page=2&named-page=1",
         "/project/05-02.ttl", "/place/05113000.jsonld"]


def test_every_bound_question_of_a_page_is_one_triple_pattern(built_graph):
    """A query joining patterns is planned before its substitutions apply and reads whole
    patterns (docs/reliability.md, "Scale"), so a page may join only in Python. The real
    backend answers; this records what it is asked."""
    app = pages_app(built_graph.build_dir, CACHE_MAX_BYTES=0)
    backend = app.extensions["ruhrgraph"].backend
    asked: list[tuple[str, dict]] = []
    real_rows, real_evaluate = backend.rows, backend.evaluate

    def rows(query, **kw):
        asked.append((query, kw.get("bindings") or {}))
        return real_rows(query, **kw)

    def evaluate(query, form, **kw):
        asked.append((query, kw.get("bindings") or {}))
        return real_evaluate(query, form, **kw)

    backend.rows, backend.evaluate = rows, evaluate
    client = app.test_client()
    client.get("/")  # the per-process caches (ontology labels, map) are filled first
    for path in PAGES:
        asked.clear()
        assert client.get(path).status_code == 200, path
        bound = [(q, b) for q, b in asked if b]
        assert bound, f"{path} asked nothing bound"
        joined = [(q, b) for q, b in bound if patterns(q) != 1]
        assert joined == [], f"{path} joins patterns under bindings: {joined[:1]}"
