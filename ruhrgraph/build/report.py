"""What a build tells its caller: its errors (with exit codes), its progress, its result.

:class:`BuildError` and its kinds are the only exceptions :func:`ruhrgraph.build.build`
raises on purpose (``exit_code`` for the command line: 1 the build itself, 2 bad input, 3
the graph does not conform); :class:`Progress` times the steps and, on a terminal, says
what runs; :class:`BuildResult` is the finished release.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ruhrgraph.graph.validate import SHAPES


class BuildError(Exception):
    """The build failed; nothing was swapped. ``exit_code`` for the command line."""

    exit_code = 1


class InputError(BuildError):
    """Bad input: the message names file:line."""

    exit_code = 2


class ValidationFailed(BuildError):
    """The graph does not conform to the shapes; ``violations`` lists each one."""

    exit_code = 3

    def __init__(self, violations: list):
        self.violations = violations
        lines = [f"  {v}" for v in violations[:200]]
        if len(violations) > 200:
            lines.append(f"  ... and {len(violations) - 200} more")
        super().__init__(f"the graph does not conform to {SHAPES.name}: "
                         f"{len(violations)} violation(s)\n" + "\n".join(lines))


@dataclass
class Progress:
    """Step timings and a replica counter on stderr, only when ``enabled`` (a terminal)."""

    enabled: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    _last: float = 0.0

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time a step; on a terminal, say when it starts and how long it took (steps in
        threads print whole lines, so their output never mixes within a line)."""
        if self.enabled:
            print(f"  {name} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - start
            self.timings[name] = round(self.timings.get(name, 0.0) + seconds, 3)
            if self.enabled:
                print(f"  {name}: {seconds:.2f} s", file=sys.stderr, flush=True)

    def tick(self, name: str, done: int, total: int) -> None:
        """A counter for a long loop, rewritten in place at most five times a second."""
        now = time.perf_counter()
        if self.enabled and total > 1 and (now - self._last > 0.2 or done == total):
            self._last = now
            end = "\n" if done == total else ""
            print(f"\r  {name} {done}/{total}", end=end, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class BuildResult:
    build_id: str
    release: Path
    manifest: dict
