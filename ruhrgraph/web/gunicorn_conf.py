"""gunicorn settings of ``ruhrgraph serve`` (``gunicorn -c python:ruhrgraph.web.gunicorn_conf``).

Chosen by measurement (``bench/server_choice.py``, ``bench/README.md``): ``gthread`` workers
(one process per core, 8 threads each) beat ``sync`` workers and waitress on this machine;
they keep connections alive, and query evaluation releases the GIL.
"""

import os

from ruhrgraph import metrics

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
