"""The life of a worker process of ``ruhrgraph serve`` (granian): what gunicorn's hooks did.

granian has no ``post_fork`` or ``child_exit`` hook, so ``ruhrgraph serve`` hands granian
the factory :func:`ruhrgraph.web.serving.granian_app`, which calls :func:`started` in each
new worker: it forgets the live samples of dead workers (:func:`forget_dead_workers`) and
starts the memory watchdog (:func:`watch_memory`); then the app is made.

granian ends the whole server ("Worker crash loop detected") when a worker it has just
respawned exits again within :data:`ruhrgraph.web.serving.CRASH_LOOP_SECONDS`; a worker's own
exits (the memory cap's SIGKILL, the recycling after a query timeout) count. :func:`recycle`
therefore never ends a worker younger than :data:`MIN_AGE_SECONDS`: it waits until the worker
is that old.

A worker must not outlive its server: when granian's main process is killed (SIGKILL, the
OOM killer) nobody would stop the workers, which would keep the port and the store. The
kernel ends each worker when its parent ends (``PR_SET_PDEATHSIG``, :func:`die_with_parent`).
"""

from __future__ import annotations

import logging
import os
import re
import signal
import threading
import time
from pathlib import Path

from ruhrgraph import config as cfg

log = logging.getLogger("ruhrgraph.web")

#: A worker ends itself (after a timeout) only once it is this old: granian's crash-loop
#: detector (narrowed to 1 s by ``ruhrgraph.web.serving``) stops the server when a respawned
#: worker exits sooner.
MIN_AGE_SECONDS = 2.0
#: Seconds a recycled worker may take to finish what it answers before it is ended at once.
RECYCLE_GRACE_SECONDS = 10.0
#: Seconds between two looks of a worker's memory watchdog at its resident memory. Reading
#: /proc/self/statm takes microseconds; a query that builds strings grew by about 0.5 GB/s
#: on this machine, so a worker is ended within about 0.1 s (50 MB) of passing its cap.
MEMORY_CHECK_SECONDS = 0.1

_born = time.monotonic()
_recycling = threading.Lock()


def started() -> None:
    """In a new worker, before its app is made (:func:`ruhrgraph.web.serving.granian_app`)."""
    global _born
    _born = time.monotonic()
    die_with_parent()
    forget_dead_workers()
    settings = cfg.load()
    if settings.server_pin_cpus:
        pin_to_a_core(int(os.environ.get(WORKERS_ENV) or 0))
    cap_mb = settings.worker_memory_mb
    if cap_mb > 0:
        threading.Thread(target=watch_memory, args=(cap_mb << 20,),
                         name="ruhrgraph-memory-cap", daemon=True).start()


#: The lock file of the core this worker holds (kept open for the worker's life: the kernel
#: frees the lock when the process ends, and a respawned worker takes the core).
_core_claim = None


#: How many workers its server runs, set by :func:`ruhrgraph.web.serving.serve` for them.
WORKERS_ENV = "RUHRGRAPH_SERVE_WORKERS"


def pin_to_a_core(workers: int) -> int | None:
    """When the server runs ``workers`` >= 2 and at most as many as there are cores (one
    worker keeps every core: its query threads use another while it parses), claim one of
    the cores this process may run on that no sibling worker holds (a
    ``flock`` per core in a directory of the server's main process) and run every thread of
    this worker there, also the threads started later (they inherit it). A query is handed
    from a request thread to a query thread and back: on one core that costs ~20 us, across
    cores ~70 us (an inter-processor wake-up; measured on this 2-core VM). The core, or None
    (not pinned)."""
    import fcntl
    import tempfile

    global _core_claim
    try:
        cores = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return None
    if not 2 <= workers <= len(cores):
        return None
    directory = Path(tempfile.gettempdir()) / f"ruhrgraph-cores-{os.getppid()}"
    directory.mkdir(exist_ok=True)
    for core in cores:
        handle = (directory / f"core-{core}.lock").open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        for task in Path("/proc/self/task").iterdir():
            try:
                os.sched_setaffinity(int(task.name), {core})
            except OSError:  # a thread that ended meanwhile
                pass
        _core_claim = handle
        return core
    return None


def die_with_parent() -> None:
    """Have the kernel send this process SIGKILL when its parent (granian's main process)
    ends; if the parent ended already, end now (Linux; elsewhere nothing is done)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return
    pr_set_pdeathsig = 1
    parent = os.getppid()
    if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0 and parent == 1:
        os.kill(os.getpid(), signal.SIGKILL)


def forget_dead_workers() -> None:
    """prometheus_client's multiprocess mode keeps a dead process's files: counters and
    histograms are meant to keep counting (their sums stay right), live gauges are removed
    by ``mark_process_dead`` (gunicorn's ``child_exit`` did it; here a new worker does it
    for every pid in the directory that no longer runs)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    from prometheus_client import multiprocess

    pids = {int(m.group(1)) for p in Path(directory).glob("*.db")
            if (m := re.search(r"_(\d+)\.db$", p.name))}
    for pid in pids:
        if pid != os.getpid() and not Path(f"/proc/{pid}").exists():
            multiprocess.mark_process_dead(pid, directory)


def watch_memory(cap: int) -> None:
    """End this worker (SIGKILL: granian starts a fresh one) once its resident anonymous
    memory passes ``cap`` bytes. An embedded query cannot be stopped, and a worker that
    reached its cap would only grow until the kernel's OOM killer took it (or a neighbour):
    ending it at once costs the requests it was answering, as the OOM killer would, but
    never those of the other workers. Resident, not virtual: every query thread reserves a
    256 MB stack (``ruhrgraph.query.executor``), so a worker maps over 2 GB it never touches."""
    page = os.sysconf("SC_PAGE_SIZE")
    fd = os.open("/proc/self/statm", os.O_RDONLY)
    while True:
        fields = os.pread(fd, 256, 0).split()
        anon = (int(fields[1]) - int(fields[2])) * page  # resident minus file-backed/shared
        if anon > cap:
            log.error("worker %d holds %.1f MB, over WORKER_MEMORY_MB=%d: ending it (the "
                      "requests it was answering are lost); a fresh one is started",
                      os.getpid(), anon / (1 << 20), cap >> 20)
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(MEMORY_CHECK_SECONDS)


def recycle() -> None:
    """End this worker gracefully after a query timeout (the only way to stop an embedded
    query): SIGTERM once it is :data:`MIN_AGE_SECONDS` old, and at once after
    :data:`RECYCLE_GRACE_SECONDS` if it has not ended by then (the query it runs would keep
    it). Called once the response is sent; a second call while one is pending does nothing."""
    if not _recycling.acquire(blocking=False):
        return
    wait = max(0.0, MIN_AGE_SECONDS - (time.monotonic() - _born))
    log.warning("worker %d ends after a query timeout%s; a fresh one is started",
                os.getpid(), f" (in {wait:.1f} s: it is new)" if wait else "")

    def end() -> None:
        time.sleep(wait)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(RECYCLE_GRACE_SECONDS)
        os._exit(1)

    threading.Thread(target=end, name="ruhrgraph-recycle", daemon=True).start()
