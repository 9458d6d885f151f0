"""The build: extract -> link -> graph -> validate -> store -> dumps, atomically.

``pipeline`` orchestrates the stages; ``children`` makes the child processes die with the
build; ``scale`` replicates the catalogue for benchmarks.
"""

from ruhrgraph.build.pipeline import BuildError, BuildResult, Progress, build

__all__ = ["BuildError", "BuildResult", "Progress", "build"]
