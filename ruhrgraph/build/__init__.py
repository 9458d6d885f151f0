"""The build: extract -> link -> graph -> validate -> store -> dumps, atomically.

``pipeline`` orchestrates the stages; ``steps`` are the steps run in the build's process;
``children`` starts the store job and the ontology docs as child processes (and is their
``python -m`` entry point); ``report`` holds the errors, progress and result; ``scale``
replicates the catalogue for benchmarks. The release directory is
:mod:`ruhrgraph.store.releases`.
"""

from ruhrgraph.build.pipeline import BuildError, BuildResult, Progress, build

__all__ = ["BuildError", "BuildResult", "Progress", "build"]
