"""Many web replicas (issue 16, item 4): 2 `ruhrgraph serve` replicas on one Oxigraph server
behind nginx (docs/nginx-replicas.conf rendered with free ports), all on 127.0.0.1.

Client threads loop over canned queries, pages and SPARQL (GET and POST) through nginx
while one replica is SIGKILLed (0 failed requests), after both replicas gave the same
ETag, Last-Modified and body for every request; then the site moves to a new release under
load (a second build, loaded into a fresh Oxigraph server, served by fresh replicas, nginx
reloaded onto them) and no answer mixes two releases: the release query's `RuhrGraph-Build`
header names the build id its body read from the engine, and every other answer's ETag and
body are one release's pair.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from conftest import (
    ROOT,
    VENV_BIN,
    Built,
    run_build,
    start_oxigraph,
    start_server,
    stop,
)
from proc import NGINX, Looping, Nginx, answers, children, wait_for

TEMPLATE = ROOT / "docs" / "nginx-replicas.conf"
RELEASE_QUERY = (
    "PREFIX dct: <http://purl.org/dc/terms/>\nPREFIX prov: <http://www.w3.org/ns/prov#>\n"
    "SELECT ?build WHERE { GRAPH <https://w3id.org/ruhrgraph/graph/meta> "
    "{ ?b a prov:Activity ; dct:identifier ?build } }")
PROJECTS_QUERY = ("SELECT (COUNT(?p) AS ?n) WHERE "
                  "{ ?p a <https://w3id.org/ruhrgraph/ontology#Project> }")
JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Ask:
    """One request of the client mix; ``release`` when its body names the engine's build."""

    method: str
    path: str
    data: str = ""
    accept: str = "*/*"
    release: bool = False

    def send(self, base: str, session=requests) -> requests.Response:
        headers = {"Accept": self.accept, "Connection": "close"}
        if self.data:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return session.request(self.method, base + self.path, data=self.data or None,
                               headers=headers, timeout=30)


MIX = (
    Ask("GET", "/queries/projects-per-field.csv", accept="text/csv"),
    Ask("GET", "/queries/projects-per-ministry", accept="text/html"),
    Ask("GET", "/project/05-02", accept="text/html"),
    Ask("GET", "/project/05-02.ttl"),
    Ask("GET", "/", accept="text/html"),
    Ask("GET", "/static/site.css"),
    Ask("GET", "/sparql?" + urllib.parse.urlencode({"query": RELEASE_QUERY}), accept=JSON,
        release=True),
    Ask("POST", "/sparql", urllib.parse.urlencode({"query": RELEASE_QUERY}), JSON, True),
    Ask("POST", "/sparql", urllib.parse.urlencode({"query": PROJECTS_QUERY}), JSON),
)


def body_release(response: requests.Response) -> str:
    rows = response.json()["results"]["bindings"]
    return ",".join(sorted(row["build"]["value"] for row in rows))


class Clients(Looping):
    """Threads sending :data:`MIX` through nginx until stopped, checking every answer: 200,
    and either (release query) header release == body release, or (anything else) an
    ETag and body that one known release gives (``expected``: ask -> {etag: sha256})."""

    def __init__(self, url: str, expected: dict[Ask, dict[str, str]], threads: int = 4):
        super().__init__(threads)
        self.url, self.expected = url, expected
        self.seen: list[tuple[float, str]] = []  # (time, release) of the release queries
        self.ok = 0
        self.failed: list[str] = []

    def _run(self, offset: int) -> None:
        i = offset
        while not self._stop.is_set():
            ask = MIX[i % len(MIX)]
            i += 1
            try:
                response = ask.send(self.url)
                problem, release = self._check(ask, response)
            except (requests.RequestException, ValueError, KeyError) as error:
                problem, release = f"{type(error).__name__}: {error}", None
            with self._lock:
                if problem:
                    self.failed.append(f"{ask.method} {ask.path[:60]}: {problem}")
                else:
                    self.ok += 1
                if release:
                    self.seen.append((time.monotonic(), release))

    def _check(self, ask: Ask, response: requests.Response) -> tuple[str, str | None]:
        if response.status_code != 200:
            return f"status {response.status_code} {response.text[:200]!r}", None
        if ask.release:
            header, body = response.headers["RuhrGraph-Build"], body_release(response)
            return ("" if header == body else f"header {header} != body {body}"), header
        etag = response.headers.get("ETag", "")
        known = self.expected[ask]
        if etag not in known:
            return f"unknown ETag {etag}", None
        if hashlib.sha256(response.content).hexdigest() != known[etag]:
            return f"body is not the body of ETag {etag}", None
        return "", None

    def releases_since(self, moment: float) -> set[str]:
        with self._lock:
            return {release for at, release in self.seen if at >= moment}


def validators(replica: str) -> dict[Ask, tuple[str, str, str, str]]:
    """(status, ETag, Last-Modified, body sha256) of every ask of :data:`MIX`, asked of one
    replica directly."""
    out = {}
    for ask in MIX:
        response = ask.send(replica)
        assert response.status_code == 200, (ask, response.text[:300])
        out[ask] = (response.status_code, response.headers.get("ETag", ""),
                    response.headers.get("Last-Modified", ""),
                    hashlib.sha256(response.content).hexdigest())
    return out


class Release:
    """One build served remotely: an Oxigraph server holding it (`ruhrgraph load --to`) and
    replicas pointing at that server, nginx's public URL in their settings."""

    def __init__(self, built: Built, tmp: Path, public_url: str):
        self.built, self.tmp, self.public_url = built, tmp, public_url
        self.engine_url, self.engine = start_oxigraph(tmp / "engine")
        loaded = subprocess.run(
            [str(VENV_BIN / "ruhrgraph"), "load", "--to", self.engine_url + "/store",
             "--store", str(built.store)], capture_output=True, text=True, timeout=120)
        assert loaded.returncode == 0, loaded.stderr
        self.replicas = [self._replica() for _ in range(2)]

    def _replica(self):
        return start_server(self.tmp, {
            "RUHRGRAPH_BACKEND": self.engine_url + "/query",
            "RUHRGRAPH_STORE_DIR": str(self.built.store),
            "RUHRGRAPH_PUBLIC_URL": self.public_url,
            "RUHRGRAPH_TRUSTED_PROXIES": "127.0.0.1",
            "RUHRGRAPH_QUERIES_DIR": str(ROOT / "queries"),
            "RUHRGRAPH_ACCESS_LOG": "0",
        }, workers=1)

    @property
    def urls(self) -> list[str]:
        return [replica.url for replica in self.replicas]

    def stop(self) -> None:
        for replica in self.replicas:
            stop(replica.process)
        stop(self.engine)


@pytest.fixture(scope="module")
def second_build(built_graph, tmp_path_factory) -> Built:
    """Another build of the same catalogue: same facts, another build id."""
    build_dir = tmp_path_factory.mktemp("build-b")
    result = run_build(build_dir)
    assert result.returncode == 0, result.stderr
    second = Built(build_dir)
    assert second.manifest["build_id"] != built_graph.manifest["build_id"]
    return second


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    if not shutil.which(NGINX):
        pytest.fail(f"{NGINX} is missing: `make system-deps` installs Debian's nginx")
    server = Nginx(tmp_path_factory.mktemp("nginx"), TEMPLATE)
    yield server
    server.stop()


def test_replicas_survive_a_lost_replica_and_a_release_switch(
        built_graph, second_build, nginx, tmp_path_factory):
    old_id, new_id = built_graph.manifest["build_id"], second_build.manifest["build_id"]
    old = Release(built_graph, tmp_path_factory.mktemp("release-a"), nginx.url + "/")
    new = None
    try:
        # Both replicas answer every request with the same validators and bytes.
        first, second = (validators(url) for url in old.urls)
        assert first == second
        assert {first[ask][1] for ask in MIX} != {""}  # ETags were sent
        css = (ROOT / "ruhrgraph" / "web" / "static" / "site.css").read_bytes()
        static = next(ask for ask in MIX if ask.path.startswith("/static/"))  # from its bytes
        assert first[static][1] == f'"{hashlib.sha256(css).hexdigest()[:32]}"'
        expected = {ask: {etag: sha} for ask, (_, etag, _, sha) in first.items()}
        nginx.start(old.urls)

        with Clients(nginx.url, expected) as clients:
            wait_for(lambda: clients.ok >= 60, "no load through nginx", 60)
            os.kill(old.replicas[0].process.pid, signal.SIGKILL)
            killed, since = clients.ok, time.monotonic()
            # Past fail_timeout (2 s): nginx probes the dead replica again, and retries.
            wait_for(lambda: clients.ok >= killed + 120 and time.monotonic() > since + 3,
                     "no answers after the kill", 60)
        assert clients.failed == []
        assert old.replicas[0].process.wait(timeout=10) == -signal.SIGKILL
        # nginx did meet the dead replica (reset or refused) and passed those requests on.
        dead = old.urls[0].removeprefix("http://")
        assert f'upstream: "http://{dead}/' in (nginx.runtime / "error.log").read_text()
        assert clients.releases_since(0) == {old_id}

        # The new release on its own engine and replicas; nginx moves over under load.
        new = Release(second_build, tmp_path_factory.mktemp("release-b"), nginx.url + "/")
        new_first, new_second = (validators(url) for url in new.urls)
        assert new_first == new_second
        for ask, (_, etag, _, sha) in new_first.items():
            expected[ask][etag] = sha
        # Same facts, another release: the ETag of every cacheable answer changes.
        assert all(new_first[ask][1] != first[ask][1] for ask in MIX
                   if not ask.path.startswith("/static/"))
        with Clients(nginx.url, expected) as clients:
            wait_for(lambda: clients.ok >= 60, "no load through nginx", 60)
            nginx.switch(new.urls)  # returns once the old nginx workers have ended
            switched, answered = time.monotonic(), clients.ok
            wait_for(lambda: clients.ok >= answered + 120, "no answers after the switch", 60)
        assert clients.failed == []
        assert clients.releases_since(0) == {old_id, new_id}
        assert clients.releases_since(switched) == {new_id}
    finally:
        old.stop()
        if new is not None:
            new.stop()


def test_a_remote_replica_keeps_its_release_when_current_moves(
        built_graph, second_build, tmp_path):
    """`ruhrgraph serve` with a remote backend resolves `BUILD_DIR/current` once: workers
    respawned after `current` moved to another build still answer with the first one."""
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    (build_dir / "current").symlink_to(built_graph.release)
    engine_url, engine = start_oxigraph(tmp_path / "engine")
    replica = None
    try:
        loaded = subprocess.run(
            [str(VENV_BIN / "ruhrgraph"), "load", "--to", engine_url + "/store", "--store",
             str(built_graph.store)], capture_output=True, text=True, timeout=120)
        assert loaded.returncode == 0, loaded.stderr
        replica = start_server(tmp_path, {
            "RUHRGRAPH_BACKEND": engine_url + "/query", "RUHRGRAPH_BUILD_DIR": str(build_dir),
            "RUHRGRAPH_STORE_DIR": "", "RUHRGRAPH_ACCESS_LOG": "0"}, workers=1)
        ask = {"query": "ASK {}"}
        before = requests.get(replica.sparql, params=ask, timeout=30)
        assert before.headers["RuhrGraph-Build"] == built_graph.manifest["build_id"]
        moved = build_dir / "current.new"
        moved.symlink_to(second_build.release)
        moved.rename(build_dir / "current")
        workers = set(children(replica.process.pid))
        replica.process.send_signal(signal.SIGHUP)  # granian respawns its workers
        wait_for(lambda: (now := set(children(replica.process.pid))) and not now & workers
                 and answers(replica.url + "/healthz"), "workers not respawned", 60)
        after = requests.get(replica.sparql, params=ask, timeout=30)
        assert after.status_code == 200
        assert after.headers["RuhrGraph-Build"] == built_graph.manifest["build_id"]
        assert after.headers["ETag"] == before.headers["ETag"]
    finally:
        if replica is not None:
            stop(replica.process)
        stop(engine)
