"""`ruhrgraph build`: extract -> link -> mapping -> validate -> store -> dumps -> docs.

A build writes everything into a fresh ``releases/.tmp-<id>`` directory, renames it to
``releases/<id>`` when every step (SHACL validation included) has succeeded, and only then
points the ``current`` symlink at it (an atomic rename). A failed or interrupted build
leaves ``current`` and the release it points to untouched; its leftovers are removed by the
next build. One build runs at a time per build directory (a lock file). The release
directory's operations are :mod:`ruhrgraph.store.releases`; the steps are :mod:`.steps`,
the child processes :mod:`.children`, the errors and progress :mod:`.report`.

Steps that need not wait for each other overlap on the two cores: pyLODE runs as a child
process from the start, and the store is loaded and dumped (pyoxigraph, which releases the
interpreter lock) while pySHACL validates.

With ``scale > 1`` the catalogue is replicated (see :mod:`ruhrgraph.build.scale`). pySHACL
validates the shared entities, replica 1 and the meta graph; every further replica must
be replica 1 with its key suffix and nothing else, which is checked line by line through a
digest of its N-Quads with the suffix removed. Replica k then conforms because replica 1
does: no shape depends on a key's spelling beyond patterns that accept the suffix, and no
shape counts incoming links of a shared entity. Validation stays linear and its memory
bounded by one replica.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from ruhrgraph import __version__
from ruhrgraph.build import children, steps
from ruhrgraph.build.report import BuildError, BuildResult, InputError, Progress, ValidationFailed
from ruhrgraph.graph.checks import MappingError, check
from ruhrgraph.graph.mapping import Mapper
from ruhrgraph.graph.provenance import BuildProvenance, SourceFile, meta
from ruhrgraph.iris import DEFAULT_BASE, Iris
from ruhrgraph.search.index import FILE_NAME as SEARCH_FILE
from ruhrgraph.search.index import index_release
from ruhrgraph.store import releases
from ruhrgraph.store.integrity import sha256_file

KEEP_RELEASES = 3

__all__ = ["BuildError", "BuildResult", "InputError", "Progress", "ValidationFailed", "build"]


def build(*, source: str | Path, reference_dir: str | Path, build_dir: str | Path,
          base_iri: str = DEFAULT_BASE, scale: int = 1,
          progress: Progress | None = None) -> BuildResult:
    """Build the graph from ``source`` and ``reference_dir`` into ``build_dir``."""
    progress = progress or Progress()
    if scale < 1:
        raise BuildError(f"--scale must be at least 1, got {scale}")
    run = _Run(Path(source), Path(reference_dir), Path(build_dir), Iris(base_iri), scale,
               progress)
    wall = time.perf_counter()
    try:
        with releases.lock(run.build_dir):
            run.releases.mkdir(parents=True, exist_ok=True)
            releases.clean_leftovers(run.releases)
            try:
                result = run.steps()
            except BaseException:
                run.abort()
                raise
            releases.prune(run.releases, KEEP_RELEASES, run.build_dir / "current")
    except releases.ReleaseError as error:
        raise BuildError(str(error)) from None
    result.manifest["seconds"] = round(time.perf_counter() - wall, 3)
    return result


class _Run:
    """One build under the lock: its inputs, its staging directory and its children."""

    def __init__(self, source: Path, reference_dir: Path, build_dir: Path, iris: Iris,
                 scale: int, progress: Progress):
        self.source, self.reference_dir, self.build_dir = source, reference_dir, build_dir
        self.iris, self.scale, self.progress = iris, scale, progress
        self.releases = build_dir / "releases"
        self.build_id = ""
        self.ontology_sha256 = ""
        self.staging: Path | None = None
        self.doc: subprocess.Popen | None = None
        self.job: subprocess.Popen | None = None
        self.reuse: tuple[Path, str] | None = None
        self.indexed = 0

    def steps(self) -> BuildResult:
        progress = self.progress
        started = datetime.now(UTC).replace(microsecond=0)
        with progress.step("read"):
            inputs = self._read(started)
        with progress.step("extract and link"):
            linked, reference = steps.read_inputs(self.source, self.reference_dir)
        info = BuildProvenance(self.build_id, started, __version__, tuple(inputs),
                               linked.catalogue.title)
        nquads = self.staging / "graph.nq"
        with progress.step("mapping"):
            sample = self._map(linked, reference, info, nquads)
        self.job = children.start_store_job(self.staging, nquads, self.iris, progress)
        with progress.step("validate"):
            violations = steps.validate(sample, self.iris, self.source, self.reference_dir)
        if violations:
            raise ValidationFailed(violations)
        with progress.step("store and dumps"):
            stored = children.finish_store_job(self.job, self.staging)
        for name, seconds in stored["timings"].items():
            progress.timings[f"store job: {name}"] = seconds
        with progress.step("search index"):
            self.indexed = index_release(self.staging)
        with progress.step("ontology docs"):
            if self.doc is not None:
                children.finish_ontology_doc(self.doc, self.staging)
        with progress.step("manifest"):
            manifest = self._manifest(info, stored)
        return BuildResult(self.build_id, self._publish(), manifest)

    def _read(self, started: datetime) -> list[SourceFile]:
        """Name the inputs and the build, make the staging directory, start pyLODE (or
        reuse the current release's page)."""
        inputs = steps.source_files(self.source, self.reference_dir)
        self.build_id = releases.new_build_id(started, steps.inputs_digest(inputs),
                                              self.releases)
        self.staging = self.releases / f".tmp-{self.build_id}"
        self.staging.mkdir()
        self.ontology_sha256 = sha256_file(children.ONTOLOGY_FILE)
        self.reuse = children.reusable_ontology_doc(self.build_dir, self.ontology_sha256)
        if self.reuse is None:
            self.doc = children.start_ontology_doc(self.staging / "ontology.html",
                                                   self.staging / "ontodoc.log")
        else:
            shutil.copyfile(self.reuse[0], self.staging / "ontology.html")
        return inputs

    def _map(self, linked, reference, info: BuildProvenance, nquads: Path) -> str:
        findings = check(linked, reference)
        if findings:
            raise InputError(str(MappingError(findings, str(self.source))))
        mapper = Mapper(linked.catalogue, reference, self.iris)
        return steps.write_quads(mapper, linked, meta(info, self.iris), self.scale, nquads,
                                 self.progress)

    def _manifest(self, info: BuildProvenance, stored: dict) -> dict:
        manifest = steps.manifest(info, self.iris, stored, self.scale, self.progress.timings)
        manifest["ontology"].update(
            sha256=self.ontology_sha256, pylode=children.pylode_version(),
            html_from=self.reuse[1] if self.reuse else self.build_id)
        manifest["search"] = {"file": SEARCH_FILE, "documents": self.indexed}
        (self.staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return manifest

    def _publish(self) -> Path:
        """Rename the staging directory into a release and point ``current`` at it."""
        release = self.releases / self.build_id
        os.replace(self.staging, release)
        self.staging = None
        releases.swap(self.build_dir, self.build_id)
        return release

    def abort(self) -> None:
        """Stop the children and remove the unfinished release."""
        for child in (self.doc, self.job):
            if child is not None and child.poll() is None:
                child.kill()
                child.wait()
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
