"""Shared fixtures. Each block belongs to the tests named in its comment; add yours below."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
VENV_BIN = Path(sys.executable).parent

# Process helpers shared with the benchmarks (bench/proc.py; benchmarks never import tests/).
sys.path.insert(0, str(ROOT / "bench"))
from proc import Virtuoso, free_port, stop, wait_http  # noqa: E402, F401

# --- SPARQL endpoint (test_sparql_*.py) ------------------------------------------------


def start_oxigraph(location: Path, union: bool = True) -> tuple[str, subprocess.Popen]:
    """`oxigraph serve` (the PyPI package's server) on a free port over ``location``, with
    the union default graph unless ``union`` is false (the web tier names its dataset, so it
    answers alike either way: docs/deploy.md); its URL and process once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [str(VENV_BIN / "oxigraph"), "serve", "--location", str(location), "--bind",
         f"127.0.0.1:{port}", *(["--union-default-graph"] if union else [])],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/query?query=ASK%7B%7D", process)
    return url, process


def trig_release(release: Path, trig: Path, build_id: str) -> Path:
    """A store made from ``trig`` in ``release/store``, beside a manifest naming
    ``build_id``: a release directory the server opens; the store's path."""
    import json

    import pyoxigraph

    store = pyoxigraph.Store(str(release / "store"))
    store.load(trig.read_bytes(), format=pyoxigraph.RdfFormat.TRIG)
    store.flush()
    del store
    (release / "manifest.json").write_text(json.dumps(
        {"build_id": build_id, "created": "2024-01-02T03:04:05+00:00"}))
    return release / "store"


@pytest.fixture(scope="session")
def sparql_store(tmp_path_factory) -> Path:
    """A store (in a release directory with a manifest) made from the TriG fixture."""
    return trig_release(tmp_path_factory.mktemp("release-test"), DATA / "sparql_fixture.trig",
                        "test-build")


class Server:
    def __init__(self, url: str, process: subprocess.Popen, log: Path):
        self.url, self.process, self.log = url, process, log
        self.sparql = url + "/sparql"


def start_server(tmp_path: Path, env: dict[str, str], workers: int = 2) -> Server:
    port = free_port()
    log = tmp_path / f"server-{port}.log"
    full_env = {**os.environ, "RUHRGRAPH_CACHE_MAX_AGE": "300", **env}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(VENV_BIN / "ruhrgraph"), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers)],
            env=full_env, stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/healthz", process)
    except RuntimeError:
        stop(process)
        raise RuntimeError(log.read_text()) from None
    return Server(url, process, log)


@pytest.fixture(scope="session")
def sparql_server(sparql_store, tmp_path_factory):
    """`ruhrgraph serve` (granian, 2 workers) on the fixture store, on a free port."""
    tmp = tmp_path_factory.mktemp("sparql-server")
    server = start_server(tmp, {
        "RUHRGRAPH_STORE_DIR": str(sparql_store),
        "RUHRGRAPH_QUERY_TIMEOUT": "2",
        "RUHRGRAPH_MAX_RESULT_ROWS": "1000",
        "RUHRGRAPH_MAX_QUERY_BYTES": "20000",
        "RUHRGRAPH_QUERIES_DIR": str(DATA / "sparql_queries"),
    })
    yield server
    stop(server.process)


# --- the knowledge graph build (test_build.py; usable by any test that needs the real graph)


class Built:
    """One finished `ruhrgraph build`: its build directory, release, manifest and store."""

    def __init__(self, build_dir: Path):
        import json

        self.build_dir = build_dir
        self.current = build_dir / "current"
        self.release = self.current.resolve()
        self.manifest = json.loads((self.release / "manifest.json").read_text())
        self.store = self.release / "store"
        self.dumps = self.release / "dumps"


def run_build(build_dir: Path, *args: str, source: Path | None = None,
              reference_dir: Path | None = None, timeout: float = 600,
              ) -> subprocess.CompletedProcess:
    """`ruhrgraph build` as a whole process (the way a user runs it)."""
    argv = [str(VENV_BIN / "ruhrgraph"), "build", "--build-dir", str(build_dir), "--quiet"]
    if source is not None:
        argv += ["--source", str(source)]
    if reference_dir is not None:
        argv += ["--reference-dir", str(reference_dir)]
    return subprocess.run([*argv, *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, check=False)


@pytest.fixture(scope="session")
def built_graph(tmp_path_factory) -> Built:
    """The real catalogue built once per session into a temporary build directory."""
    build_dir = tmp_path_factory.mktemp("build")
    result = run_build(build_dir)
    assert result.returncode == 0, result.stderr
    return Built(build_dir)


# --- a server on the real build (test_harvest.py, test_dcat.py; usable by any test) -------


@pytest.fixture(scope="session")
def graph_server(built_graph, tmp_path_factory):
    """`ruhrgraph serve` (granian, 2 workers) on the session's real build, on a free port,
    with the repository's canned queries; links in the catalogue point at this server."""
    tmp = tmp_path_factory.mktemp("graph-server")
    server = start_server(tmp, {"RUHRGRAPH_BUILD_DIR": str(built_graph.build_dir),
                                "RUHRGRAPH_STORE_DIR": "", "RUHRGRAPH_PUBLIC_URL": "",
                                "RUHRGRAPH_QUERIES_DIR": str(ROOT / "queries")})
    yield server
    stop(server.process)


# --- linked-data and canned query pages (test_pages.py, test_canned_queries.py, test_browser.py)


def pages_app(build_dir: Path, interface_language: str | None = "en", **settings):
    """The web app on a build directory, as `create_app` makes it for a server. Its test
    clients ask for ``interface_language`` (``Accept-Language``): English by default, the
    language the page tests pin their wording in (German, the site's default when nothing
    is asked, is tests/test_i18n.py's); None asks for nothing."""
    from flask.testing import FlaskClient

    from ruhrgraph.web import create_app

    app = create_app({"BUILD_DIR": str(build_dir), "STORE_DIR": "", "BACKEND": "",
                      "ACCESS_LOG": False, "QUERIES_DIR": str(ROOT / "queries"), **settings})
    if interface_language:
        class Client(FlaskClient):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.environ_base["HTTP_ACCEPT_LANGUAGE"] = interface_language

        app.test_client_class = Client
    return app


@pytest.fixture(scope="session")
def pages(built_graph):
    """A Flask test client of the app on the session's real build."""
    return pages_app(built_graph.build_dir).test_client()


# --- real Chromium (test_browser.py, test_sparql_page.py) ----------------------------------

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser); screenshots go
    to tests/artifacts/."""
    import shutil

    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
