"""`ruhrgraph build`: extract -> link -> mapping -> validate -> store -> dumps -> docs.

A build writes everything into a fresh ``releases/.tmp-<id>`` directory, renames it to
``releases/<id>`` when every step (SHACL validation included) has succeeded, and only then
points the ``current`` symlink at it (an atomic rename). A failed or interrupted build
leaves ``current`` and the release it points to untouched; its leftovers are removed by the
next build. One build runs at a time per build directory (a lock file).

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

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ruhrgraph import __version__
from ruhrgraph.store import releases as inuse
from ruhrgraph import store as rstore
from ruhrgraph.store.integrity import sha256_file
from ruhrgraph.iris import DEFAULT_BASE, Iris
from ruhrgraph.graph.mapping import PREFIXES, BuildInfo, Mapper, MappingError, SourceFile, meta
from ruhrgraph.build.scale import replicas
from ruhrgraph.search.index import FILE_NAME, index_release

from ruhrgraph.config import ROOT  # noqa: E402
ONTOLOGY = ROOT / "ontology" / "ruhrgraph.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
DUMP_NAME = "ruhrgraph"
KEEP_RELEASES = 3

RG = "https://w3id.org/ruhrgraph/ontology#"
#: manifest count name -> class IRI; ``organisations`` leaves out the ministries.
COUNTED = {
    "programmes": RG + "Programme",
    "action_fields": "http://www.w3.org/2004/02/skos/core#Concept",
    "projects": RG + "Project",
    "measures": RG + "Measure",
    "durations": "http://www.w3.org/2006/time#ProperInterval",
    "ministries": RG + "Ministry",
    "places": "http://schema.org/Place",
    "organisations": "http://www.w3.org/ns/org#Organization",
    "mentions": "http://www.w3.org/ns/oa#Annotation",
}
COUNT_EXCLUDE = {"organisations": (RG + "Ministry",)}


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


# --- helpers --------------------------------------------------------------------------


def _git_commit() -> str | None:
    if not (ROOT / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True,
                             capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


@contextlib.contextmanager
def _lock(build_dir: Path) -> Iterator[None]:
    build_dir.mkdir(parents=True, exist_ok=True)
    with (build_dir / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build is running in {build_dir}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _clean_leftovers(releases: Path) -> None:
    """Remove what interrupted builds left (we hold the lock: none is running)."""
    for stale in releases.glob(".tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _new_build_id(started: datetime, inputs: str, releases: Path) -> str:
    base = f"{started:%Y%m%dT%H%M%SZ}-{inputs[:8]}"
    build_id, n = base, 1
    while (releases / build_id).exists() or (releases / f".tmp-{build_id}").exists():
        n += 1
        build_id = f"{base}-{n}"
    return build_id


def _swap(build_dir: Path, build_id: str) -> None:
    """Point ``current`` at ``releases/<build_id>`` with one atomic rename."""
    current = build_dir / "current"
    if current.exists() and not current.is_symlink():
        raise BuildError(f"{current} is not a symlink; move it away and build again")
    tmp = build_dir / f".current-{build_id}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(Path("releases") / build_id, tmp)
    os.replace(tmp, current)
    fd = os.open(build_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(releases: Path, keep: int, current: Path) -> None:
    """Keep the ``keep`` newest releases, whatever ``current`` points to, and every release
    a running server still serves (``ruhrgraph.store.releases``)."""
    target = current.resolve() if current.is_symlink() else None
    done = sorted((p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name, reverse=True)
    for old in done[keep:]:
        if old.resolve() != target and not inuse.in_use(old):
            shutil.rmtree(old, ignore_errors=True)


def _source_lines(path: Path, key_column: int = 0) -> dict[str, int]:
    """First cell -> line number of a CSV file (for pointing a violation at its row)."""
    import csv

    lines: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        for row in reader:
            if row:
                lines.setdefault(row[key_column], reader.line_num)
    return lines


def _locator(iris: Iris, graph, source: Path, reference_dir: Path) -> Callable[[str], str | None]:
    """``iri -> "file:line"`` for violations: the source passage of a catalogue entity, the
    CSV row of a reference entity."""
    from rdflib import URIRef

    first_line = URIRef(RG + "firstLine")
    files = {"place": "places.csv", "organisation": "organisations.csv",
             "ministry": "ministries.csv", "field": "fields.csv"}
    rows: dict[str, dict[str, int]] = {}

    def where(iri: str) -> str | None:
        entity = iri.split("#", 1)[0]
        line = graph.value(URIRef(entity + "#passage"), first_line)
        if line is not None:
            return f"{source}:{line}"
        parsed = iris.parse(entity)
        if parsed and parsed[0] in files:
            kind, key = parsed
            path = reference_dir / files[kind]
            if kind not in rows:
                rows[kind] = _source_lines(path) if path.is_file() else {}
            if key in rows[kind]:
                return f"{path}:{rows[kind][key]}"
            return str(path)
        return None

    return where


# --- the steps -------------------------------------------------------------------------


def _read_inputs(source: Path, reference_dir: Path):
    from ruhrgraph.link import export
    from ruhrgraph.link import reference as ref
    from ruhrgraph.extract import ReadError

    try:
        reference = ref.load(reference_dir)
        linked = export.linked_catalogue(source, reference_dir)
    except (ReadError, ref.ReferenceError) as error:
        raise InputError(str(error)) from None
    return linked, reference


def _write_quads(mapper: Mapper, linked, meta_text: str, scale: int, target: Path,
                 progress: Progress) -> str:
    """Stream the whole dataset into ``target`` (N-Quads); return the part pySHACL checks
    (shared entities, replica 1, meta). Replicas 2..N must equal replica 1 but for their
    key suffix (see the module docstring)."""
    sample = []
    reference_digest = None
    with target.open("w", encoding="utf-8") as out:
        header = mapper.header()
        out.write(header)
        sample.append(header)
        for k, projects in replicas(linked, scale):
            digest = hashlib.sha256()
            suffix = re.compile(rf"-x{k}(?=[/#>\"])")
            for project in projects:
                chunk = mapper.project(project)
                out.write(chunk)
                if k == 1:
                    sample.append(chunk)
                    digest.update(chunk.encode("utf-8"))
                else:
                    digest.update(suffix.sub("", chunk).encode("utf-8"))
            if k == 1:
                reference_digest = digest.digest()
            elif digest.digest() != reference_digest:
                raise BuildError(f"synthetic replica {k} is not a copy of replica 1 "
                                 f"with the key suffix -x{k}")
            progress.tick("mapping replicas", k, scale)
        out.write(meta_text)
        sample.append(meta_text)
    mapper.check()
    return "".join(sample)


def _pylode_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pylode")
    except PackageNotFoundError:
        return "unknown"


def _reusable_ontology_doc(build_dir: Path, ontology_sha256: str) -> tuple[Path, str] | None:
    """The current release's ontology.html and its build id, if the same ontology file was
    rendered by the same pyLODE version: the page is a function of those two alone."""
    current = build_dir / "current"
    try:
        previous = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    info = previous.get("ontology", {})
    page = current / "ontology.html"
    if (info.get("sha256") == ontology_sha256 and info.get("pylode") == _pylode_version()
            and page.is_file()):
        return page, info.get("html_from") or previous.get("build_id", "")
    return None


def _start_ontology_doc(target: Path, log: Path) -> subprocess.Popen:
    with log.open("wb") as err:
        return subprocess.Popen([sys.executable, "-m", "ruhrgraph.graph.ontodoc", str(ONTOLOGY),
                                 str(target)], stdout=subprocess.DEVNULL, stderr=err,
                                cwd=str(ROOT))


def _start_store_job(staging: Path, nquads: Path, iris: Iris,
                     progress: Progress) -> subprocess.Popen:
    job = {"release": str(staging), "nquads": str(nquads), "progress": progress.enabled,
           "graph_files": [[str(ONTOLOGY), iris.graph("ontology")]],
           "dump_name": DUMP_NAME, "prefixes": PREFIXES,
           "count_graph": iris.graph("catalogue"), "count": COUNTED,
           "count_exclude": COUNT_EXCLUDE}
    path = staging / "storejob.json"
    path.write_text(json.dumps(job), encoding="utf-8")
    # On a terminal the job's progress and errors go straight to it; else they are kept.
    return subprocess.Popen([sys.executable, "-m", "ruhrgraph.store.job", str(path)],
                            stdout=subprocess.PIPE, cwd=str(ROOT),
                            stderr=None if progress.enabled else subprocess.PIPE)


def _finish_store_job(job: subprocess.Popen, staging: Path) -> dict:
    out, err = job.communicate()
    if job.returncode != 0:
        said = err.decode("utf-8", "replace")[-4000:] if err else "(see above)"
        raise BuildError(f"the store step failed:\n{said}")
    (staging / "storejob.json").unlink()
    return json.loads(out)


def build(*, source: str | Path, reference_dir: str | Path, build_dir: str | Path,
          base_iri: str = DEFAULT_BASE, scale: int = 1,
          progress: Progress | None = None) -> BuildResult:
    """Build the graph from ``source`` and ``reference_dir`` into ``build_dir``."""
    progress = progress or Progress()
    source, reference_dir, build_dir = Path(source), Path(reference_dir), Path(build_dir)
    if scale < 1:
        raise BuildError(f"--scale must be at least 1, got {scale}")
    iris = Iris(base_iri)
    wall = time.perf_counter()
    releases = build_dir / "releases"
    with _lock(build_dir):
        releases.mkdir(parents=True, exist_ok=True)
        _clean_leftovers(releases)
        started = datetime.now(UTC).replace(microsecond=0)
        staging = None
        doc = job = None
        try:
            with progress.step("read"):
                if not source.is_file():
                    raise InputError(f"{source}: catalogue text not found")
                inputs = [SourceFile(source.name, sha256_file(source), source.stat().st_size,
                                     "catalogue")]
                for csv_path in sorted(reference_dir.glob("*.csv")):
                    inputs.append(SourceFile(csv_path.name, sha256_file(csv_path),
                                             csv_path.stat().st_size, "reference",
                                             "text/csv"))
                digest = hashlib.sha256("".join(f"{s.name}:{s.sha256}\n" for s in inputs)
                                        .encode()).hexdigest()
                build_id = _new_build_id(started, digest, releases)
                staging = releases / f".tmp-{build_id}"
                staging.mkdir()
                ontology_sha256 = sha256_file(ONTOLOGY)
                reuse = _reusable_ontology_doc(build_dir, ontology_sha256)
                if reuse is None:
                    doc = _start_ontology_doc(staging / "ontology.html",
                                              staging / "ontodoc.log")
                else:
                    shutil.copyfile(reuse[0], staging / "ontology.html")
            with progress.step("extract and link"):
                linked, reference = _read_inputs(source, reference_dir)
            info = BuildInfo(build_id, started, __version__, tuple(inputs),
                             linked.catalogue.title)
            nquads = staging / "graph.nq"
            with progress.step("mapping"):
                try:
                    sample = _write_quads(Mapper(linked.catalogue, reference, iris, str(source)),
                                          linked, meta(info, iris), scale, nquads, progress)
                except MappingError as error:
                    raise InputError(str(error)) from None
            job = _start_store_job(staging, nquads, iris, progress)
            with progress.step("validate"):
                violations = _validate(sample, iris, source, reference_dir)
            if violations:
                raise ValidationFailed(violations)
            with progress.step("store and dumps"):
                stored = _finish_store_job(job, staging)
            for name, seconds in stored["timings"].items():
                progress.timings[f"store job: {name}"] = seconds
            with progress.step("search index"):
                indexed = index_release(staging)
            with progress.step("ontology docs"):
                if doc is not None:
                    if doc.wait() != 0:
                        log = (staging / "ontodoc.log").read_text(errors="replace")[-2000:]
                        raise BuildError(f"pyLODE failed on {ONTOLOGY}:\n{log}")
                    (staging / "ontodoc.log").unlink()
            with progress.step("manifest"):
                manifest = _manifest(info, iris, stored, scale, progress.timings)
                manifest["ontology"].update(
                    sha256=ontology_sha256, pylode=_pylode_version(),
                    html_from=reuse[1] if reuse else build_id)
                manifest["search"] = {"file": FILE_NAME, "documents": indexed}
                (staging / "manifest.json").write_text(
                    json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
            release = releases / build_id
            os.replace(staging, release)
            staging = None
            _swap(build_dir, build_id)
        except BaseException:
            for child in (doc, job):
                if child is not None and child.poll() is None:
                    child.kill()
                    child.wait()
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            raise
        _prune(releases, KEEP_RELEASES, build_dir / "current")
    manifest["seconds"] = round(time.perf_counter() - wall, 3)
    return BuildResult(build_id, release, manifest)


def _validate(sample: str, iris: Iris, source: Path, reference_dir: Path) -> list:
    from ruhrgraph.graph.validate import validate

    graph = rstore.rdflib_graph(sample)
    return validate(graph, SHAPES, iris.base, _locator(iris, graph, source, reference_dir))


def _manifest(info: BuildInfo, iris: Iris, stored: dict, scale: int,
              timings: dict[str, float]) -> dict:
    return {
        "build_id": info.build_id,
        "build_iri": iris.build(info.build_id),
        "started": info.started.isoformat().replace("+00:00", "Z"),
        "finished": datetime.now(UTC).replace(microsecond=0).isoformat()
        .replace("+00:00", "Z"),
        "software": {"name": "ruhrgraph", "version": info.version, "git": _git_commit()},
        "base_iri": iris.base,
        "scale": scale,
        "sources": [{"role": s.role, "name": s.name, "sha256": s.sha256, "bytes": s.size,
                     "media_type": s.media_type, "iri": iris.source(s.sha256)}
                    for s in info.sources],
        "source": {"name": info.sources[0].name, "sha256": info.sources[0].sha256},
        "ontology": {"iri": RG.rstrip("#"), "file": "ontology/ruhrgraph.ttl",
                     "html": "ontology.html"},
        "shapes": {"file": "ontology/shapes.ttl", "sha256": sha256_file(SHAPES)},
        "validation": {"conforms": True, "engine": "pySHACL",
                       "scope": "shared entities, replica 1 and the meta graph; replicas "
                                "2..N checked equal to replica 1 but for their key suffix"
                       if scale > 1 else "the catalogue and meta graphs"},
        "graphs": stored["graphs"],
        "quads": stored["quads"],
        "counts": stored["counts"],
        "store": "store",
        "dumps": stored["dumps"],
        "timings": timings,
    }
