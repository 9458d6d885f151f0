"""axe-core (npm, pinned in package.json / package-lock.json, installed by `make node-deps`)
in Debian's Chromium on the workbench's pages, in German and English, at desktop and phone
width: no critical and no serious violation. The script is read from node_modules, never
from a CDN. The table of every violation by impact goes to tests/artifacts/axe.md (and is
printed with ``-s``). Also: no page scrolls sideways at 390 px."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PAGES = ["/", "/project/05-02", "/ministry/mwide", "/place/05911000", "/explore?field=5",
         "/search?q=Wasserstoff", "/queries/projects-by-city",
         "/compare?place=05112000&place=05911000",
         # the other charts with links: Gantt, ministry network, a project's neighbourhood
         "/queries/timeline", "/queries/ministry-network", "/queries/project-neighbourhood",
         # the SPARQL editor (YASGUI, docs/editor.md)
         "/sparql"]
LANGUAGES = ["de", "en"]
WIDTHS = [1280, 390]
IMPACTS = ["critical", "serious", "moderate", "minor"]
FOUND: dict[tuple[str, str, int], list[dict]] = {}


def _url(base: str, path: str, lang: str) -> str:
    if lang == "de":
        return base + path
    return base + path + ("&" if "?" in path else "?") + "lang=en"


@pytest.fixture(scope="module")
def axe_source() -> Path:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make node-deps` installs the pinned axe-core")
    return AXE


def _open(browser, width: int):
    # German is what a browser that asks for German gets (and the default); English is
    # asked for with ?lang=en. The pages' CSP forbids inline scripts; the injected axe is
    # the test's, not the site's.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True,
                                  locale="de-DE")
    return context, context.new_page()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_axe(browser, graph_server, axe_source, path, lang, width):
    context, page = _open(browser, width)
    try:
        response = page.goto(_url(graph_server.url, path, lang))
        assert response.status == 200
        assert page.locator("html").get_attribute("lang") == lang
        page.add_script_tag(path=str(axe_source))
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
            " targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
    finally:
        context.close()
    FOUND[(path, lang, width)] = violations
    bad = [v for v in violations if v["impact"] in ("critical", "serious")]
    assert not bad, bad


def _width_unfolded(page) -> int:
    """The page's width with every folded part (``<details>``) open."""
    return page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true);"
                         "document.documentElement.scrollWidth")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_no_sideways_scroll_at_390(browser, graph_server, path, lang):
    context, page = _open(browser, 390)
    try:
        page.goto(_url(graph_server.url, path, lang))
        width = page.evaluate("document.documentElement.scrollWidth")
        unfolded = _width_unfolded(page)
    finally:
        context.close()
    assert width <= 390, f"{path} is {width} px wide at 390 px"
    assert unfolded <= 390, f"{path} is {unfolded} px wide at 390 px with its details open"


def test_no_project_page_scrolls_sideways_at_390(browser, graph_server, pages):
    """Every project's page (long measures, long names), folded parts open, in German."""
    import re

    listing = pages.get("/projects").get_data(as_text=True)
    projects = sorted(set(re.findall(r'href="(/project/[0-9]{2}-[0-9]{2})"', listing)))
    assert len(projects) == 74
    context, page = _open(browser, 390)
    wide = {}
    try:
        for path in projects:
            page.goto(graph_server.url + path)
            if (width := _width_unfolded(page)) > 390:
                wide[path] = width
    finally:
        context.close()
    assert not wide, wide


def test_zz_table():
    """Writes the violations by impact per page (all that ran in this session)."""
    if not FOUND:
        pytest.skip("no axe run in this session")
    lines = ["| page | lang | width | " + " | ".join(IMPACTS) + " | rules |",
             "|---|---|---|" + "---|" * (len(IMPACTS) + 1)]
    for (path, lang, width), violations in sorted(FOUND.items()):
        counts = Counter(v["impact"] for v in violations)
        rules = ", ".join(f"{v['id']} ({v['impact']}, {v['nodes']})" for v in violations)
        lines.append(f"| `{path}` | {lang} | {width} | "
                     + " | ".join(str(counts.get(i, 0)) for i in IMPACTS) + f" | {rules} |")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
