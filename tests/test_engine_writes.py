"""`ruhrgraph load`'s writes (query/remote.push) against an HTTP server on 127.0.0.1 that
answers as Virtuoso 7 does when its insert threads deadlock (HTTP 500, ``SR172: Transaction
deadlocked``, rolled back): the part is sent again, and only that engine's answer is taken
for one that may be retried. Virtuoso itself does it only under load at x100, so a stand-in
engine speaks its answer here; tests/test_engine_virtuoso.py loads the real one."""

from __future__ import annotations

import http.server
import threading
from typing import ClassVar

import pytest

from ruhrgraph.query import remote
from ruhrgraph.query.engines import Engine, RemoteError, Virtuoso
from ruhrgraph.store import ReadStore

DEADLOCK = (b"<html><body><h1>HTTP/1.1 500 Request Failed</h1><h3>Error 40001</h3>"
            b"<xmp>SR172: Transaction deadlocked</xmp></body></html>")


TOO_BIG = (b"Virtuoso 40005 Error SR325: Transaction aborted because it's log after image "
           b"size went above the limit")


class _Engine(http.server.BaseHTTPRequestHandler):
    failures = 0  # writes still to answer with a deadlock
    switch_fails = False  # the update (the switch) answers SR325
    writes: ClassVar[list[str]] = []

    def _write(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).writes.append(f"{self.command} {len(body)}")
        if self.headers.get("Content-Type") == "application/n-triples" and \
                type(self).failures > 0:
            type(self).failures -= 1
            self.send_response(500)
            self.send_header("Content-Length", str(len(DEADLOCK)))
            self.end_headers()
            self.wfile.write(DEADLOCK)
            return
        if self.path.startswith("/sparql-auth") and type(self).switch_fails:
            self.send_response(500)
            self.send_header("Content-Length", str(len(TOO_BIG)))
            self.end_headers()
            self.wfile.write(TOO_BIG)
            return
        self.send_response(201 if self.command == "PUT" else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_POST = _write

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def engine_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Engine)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Engine.writes, _Engine.switch_fails = [], False
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_deadlocked_write_is_sent_again(engine_url, built_graph):
    _Engine.failures = 2
    read_store = ReadStore.open(built_graph.store)
    graphs = read_store.graph_names()
    sent = remote.push(read_store, Virtuoso.at(engine_url + "/sparql"), "b1")
    assert [graph for graph, _ in sent] == graphs
    writes = [w for w in _Engine.writes if w.startswith("PUT")]
    assert len(writes) == len(graphs) + 2  # the first graph's PUT three times
    assert writes[0] == writes[1] == writes[2]
    assert _Engine.writes[-1].startswith("POST")  # the switch, once


def test_the_deadlock_ends_the_load_after_four_attempts(engine_url, built_graph):
    _Engine.failures = 10
    with pytest.raises(RemoteError, match=r"answered HTTP 500: .*SR172"):
        remote.push(ReadStore.open(built_graph.store), Virtuoso.at(engine_url + "/sparql"),
                    "b1")
    assert len(_Engine.writes) == remote.WRITE_ATTEMPTS


def test_another_engine_s_500_is_not_retried(engine_url, built_graph):
    _Engine.failures = 1
    with pytest.raises(RemoteError, match="answered HTTP 500"):
        remote.push(ReadStore.open(built_graph.store), Engine.at(engine_url + "/store"), "b1")
    assert len(_Engine.writes) == 1


def test_a_switch_over_virtuoso_s_log_limit_names_the_setting(engine_url, built_graph):
    _Engine.failures, _Engine.switch_fails = 0, True
    with pytest.raises(RemoteError) as raised:
        remote.push(ReadStore.open(built_graph.store), Virtuoso.at(engine_url + "/sparql"),
                    "b1")
    assert str(raised.value) == (
        f"the update at {engine_url}/sparql-auth answered HTTP 500: the switch of the "
        "release is one transaction, larger than Virtuoso's [Parameters] "
        "TransactionAfterImageLimit (50,000,000 bytes unless set): raise it in virtuoso.ini "
        "above the release's size (docs/deploy.md); " + TOO_BIG.decode())
