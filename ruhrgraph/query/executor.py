"""Run query work in a pool of daemon threads and stop waiting for it at a deadline.

pyoxigraph cannot cancel a query (oxigraph issue #1926) but releases the GIL while it
evaluates and serialises, so a request thread hands the work to a pool thread and waits for
it at most ``timeout`` seconds. On the deadline the request answers a timeout error at once;
the abandoned thread keeps computing, so the web layer then ends its worker process after the
response is sent (gunicorn starts a fresh one: see ``docs/sparql.md``). The pool replaces the
lost thread, so the process keeps serving until then. Daemon threads never keep a process
from exiting.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: Stack of each query thread. Oxigraph's parser and evaluator recurse per nesting level
#: and per operand of a chain (``!!!…``, ``1+1+…``): with the default 8 MB a query of 20 kB
#: kills the whole process (SIGSEGV). 256 MB (address space; only pages used are resident)
#: held every query up to 100 kB that we tried (see ``docs/reliability.md``).
STACK_BYTES = 256 << 20
_STACK_LOCK = threading.Lock()


class QueryTimeout(Exception):
    """The work did not finish before the deadline (it may still be running)."""

    def __init__(self, seconds: float):
        super().__init__(f"the query did not finish within {seconds:g} s and was stopped")
        self.seconds = seconds


class Executor:
    def __init__(self, threads: int = 4, name: str = "ruhrgraph-query"):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._name = name
        self._lock = threading.Lock()
        self.abandoned = 0
        for _ in range(max(1, threads)):
            self._spawn()

    def _spawn(self) -> None:
        with _STACK_LOCK:  # stack_size() applies to threads started after it: set, then reset
            previous = threading.stack_size(STACK_BYTES)
            try:
                threading.Thread(target=self._work, name=self._name, daemon=True).start()
            finally:
                threading.stack_size(previous)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            with self._lock:
                if job.state == _CANCELLED:
                    continue
                job.state = _RUNNING
            try:
                job.value = job.fn()
            except BaseException as error:  # handed to the waiting request
                job.error = error
            job.done.release()

    def run(self, fn: Callable[[], T], timeout: float) -> T:
        """``fn()``'s value, or :class:`QueryTimeout` after ``timeout`` seconds."""
        job = _Job(fn)
        self._jobs.put(job)
        if not job.done.acquire(timeout=timeout):
            with self._lock:
                finished = job.done.acquire(blocking=False)  # just in time after all
                if not finished:
                    running = job.state == _RUNNING
                    job.state = _CANCELLED
            if not finished:
                if running:  # that thread is lost until the process ends
                    self.abandoned += 1
                    self._spawn()
                raise QueryTimeout(timeout)
        if job.error is not None:
            raise job.error
        return job.value


_QUEUED, _RUNNING, _CANCELLED = 0, 1, 2


class _Job:
    """One piece of work; ``done`` is a lock held until the work has finished (the cheapest
    way for the request thread to wait for it with a timeout)."""

    __slots__ = ("done", "error", "fn", "state", "value")

    def __init__(self, fn: Callable):
        self.fn, self.state, self.value, self.error = fn, _QUEUED, None, None
        self.done = threading.Lock()
        self.done.acquire()
