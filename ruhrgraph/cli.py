"""The ``ruhrgraph`` command: one sub-command per stage or service."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ruhrgraph import __version__


def _cmd_extract(args: argparse.Namespace) -> int:
    from ruhrgraph import config as cfg
    from ruhrgraph.extract import ReadError
    from ruhrgraph.link import export
    from ruhrgraph.link import reference as ref

    settings = cfg.load()
    try:
        reference = ref.load(settings.reference_dir)
        linked = export.linked_catalogue(args.source or settings.source,
                                         settings.reference_dir)
    except (ReadError, ref.ReferenceError) as error:
        print(f"ruhrgraph extract: {error}", file=sys.stderr)
        return 2
    if args.csv:
        for path in export.write_csv(linked, reference, args.csv):
            print(path, file=sys.stderr)
        return 0
    sys.stdout.buffer.write(export.to_json(linked, reference).encode("utf-8"))
    sys.stdout.buffer.write(b"\n")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import os
    import shutil
    import tempfile
    from pathlib import Path

    from ruhrgraph import config as cfg
    from ruhrgraph.query import backends as backend
    from ruhrgraph.store import ReadStore, StoreError, integrity
    from ruhrgraph.store import releases as inuse

    settings = cfg.load()
    env = dict(os.environ)
    if not settings.backend:
        # Resolve `current` once, so every worker (also one started later) serves one build.
        store_dir = backend.store_dir(settings)
        try:
            if settings.verify_store:  # once here, not again in every worker
                integrity.verify(store_dir)
            ReadStore.open(store_dir)
            backend.build_info(settings)
        except StoreError as error:
            print(f"ruhrgraph serve: refusing to serve: {error}", file=sys.stderr)
            return 2
        env["RUHRGRAPH_STORE_DIR"] = str(store_dir)
        env["RUHRGRAPH_VERIFY_STORE"] = "0"
        if settings.store_watch_seconds > 0 and not settings.store_baseline:
            # Taken once, right after the check: a worker granian starts later (after a
            # timeout or the memory cap) compares with the checked store, not with damage.
            baseline = Path(tempfile.gettempdir()) / f"ruhrgraph-store-{args.port}.json"
            integrity.StoreWatch(store_dir).save(baseline)
            env["RUHRGRAPH_STORE_BASELINE"] = str(baseline)
    else:
        # The engine holds the facts, the release directory the rest (build id, ETags,
        # search index, dumps): resolved once too, or a worker started after a build flips
        # `current` would answer with another build id than its siblings and the replicas.
        env["RUHRGRAPH_STORE_DIR"] = str(backend.store_dir(settings))
    # Held by granian (this process after exec) and its forked workers: no build prunes it.
    _held = inuse.hold(backend.release_dir(settings), inheritable=True)
    # One directory per port, emptied at start: /metrics sums what this server's workers wrote.
    metrics_dir = Path(tempfile.gettempdir()) / f"ruhrgraph-metrics-{args.port}"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    # granian (chosen by measurement: bench/serving_bench.py, docs/deploy.md): request line,
    # headers and their read deadline bounded in Rust before Python sees a request.
    argv = [sys.executable, "-m", "ruhrgraph.web.serving", "--host", args.host,
            "--port", str(args.port), "--workers", str(args.workers),
            "--threads", str(args.threads)]
    print(f"ruhrgraph serve: http://{args.host}:{args.port}/sparql "
          f"({args.workers} workers)", file=sys.stderr)
    os.execve(sys.executable, argv, env)  # noqa: S606 - our own argv, no shell
    return 0  # not reached


def _cmd_load(args: argparse.Namespace) -> int:
    from ruhrgraph import config as cfg
    from ruhrgraph.query import backends as backend
    from ruhrgraph.query import remote
    from ruhrgraph.store import ReadStore, StoreError

    settings = cfg.load({"STORE_DIR": args.store} if args.store else None)
    try:
        read_store = ReadStore.open(backend.store_dir(settings))
        sent = remote.push(read_store, args.to)
    except (StoreError, remote.RemoteError) as error:
        print(f"ruhrgraph load: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"ruhrgraph load: cannot reach {args.to}: {error}", file=sys.stderr)
        return 2
    for graph, size in sent:
        print(f"{graph}\t{size} bytes")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    import errno
    import os
    import signal
    from pathlib import Path

    from ruhrgraph import build as b
    from ruhrgraph import config as cfg

    settings = cfg.load()

    def _terminate(signum, _frame):  # clean up the unfinished release like Ctrl-C does
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _terminate)
    progress = b.Progress(enabled=sys.stderr.isatty() and not args.quiet)
    try:
        result = b.build(source=args.source or settings.source,
                         reference_dir=args.reference_dir or settings.reference_dir,
                         build_dir=args.build_dir or settings.build_dir,
                         base_iri=args.base_iri or settings.base_iri, scale=args.scale,
                         progress=progress)
    except b.BuildError as error:
        print(f"ruhrgraph build: {error}", file=sys.stderr)
        return error.exit_code
    except OSError as error:  # a full or read-only disk: say so, without a traceback
        build_dir = Path(args.build_dir or settings.build_dir)
        # The file only helps when it is the one refused (a copy's error names its source).
        where = f" ({error.filename})" if error.filename and error.errno != errno.ENOSPC \
            else f" (in {build_dir})"
        current = build_dir / "current"
        kept = f"{current} still points to {os.readlink(current)}" \
            if current.is_symlink() else "no build was swapped in"
        print(f"ruhrgraph build: cannot write the build: {error.strerror or error}{where}; "
              f"{kept}", file=sys.stderr)
        return 1
    manifest = result.manifest
    print(f"ruhrgraph build {result.build_id}: {manifest['quads']} quads, "
          f"{manifest['counts']['projects']} projects, {manifest['seconds']:.2f} s "
          f"-> {result.release}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ruhrgraph", description=__doc__)
    parser.add_argument("--version", action="version", version=f"ruhrgraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="print the linked catalogue records as JSON")
    p.add_argument("--source", help="catalogue text (default: the shipped copy)")
    p.add_argument("--csv", metavar="DIR", help="write CSV tables into DIR instead")
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("build", help="build the graph: validated store, dumps, ontology docs")
    p.add_argument("--source", help="catalogue text (default: setting SOURCE)")
    p.add_argument("--reference-dir", help="reference CSVs (default: setting REFERENCE_DIR)")
    p.add_argument("--build-dir", help="output directory (default: setting BUILD_DIR)")
    p.add_argument("--base-iri", help="base of every entity IRI (default: setting BASE_IRI)")
    p.add_argument("--scale", type=int, default=1, metavar="N",
                   help="synthetic: replicate the catalogue N times with distinct keys")
    p.add_argument("--quiet", action="store_true", help="no progress on the terminal")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("serve", help="serve the built graph with granian (production server)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=4, help="worker processes")
    p.add_argument("--threads", type=int, default=8,
                   help="threads per worker (granian's blocking threads)")
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("load", help="push the built graph to a SPARQL Graph Store")
    p.add_argument("--to", required=True, metavar="URL",
                   help="Graph Store Protocol endpoint, e.g. http://host:7878/store")
    p.add_argument("--store", help="store directory (default: the current build's)")
    p.set_defaults(func=_cmd_load)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
