"""Faults: a server killed under load, builds killed at arbitrary moments, a full and a
read-only data directory, a damaged store. Small, fast versions of `bench/fault_bench.py`
(which runs more trials and reports figures); every check here runs the real command."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests
from conftest import ROOT, VENV_BIN, free_port, run_build, start_server, stop
from proc import Load, alive, children, naming, wait_for

from ruhrgraph.store import integrity

pytestmark = pytest.mark.slow

#: Answers that depend on the catalogue only (not on the build id): equal across builds.
STABLE = (
    "/queries/projects-per-field.csv",
    "/queries/project.csv?code=13-01",
    "/queries/projects-by-city.csv?city=Essen",
    "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%20GRAPH%20%3C"
    "https%3A%2F%2Fw3id.org%2Fruhrgraph%2Fgraph%2Fcatalogue%3E%20%7B%20%3Fs%20%3Fp%20%3Fo"
    "%20%7D%20%7D&format=csv",
)
#: Answers of one build (they name it): equal across restarts of a server on that build.
SAME_BUILD = (*STABLE, "/project/13-01.ttl", "/place/05113000.nt", "/downloads/ruhrgraph.nt.gz",
              "/healthz")


def copy_build(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def answers(url: str, paths=SAME_BUILD) -> dict[str, str]:
    out = {}
    for path in paths:
        response = requests.get(url + path, timeout=30)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        out[path] = hashlib.sha256(response.content).hexdigest()
    return out


def serve_env(build_dir: Path) -> dict[str, str]:
    return {"RUHRGRAPH_BUILD_DIR": str(build_dir), "RUHRGRAPH_STORE_DIR": "",
            "RUHRGRAPH_PUBLIC_URL": "", "RUHRGRAPH_QUERIES_DIR": str(ROOT / "queries"),
            "RUHRGRAPH_ACCESS_LOG": "0"}


def serve_once(build_dir: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """`ruhrgraph serve` on ``build_dir``, expected to refuse (it is killed if it serves)."""
    port = free_port()
    try:
        return subprocess.run([str(VENV_BIN / "ruhrgraph"), "serve", "--port", str(port),
                               "--workers", "1"], env={**os.environ, **serve_env(build_dir)},
                              capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                              check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("`ruhrgraph serve` started on a damaged store instead of refusing")


# --- a damaged store --------------------------------------------------------------------


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0x01  # one bit
    path.write_bytes(bytes(data))


def _largest_table(store: Path) -> Path:
    return max(store.glob("*.sst"), key=lambda p: p.stat().st_size)


DAMAGE = {
    "one bit flipped in a table file": (lambda r: _flip(_largest_table(r / "store")),
                                        "differs from its checksum"),
    "a table file deleted": (lambda r: _largest_table(r / "store").unlink(), "is missing"),
    "a table file truncated": (lambda r: os.truncate(_largest_table(r / "store"), 4096),
                               "differs from its checksum"),
    "CURRENT deleted": (lambda r: (r / "store" / "CURRENT").unlink(), "store/CURRENT is missing"),
    "store emptied": (lambda r: [p.unlink() for p in (r / "store").iterdir()], "is missing"),
    "integrity list deleted": (lambda r: (r / "store.SHA256SUMS").unlink(),
                               "has no integrity list"),
    "manifest garbled": (lambda r: (r / "manifest.json").write_text('{"build_id": '),
                         "manifest.json cannot be read"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_store_is_refused_with_a_clear_message(built_graph, tmp_path, damage):
    build_dir = copy_build(built_graph.build_dir, tmp_path / "build")
    apply, reason = DAMAGE[damage]
    apply((build_dir / "current").resolve())
    result = serve_once(build_dir)
    assert result.returncode == 2, result.stderr
    assert "ruhrgraph serve: refusing to serve: " in result.stderr
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


def test_the_intact_copy_is_served_and_the_bit_flip_is_caught_by_the_app_too(built_graph,
                                                                              tmp_path):
    """The control of the test above (the copy itself is fine), and `create_app` (any WSGI
    server, `server.py`) refuses on its own, without `ruhrgraph serve`."""
    from ruhrgraph.web import create_app

    build_dir = copy_build(built_graph.build_dir, tmp_path / "build")
    config = {"BUILD_DIR": str(build_dir), "STORE_DIR": "", "ACCESS_LOG": False}
    assert create_app(config).test_client().get("/healthz").status_code == 200
    assert integrity.verify((build_dir / "current").resolve() / "store") > 5
    _flip(_largest_table((build_dir / "current").resolve() / "store"))
    with pytest.raises(integrity.DamagedStore, match="differs from its checksum"):
        create_app(config)
    # The check is what refuses it: switched off, the damaged store opens (do not do this).
    assert create_app({**config, "VERIFY_STORE": False}).test_client().get(
        "/healthz").status_code == 200


# --- the server killed under load ---------------------------------------------------------


def test_server_killed_under_load_restarts_on_the_same_port_with_the_same_answers(
        built_graph, tmp_path):
    build_dir = copy_build(built_graph.build_dir, tmp_path / "build")
    server = start_server(tmp_path, serve_env(build_dir))
    port = int(server.url.rsplit(":", 1)[1])
    restarted = None
    try:
        before = answers(server.url)
        with Load(server.url, before, threads=6) as load:
            wait_for(lambda: load.ok >= 50, "the load never got going")
            master = server.process.pid
            workers = children(master)
            assert workers
            os.kill(master, signal.SIGKILL)  # the arbiter only: its workers are orphaned
            server.process.wait(timeout=10)
            wait_for(lambda: not any(alive(p) for p in workers),  # graceful timeout 15 s
                      "orphaned workers kept running", seconds=45)
            # the crash is seen by the clients (their next request is refused) ...
            wait_for(lambda: load.refused > 0, "no client saw the server down")
            down = load.refused
            restarted = _start_on_port(tmp_path, serve_env(build_dir), port)
            served = load.ok
            wait_for(lambda: load.ok >= served + 50, "no answers after the restart")
        assert down > 0
        assert load.wrong == []  # ... but never as a wrong or partial answer
        assert answers(server.url) == before
    finally:
        stop(server.process)
        if restarted is not None:
            stop(restarted)


def _start_on_port(tmp_path: Path, env: dict[str, str], port: int) -> subprocess.Popen:
    log = tmp_path / "restarted.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(VENV_BIN / "ruhrgraph"), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", "2"], env={**os.environ, **env}, stdout=subprocess.DEVNULL,
            stderr=sink, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).ok:
                return process
        except requests.RequestException:
            time.sleep(0.1)
    stop(process)
    raise AssertionError(f"no restart on port {port}: {log.read_text()}")


# --- builds killed at arbitrary moments ---------------------------------------------------


def _kill_when(build_dir: Path, process: subprocess.Popen, moment: str) -> None:
    """SIGKILL the build at ``moment``: after 0.3 s (reading, extracting), once its staging
    has the mapped N-Quads (validation running), or once the store job writes dumps."""
    if moment == "early":
        time.sleep(0.3)
    else:
        deadline = time.monotonic() + 120
        while not list((build_dir / "releases").glob(f".tmp-*/{moment}")):
            assert process.poll() is None, "the build ended before the moment to kill it"
            assert time.monotonic() < deadline
            time.sleep(0.005)
    assert process.poll() is None, "the build ended before the moment to kill it"
    process.kill()
    process.communicate(timeout=30)


def test_builds_killed_at_three_moments_never_disturb_the_served_store(built_graph, tmp_path):
    """kill -9 of the `ruhrgraph build` process (not its group: as an operator or the OOM
    killer would) early, while it validates, and while its store job writes the dumps;
    `bench/fault_bench.py` kills >= 10 at random moments. The server on the build directory
    keeps answering the same, the store it serves stays intact, no child of the killed build
    lives on, and the next build succeeds."""
    build_dir = copy_build(built_graph.build_dir, tmp_path / "build")
    current = os.readlink(build_dir / "current")
    server = start_server(tmp_path, serve_env(build_dir))
    try:
        before = answers(server.url)
        for moment in ("early", "graph.nq", "dumps"):
            process = subprocess.Popen([str(VENV_BIN / "ruhrgraph"), "build", "--build-dir",
                                        str(build_dir), "--quiet"], cwd=ROOT,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _kill_when(build_dir, process, moment)
            wait_for(lambda: naming(str(build_dir)) == [],
                      f"a child of the build killed at {moment} lives on", seconds=2)
            assert os.readlink(build_dir / "current") == current
            assert integrity.verify((build_dir / "current").resolve() / "store") > 5
            assert answers(server.url) == before
        result = run_build(build_dir)
        assert result.returncode == 0, result.stderr
        assert os.readlink(build_dir / "current") != current
        assert not list((build_dir / "releases").glob(".tmp-*"))
        fresh = start_server(tmp_path, serve_env(build_dir))
        try:
            assert answers(fresh.url, STABLE) == {p: before[p] for p in STABLE}
        finally:
            stop(fresh.process)
    finally:
        stop(server.process)


# --- a full and a read-only data directory -----------------------------------------------


def _mount_tmpfs(size_kb: int) -> Path:
    """A small tmpfs on a new directory outside pytest's tmp_path: should a killed run leave
    it mounted, pytest's clean-up of old tmp directories must not trip over it."""
    target = Path(tempfile.mkdtemp(prefix="ruhrgraph-faults-disk-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(target)],
                   check=True, capture_output=True)
    return target


def _umount(target: Path) -> None:
    """Unmount, retrying while a server that just stopped still lets go of its files; at
    last lazily, so no test leaves a mount behind."""
    for _ in range(20):
        if subprocess.run(["umount", str(target)], check=False,
                          capture_output=True).returncode == 0:
            break
        time.sleep(0.25)
    else:
        subprocess.run(["umount", "-l", str(target)], check=False, capture_output=True)
    shutil.rmtree(target, ignore_errors=True)


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")


@needs_root
def test_a_full_data_directory_fails_clearly_and_loses_nothing(built_graph, tmp_path):
    release_kb = sum(p.stat().st_size for p in built_graph.build_dir.rglob("*")
                     if p.is_file()) // 1024
    disk = _mount_tmpfs(release_kb + 1200)  # the old release and 1.2 MB: the build runs out
    try:
        build_dir = copy_build(built_graph.build_dir, disk / "build")
        current = os.readlink(build_dir / "current")
        result = run_build(build_dir)
        assert result.returncode == 1, result.stderr
        assert "No space left on device" in result.stderr
        assert "Traceback" not in result.stderr
        assert f"still points to {current}" in result.stderr or "store step" in result.stderr
        assert os.readlink(build_dir / "current") == current
        assert not list((build_dir / "releases").glob(".tmp-*"))  # its half-build removed
        assert integrity.verify((build_dir / "current").resolve() / "store") > 5
        server = start_server(tmp_path, serve_env(build_dir))  # still served from the full disk
        try:
            assert answers(server.url, STABLE) == answers(server.url, STABLE)
        finally:
            stop(server.process)
        subprocess.run(["mount", "-o", f"remount,size={release_kb * 3}k", str(disk)],
                       check=True)
        result = run_build(build_dir)  # with room again, the next build succeeds
        assert result.returncode == 0, result.stderr
    finally:
        _umount(disk)


@needs_root
def test_a_read_only_data_directory_fails_clearly_and_is_still_served(built_graph, tmp_path):
    disk = _mount_tmpfs(64 * 1024)
    try:
        build_dir = copy_build(built_graph.build_dir, disk / "build")
        current = os.readlink(build_dir / "current")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = run_build(build_dir)
        assert result.returncode == 1
        assert result.stderr.strip() == (
            f"ruhrgraph build: cannot write the build: Read-only file system "
            f"({build_dir / '.lock'}); {build_dir / 'current'} still points to {current}")
        server = start_server(tmp_path, serve_env(build_dir))  # reading needs no write
        try:
            assert answers(server.url)["/healthz"]
        finally:
            stop(server.process)
    finally:
        _umount(disk)


def test_a_release_being_served_is_not_pruned_by_later_builds(built_graph, tmp_path):
    """Builds keep three releases; the one a running server serves is kept beyond them (its
    dumps answered 404 after three builds before: the server holds a lock on it)."""
    build_dir = copy_build(built_graph.build_dir, tmp_path / "build")
    served = (build_dir / "current").resolve()
    server = start_server(tmp_path, serve_env(build_dir))
    try:
        before = answers(server.url)
        for _ in range(4):
            result = run_build(build_dir)
            assert result.returncode == 0, result.stderr
        assert served.is_dir()
        assert answers(server.url) == before
    finally:
        stop(server.process)
    result = run_build(build_dir)  # nobody serves it now: pruned
    assert result.returncode == 0, result.stderr
    assert not served.exists()
