"""The store step of a build: :func:`run` fills a release directory from one job.

The job (a dict read from JSON: release directory, N-Quads file, Turtle files and their
graphs, dump name, prefixes, classes to count) names what to do: create the store, write
the dumps with their gzip copies and checksums, count what the store holds, list the
checksums of the store's files (``ruhrgraph.store.integrity``); :func:`run` returns the
result as a dict. The build runs it in a child process (``ruhrgraph.build.children``, which
prints that dict as JSON on stdout) rather than a thread: pyoxigraph's dump keeps the
interpreter lock, so in a thread it would wait for pySHACL and pySHACL for it. The parent
decides what happens to the release; this job only fills it.
"""

from __future__ import annotations

import concurrent.futures
import gzip
import hashlib
import sys
import time
from pathlib import Path

from ruhrgraph import store as rstore
from ruhrgraph.store import integrity


def _compress_and_hash(path: Path) -> tuple[str, Path, str]:
    """``(sha256 of path, path.gz, sha256 of path.gz)``; the gzip stream carries no name
    and no time stamp, so the same dump always compresses to the same bytes."""
    plain = hashlib.sha256()
    target = path.with_name(path.name + ".gz")
    with path.open("rb") as src, target.open("wb") as raw:
        hashing = _HashingWriter(raw)
        with gzip.GzipFile(filename="", mode="wb", fileobj=hashing, mtime=0,
                           compresslevel=6) as gz:
            for block in iter(lambda: src.read(1 << 20), b""):
                plain.update(block)
                gz.write(block)
    return plain.hexdigest(), target, hashing.digest.hexdigest()


class _HashingWriter:
    def __init__(self, raw):
        self.raw = raw
        self.digest = hashlib.sha256()

    def write(self, data) -> int:
        self.digest.update(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def _say(job: dict, text: str) -> None:
    """A progress line on the terminal, when the build shows progress."""
    if job.get("progress"):
        print(f"  store job: {text}", file=sys.stderr, flush=True)


def run(job: dict) -> dict:
    release = Path(job["release"])
    timings: dict[str, float] = {}
    start = time.perf_counter()
    nquads = Path(job["nquads"])
    quads = rstore.create_store(release / "store", nquads,
                                [(Path(f), g) for f, g in job["graph_files"]])
    nquads.unlink()
    timings["store"] = round(time.perf_counter() - start, 3)
    _say(job, f"{quads} quads loaded: {timings['store']:.2f} s")

    start = time.perf_counter()
    formats = {f".{f.suffix}": f for f in rstore.DUMP_FORMATS}
    dumps: list[dict] = []
    # Each dump is compressed and hashed as soon as it is written, beside the next one
    # (zlib and hashlib release the interpreter lock).
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        pending: list[tuple[Path, concurrent.futures.Future]] = []

        def written(path: Path) -> None:
            _say(job, f"{path.name} written")
            pending.append((path, pool.submit(_compress_and_hash, path)))

        paths = rstore.dump_store(release / "store", release / "dumps", job["dump_name"],
                                  job["prefixes"], written=written)
        timings["dumps"] = round(time.perf_counter() - start, 3)
        for path, future in pending:
            plain, gz, gz_sha = future.result()
            fmt = formats[path.suffix]
            common = {"format": fmt.name, "media_type": fmt.media_type, "graphs": fmt.quads}
            dumps.append({"file": f"dumps/{path.name}", **common,
                          "bytes": path.stat().st_size, "sha256": plain})
            dumps.append({"file": f"dumps/{gz.name}", **common, "encoding": "gzip",
                          "bytes": gz.stat().st_size, "sha256": gz_sha})
    assert [p for p, _ in pending] == paths
    sums = "".join(f"{d['sha256']}  {Path(d['file']).name}\n" for d in dumps)
    (release / "dumps" / "SHA256SUMS").write_text(sums, encoding="utf-8")
    timings["dumps and compress"] = round(time.perf_counter() - start, 3)
    _say(job, f"dumps compressed: {timings['dumps and compress']:.2f} s")

    start = time.perf_counter()
    graphs = rstore.graph_sizes(release / "store")
    counts = rstore.count_instances(release / "store", job["count_graph"], job["count"],
                                    job["count_exclude"])
    timings["count"] = round(time.perf_counter() - start, 3)

    start = time.perf_counter()
    integrity.write(release / "store")  # the server checks the store against it
    timings["integrity"] = round(time.perf_counter() - start, 3)
    return {"quads": quads, "graphs": graphs, "counts": counts, "dumps": dumps,
            "timings": timings}
