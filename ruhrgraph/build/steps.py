"""The steps of a build that run in its own process, each a function over the previous one.

:func:`source_files` and :func:`inputs_digest` name the inputs (the digest goes into the
build id); :func:`read_inputs` extracts and links them; :func:`write_quads` streams the
mapped dataset into one N-Quads file and returns the part pySHACL checks; :func:`validate`
runs the shapes over it and points each violation at ``file:line``; :func:`manifest` is
the release's ``manifest.json``. They raise the errors of :mod:`.report`; the order, the
release directory and the child processes are :mod:`.pipeline`'s.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ruhrgraph import store as rstore
from ruhrgraph.build.report import BuildError, InputError, Progress
from ruhrgraph.build.scale import replicas
from ruhrgraph.config import ROOT
from ruhrgraph.graph.mapping import Mapper
from ruhrgraph.graph.provenance import BuildProvenance, SourceFile
from ruhrgraph.graph.validate import SHAPES
from ruhrgraph.iris import Iris
from ruhrgraph.namespaces import ONTOLOGY, RG
from ruhrgraph.store.integrity import sha256_file

#: reference entity kind -> the CSV file it is read from (for pointing at a row)
_REFERENCE_FILES = {"place": "places.csv", "organisation": "organisations.csv",
                    "ministry": "ministries.csv", "field": "fields.csv"}


def source_files(source: Path, reference_dir: Path) -> list[SourceFile]:
    """The catalogue text and every reference CSV, with size and sha256."""
    if not source.is_file():
        raise InputError(f"{source}: catalogue text not found")
    inputs = [SourceFile(source.name, sha256_file(source), source.stat().st_size, "catalogue")]
    for csv_path in sorted(reference_dir.glob("*.csv")):
        inputs.append(SourceFile(csv_path.name, sha256_file(csv_path),
                                 csv_path.stat().st_size, "reference", "text/csv"))
    return inputs


def inputs_digest(inputs: list[SourceFile]) -> str:
    return hashlib.sha256("".join(f"{s.name}:{s.sha256}\n" for s in inputs)
                          .encode()).hexdigest()


def read_inputs(source: Path, reference_dir: Path):
    """``(linked catalogue, reference data)``; :class:`InputError` naming file:line."""
    from ruhrgraph.extract import ReadError
    from ruhrgraph.link import export
    from ruhrgraph.link import reference as ref

    try:
        reference = ref.load(reference_dir)
        linked = export.linked_catalogue(source, reference_dir)
    except (ReadError, ref.ReferenceError) as error:
        raise InputError(str(error)) from None
    return linked, reference


def write_quads(mapper: Mapper, linked, meta_text: str, scale: int, target: Path,
                progress: Progress) -> str:
    """Stream the whole dataset into ``target`` (N-Quads); return the part pySHACL checks
    (shared entities, replica 1, meta). Replicas 2..N must equal replica 1 but for their
    key suffix (see :mod:`ruhrgraph.build.pipeline`)."""
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
    return "".join(sample)


# --- validation -----------------------------------------------------------------------


def validate(sample: str, iris: Iris, source: Path, reference_dir: Path) -> list:
    """The shapes' violations of ``sample`` (empty: it conforms), each pointing where its
    focus came from."""
    from ruhrgraph.graph.validate import validate as shacl

    graph = rstore.rdflib_graph(sample)
    return shacl(graph, SHAPES, iris.base, _locator(iris, graph, source, reference_dir))


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

    first_line = URIRef(RG.firstLine)
    rows: dict[str, dict[str, int]] = {}

    def where(iri: str) -> str | None:
        entity = iri.split("#", 1)[0]
        line = graph.value(URIRef(entity + "#passage"), first_line)
        if line is not None:
            return f"{source}:{line}"
        parsed = iris.parse(entity)
        if parsed and parsed[0] in _REFERENCE_FILES:
            kind, key = parsed
            path = reference_dir / _REFERENCE_FILES[kind]
            if kind not in rows:
                rows[kind] = _source_lines(path) if path.is_file() else {}
            if key in rows[kind]:
                return f"{path}:{rows[kind][key]}"
            return str(path)
        return None

    return where


# --- the manifest ------------------------------------------------------------------------


def _git_commit() -> str | None:
    if not (ROOT / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True,
                             capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _utc(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def manifest(info: BuildProvenance, iris: Iris, stored: dict, scale: int,
             timings: dict[str, float]) -> dict:
    """``manifest.json`` of the release (``timings`` is kept by reference: the build's
    later steps show in the returned dict, not in the file written before them)."""
    return {
        "build_id": info.build_id,
        "build_iri": iris.build(info.build_id),
        "started": _utc(info.started),
        "finished": _utc(datetime.now(UTC).replace(microsecond=0)),
        "software": {"name": "ruhrgraph", "version": info.version, "git": _git_commit()},
        "base_iri": iris.base,
        "scale": scale,
        "sources": [{"role": s.role, "name": s.name, "sha256": s.sha256, "bytes": s.size,
                     "media_type": s.media_type, "iri": iris.source(s.sha256)}
                    for s in info.sources],
        "source": {"name": info.sources[0].name, "sha256": info.sources[0].sha256},
        "ontology": {"iri": ONTOLOGY, "file": "ontology/ruhrgraph.ttl",
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
