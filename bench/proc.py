"""Process helpers shared by the benchmarks and the tests (`bench/*_bench.py`,
`tests/conftest.py` and the tests that start servers): a free port, waiting for a server's
first answer, stopping a process or a process group, live processes by parent or by command
line, waiting for a condition, client threads that check every answer, and nginx run from a
template in front of replicas.

Benchmarks never import from `tests/`; the tests import this module through the path that
`tests/conftest.py` adds. Standard library and requests only: no part of ruhrgraph.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """Terminate a process we started and wait for it (kill it after 20 s)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_http(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    """Until ``url`` answers with a status below 500. RuntimeError if ``process`` exits first
    or ``seconds`` pass; then it is stopped: no server is left behind that did not come up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            if requests.get(url, timeout=10).status_code < 500:
                return
        except requests.RequestException:  # not listening yet, or too busy starting up
            pass
        time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"no answer from {url} within {seconds} s")


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (gunicorn's workers, for its arbiter)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError):
                continue
    return found


def naming(text: str) -> list[int]:
    """Live processes (but this one) whose command line contains ``text``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                if text.encode() in Path(f"/proc/{entry}/cmdline").read_bytes() \
                        and alive(int(entry)):
                    found.append(int(entry))
            except OSError:
                continue
    return found


def wait_for(condition, message: str, seconds: float = 30):
    """``condition()``'s value once it is true; AssertionError(``message``) after
    ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        assert time.monotonic() < deadline, message
        time.sleep(0.05)
    return value


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the process group ``process`` leads (started with ``start_new_session``), and
    SIGKILL it if it is not gone within 30 s."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Looping:
    """Client threads, each running ``_run(its number)`` until ``_stop`` is set: started by
    ``with``, stopped and joined when the block ends; ``_lock`` guards their counters."""

    def __init__(self, threads: int):
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                         for i in range(threads)]

    def _run(self, offset: int) -> None:
        raise NotImplementedError

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


class Load(Looping):
    """Threads asking for known answers (path -> SHA-256 of the body) until stopped; a 200
    must always be the right body (no partial answer, ever); connection errors (a server
    down or a worker killed) are counted in ``refused``, anything else in ``wrong``."""

    def __init__(self, url: str, expected: dict[str, str], threads: int = 8):
        super().__init__(threads)
        self.url, self.expected = url, expected
        self.ok = self.refused = 0
        self.wrong: list[str] = []
        self.last_ok = 0.0

    def _run(self, offset: int) -> None:
        paths, i, session = list(self.expected), offset, requests.Session()
        while not self._stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            try:
                response = session.get(self.url + path, timeout=10)
            except requests.RequestException:
                with self._lock:
                    self.refused += 1
                session = requests.Session()
                time.sleep(0.02)
                continue
            right = response.status_code == 200 and \
                hashlib.sha256(response.content).hexdigest() == self.expected[path]
            with self._lock:
                if right:
                    self.ok += 1
                    self.last_ok = time.monotonic()
                else:
                    self.wrong.append(f"{path}: {response.status_code} {len(response.content)}")


# --- nginx in front of replicas (tests/test_replicas.py, bench/replicas_bench.py) ------------

NGINX = "/usr/sbin/nginx"


def answers(url: str) -> bool:
    """Whether ``url`` answers 200 now."""
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


class Nginx:
    """Debian's nginx as this user from a template with the placeholders of
    ``docs/nginx-replicas.conf``, rendered into ``runtime`` (pid file, logs, temporary
    files) on a free port, run in the foreground (`daemon off`)."""

    def __init__(self, runtime: Path, template: Path, workers: str = "1",
                 fail_timeout: str = "2s"):
        self.runtime, self.template, self.port = runtime, template, free_port()
        self.workers, self.fail_timeout = workers, fail_timeout
        self.conf = runtime / "nginx.conf"
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def _argv(self, *extra: str) -> list[str]:
        return [NGINX, "-p", str(self.runtime), "-e", str(self.runtime / "error.log"),
                "-c", str(self.conf), *extra]

    def render(self, replicas: list[str]) -> None:
        """The configuration for ``replicas`` (``http://host:port`` each), checked by
        `nginx -t`."""
        servers = "\n        ".join(f"server {url.removeprefix('http://')} max_fails=1 "
                                    f"fail_timeout={self.fail_timeout};" for url in replicas)
        text = self.template.read_text(encoding="utf-8")
        for name, value in (("runtime", str(self.runtime)), ("servers", servers),
                            ("listen", f"127.0.0.1:{self.port}"), ("workers", self.workers)):
            text = text.replace("{{" + name + "}}", value)
        if "{{" in text:
            raise ValueError(f"{self.template}: a placeholder is left after rendering")
        self.conf.write_text(text, encoding="utf-8")
        checked = subprocess.run(self._argv("-t"), capture_output=True, text=True, timeout=30)
        if checked.returncode != 0:
            raise RuntimeError(checked.stderr)

    def start(self, replicas: list[str]) -> None:
        self.render(replicas)
        self.process = subprocess.Popen(self._argv("-g", "daemon off;"),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: answers(self.url + "/healthz"), "nginx does not answer", 30)

    def switch(self, replicas: list[str]) -> None:
        """Point nginx at ``replicas`` (`nginx -s reload`); return once its old workers,
        which finish the requests they hold, have ended."""
        assert self.process is not None
        old = set(children(self.process.pid))
        self.render(replicas)
        reloaded = subprocess.run(self._argv("-s", "reload"), capture_output=True, text=True,
                                  timeout=30)
        if reloaded.returncode != 0:
            raise RuntimeError(reloaded.stderr)
        wait_for(lambda: not any(alive(pid) for pid in old), "old nginx workers linger", 30)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


# --- engines (tests/test_engine_*.py, bench/engines_bench.py) ------------------------------

VIRTUOSO = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"
_VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 20
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = {db}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
TransactionAfterImageLimit = 1500000000
MaxSortedTopRows = 1000000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 20
MaxClientConnections = 20
MaxKeepAlives = 20
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {result_rows}
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""


class Virtuoso:
    """A Virtuoso 7 server (Debian's virtuoso-opensource) on 127.0.0.1 with a throw-away
    database in ``directory``, its own ini and ports; ``dba``'s password is set to
    ``password`` at start (a fresh database has ``dba``/``dba``); ``result_rows`` is its
    ``[SPARQL] ResultSetMaxRows`` (Debian's own ini has 10,000)."""

    def __init__(self, directory: Path, password: str, memory_mb: int = 256,
                 result_rows: int = 1_000_000):
        self.directory, self.password = Path(directory), password
        self.sql_port, self.http_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.query = self.url + "/sparql"
        self.store = self.url + "/sparql-graph-crud-auth"
        buffers = memory_mb * 1024 * 1024 // 8192 * 2 // 3  # 8 kB pages, 2/3 of the memory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.ini = self.directory / "virtuoso.ini"
        self.ini.write_text(_VIRTUOSO_INI.format(
            db=self.directory, sql_port=self.sql_port, http_port=self.http_port,
            buffers=buffers, dirty=buffers * 3 // 4, result_rows=result_rows))
        self.process: subprocess.Popen | None = None

    def start(self, seconds: float = 60) -> Virtuoso:
        with (self.directory / "stdout.log").open("wb") as log:
            self.process = subprocess.Popen(
                [VIRTUOSO, "+configfile", str(self.ini), "+foreground"], cwd=self.directory,
                stdout=log, stderr=subprocess.STDOUT)
        wait_http(self.query + "?query=ASK%7B%7D", self.process, seconds)
        if self.password != "dba":
            self.sql(f"user_set_password('dba', '{self.password}');", password="dba")
        return self

    def sql(self, statement: str, password: str | None = None) -> str:
        """One SQL statement through isql (the ``dba`` user)."""
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", password or self.password,
             f"exec={statement}"], capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql: {done.stdout}{done.stderr}")
        return done.stdout

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)

    def __enter__(self) -> Virtuoso:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (VmRSS)."""
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0
