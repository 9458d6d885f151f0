"""gunicorn settings for running ``server.py`` under gunicorn
(``gunicorn -c python:ruhrgraph.web.ops.gunicorn_conf server:app``), and the peer
``bench/serving_bench.py`` measures granian against. ``ruhrgraph serve`` runs granian
(``docs/deploy.md``): gunicorn parses headers in Python without a deadline, so slow or huge
requests take its workers (``docs/reliability.md``, *Hostile clients*).
"""

import os

# gunicorn takes every module-level name as a setting: a module named ``workers`` would be
# read as the worker count (and ``metrics`` kept out of its names for the same reason).
from ruhrgraph.web.ops import metrics as _metrics
from ruhrgraph.web.ops import workers as _workers

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
    _metrics.worker_exit(worker.pid)


def post_fork(server, worker):  # gunicorn hook, in the new worker before it loads the app
    _workers.started()
