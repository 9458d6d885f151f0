"""gunicorn settings of ``ruhrgraph serve``
(``gunicorn -c python:ruhrgraph.web.ops.gunicorn_conf``).

Chosen by measurement (``bench/server_choice.py``, ``bench/README.md``): ``gthread`` workers
(one process per core, 8 threads each) beat ``sync`` workers and waitress on this machine;
they keep connections alive, and query evaluation releases the GIL.
"""

import os
import signal
import threading
import time

from ruhrgraph import config as _config  # not `config`: gunicorn reads that name as its -c
from ruhrgraph.web.ops import metrics

worker_class = os.environ.get("RUHRGRAPH_WORKER_CLASS", "gthread")
threads = int(os.environ.get("RUHRGRAPH_THREADS", "8"))
keepalive = 30
# Workers are only killed by the arbiter when they stop heart-beating; a query's own
# deadline (QUERY_TIMEOUT) is enforced by the app, which then ends its worker gracefully.
timeout = 120
graceful_timeout = 15
# GET queries as long as MAX_QUERY_BYTES allows (gunicorn's own default cuts at 4094 bytes,
# which a canned query with its prefixes already passes); the app answers 413 beyond that.
limit_request_line = 0
accesslog = None  # the app writes structured JSON access logs itself
errorlog = "-"
loglevel = "warning"
proc_name = "ruhrgraph"


def child_exit(server, worker):  # gunicorn hook
    metrics.worker_exit(worker.pid)


#: Seconds between two looks of a worker's memory watchdog at its resident memory. Reading
#: /proc/self/statm takes microseconds; a query that builds strings grew by about 0.5 GB/s
#: on this machine, so a worker is ended within about 0.1 s (50 MB) of passing its cap.
MEMORY_CHECK_SECONDS = 0.1


def post_fork(server, worker):  # gunicorn hook, in the new worker before it loads the app
    cap_mb = _config.load().worker_memory_mb
    if cap_mb > 0:
        threading.Thread(target=_watch_memory, args=(worker.log, cap_mb << 20),
                         name="ruhrgraph-memory-cap", daemon=True).start()


def _watch_memory(log, cap: int) -> None:
    """End this worker (SIGKILL: gunicorn starts a fresh one) once its resident anonymous
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
                      "requests it was answering are lost); gunicorn starts a fresh one",
                      os.getpid(), anon / (1 << 20), cap >> 20)
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(MEMORY_CHECK_SECONDS)
