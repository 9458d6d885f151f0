"""Run query work in a pool of daemon threads and stop waiting for it at a deadline.

pyoxigraph cannot cancel a query (oxigraph issue #1926) but releases the GIL while it
evaluates and serialises, so a request thread hands the work to a pool thread and waits for
it at most ``timeout`` seconds. On the deadline the request answers a timeout error at once;
the abandoned thread keeps computing, so the web layer then ends its worker process after the
response is sent (gunicorn starts a fresh one: see ``docs/sparql.md``). The pool replaces the
lost thread, so the process keeps serving until then. Daemon threads never keep a process
from exiting.

Heavy queries never starve light ones (admission): a query still running after
``long_after`` seconds is *long*; at most ``long_slots`` long queries of a process are waited
for at once. A long query leaves the pool (a fresh thread takes its place, and a thread
beyond the pool's size ends after its work), so light queries always find a free thread; a
long query beyond the limit is answered :class:`QueryOverloaded` at once (503, Retry-After)
instead of holding a request thread for the whole deadline. Its work cannot be stopped
either: when it is still running at its deadline, ``on_overdue`` is called (the web layer
ends the worker, as after a timeout).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


class QueryOverloaded(Exception):
    """The query ran longer than ``long_after`` seconds while the process already waits for
    as many long queries as it admits (it was not waited for; ask again later)."""

    def __init__(self, slots: int, after: float):
        super().__init__(f"the query ran longer than {after:g} s while {slots} long-running "
                         f"{'query is' if slots == 1 else 'queries are'} already being answered")
        self.slots, self.after = slots, after


class Executor:
    def __init__(self, threads: int = 4, name: str = "ruhrgraph-query",
                 long_after: float = 0.0, long_slots: int = 0):
        """``long_after`` > 0 turns admission on: at most ``long_slots`` queries waited for
        past ``long_after`` seconds at once (see the module's doc)."""
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._name = name
        self._lock = threading.Lock()
        self.abandoned = 0
        self.long_after, self.long_slots = long_after, max(0, long_slots)
        self.long_running = 0  # long queries being waited for now
        self.refused = 0  # long queries answered QueryOverloaded
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
            with self._lock:
                job.state = _FINISHED
                replaced = job.left_pool
            job.done.release()
            if replaced:  # a fresh thread took this one's place while its job ran long
                return

    @contextmanager
    def long_slot(self) -> Iterator[None]:
        """Hold one of the ``long_slots`` while waiting long (for a query, or for another
        request computing the same result); :class:`QueryOverloaded` when none is free."""
        with self._lock:
            if self.long_running >= self.long_slots:
                self.refused += 1
                raise QueryOverloaded(self.long_slots, self.long_after)
            self.long_running += 1
        try:
            yield
        finally:
            with self._lock:
                self.long_running -= 1

    def run(self, fn: Callable[[], T], timeout: float,
            on_overdue: Callable[[], None] | None = None) -> T:
        """``fn()``'s value, or :class:`QueryTimeout` after ``timeout`` seconds, or
        :class:`QueryOverloaded` after ``long_after`` seconds when no long slot is free (then
        ``on_overdue()`` runs if the work is still running at the deadline)."""
        job = _Job(fn)
        self._jobs.put(job)
        first = min(self.long_after, timeout) if self.long_after > 0 else timeout
        started = time.monotonic()
        if job.done.acquire(timeout=first):
            return self._value(job)
        if first >= timeout:
            return self._wait(job, timeout, time.monotonic() - started)
        with self._lock:
            if job.state == _RUNNING:  # it leaves the pool: a fresh thread takes its place
                job.left_pool = True
                self._spawn()
        try:
            with self.long_slot():
                return self._wait(job, timeout, time.monotonic() - started)
        except QueryOverloaded:
            with self._lock:
                finished = job.done.acquire(blocking=False)
                if not finished:
                    if job.state == _QUEUED:
                        job.state = _CANCELLED  # never started: nothing to stop
                    elif on_overdue is not None:
                        watchdog = threading.Timer(max(0.0, timeout - (time.monotonic()
                                                                        - started)),
                                                   self._overdue, (job, on_overdue))
                        watchdog.daemon = True
                        watchdog.start()
            if finished:
                return self._value(job)
            raise

    def _overdue(self, job: _Job, on_overdue: Callable[[], None]) -> None:
        with self._lock:
            running = job.state == _RUNNING
            if running:
                self.abandoned += 1
        if running:
            on_overdue()

    def _wait(self, job: _Job, timeout: float, waited: float) -> T:
        if not job.done.acquire(timeout=max(0.0, timeout - waited)):
            with self._lock:
                finished = job.done.acquire(blocking=False)  # just in time after all
                if not finished:
                    running = job.state == _RUNNING
                    job.state = _CANCELLED
            if not finished:
                if running:  # that thread is lost until the process ends
                    self.abandoned += 1
                    if not job.left_pool:  # else it was replaced already
                        self._spawn()
                raise QueryTimeout(timeout)
        return self._value(job)

    @staticmethod
    def _value(job: _Job):
        if job.error is not None:
            raise job.error
        return job.value


_QUEUED, _RUNNING, _CANCELLED, _FINISHED = 0, 1, 2, 3


class _Job:
    """One piece of work; ``done`` is a lock held until the work has finished (the cheapest
    way for the request thread to wait for it with a timeout)."""

    __slots__ = ("done", "error", "fn", "left_pool", "state", "value")

    def __init__(self, fn: Callable):
        self.fn, self.state, self.value, self.error = fn, _QUEUED, None, None
        self.left_pool = False
        self.done = threading.Lock()
        self.done.acquire()
