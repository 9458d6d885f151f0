"""Prometheus metrics, summed over all gunicorn workers.

With ``PROMETHEUS_MULTIPROC_DIR`` set (``ruhrgraph serve`` sets it to a fresh directory)
every worker writes its samples to files there and ``/metrics`` adds them up, so a scrape
that lands on any worker sees the whole server (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUESTS = Counter("ruhrgraph_http_requests_total", "HTTP requests answered",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("ruhrgraph_http_request_duration_seconds",
                    "Time from request to response", ["endpoint"], buckets=_BUCKETS)
QUERY_TIME = Histogram("ruhrgraph_query_duration_seconds",
                       "Time to evaluate and serialise a SPARQL query (cache misses)",
                       ["backend"], buckets=_BUCKETS)
CACHE = Counter("ruhrgraph_query_cache_total",
                "SPARQL results answered from the cache (hit), computed (miss), "
                "or not modified (304)", ["outcome"])
TIMEOUTS = Counter("ruhrgraph_query_timeouts_total", "Queries stopped at the timeout")
ERRORS = Counter("ruhrgraph_query_errors_total", "SPARQL requests refused or failed",
                 ["kind"])
TRUNCATED = Counter("ruhrgraph_query_truncated_total", "Results cut at MAX_RESULT_ROWS")

CONTENT_TYPE = CONTENT_TYPE_LATEST


def exposition() -> bytes:
    """The text exposition of every metric (of all workers in multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()


def worker_exit(pid: int) -> None:
    """Gunicorn ``child_exit`` hook: forget the live samples of a dead worker."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)
