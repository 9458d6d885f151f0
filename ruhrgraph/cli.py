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
    if settings.backend:
        _check_engine(settings)
        # The engine holds the facts, the release directory the rest (build id, ETags,
        # search index, dumps): resolved once too, or a worker started after a build flips
        # `current` would answer with another build id than its siblings and the replicas.
        env["RUHRGRAPH_STORE_DIR"] = str(backend.store_dir(settings))
    else:
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


def _check_engine(settings) -> None:
    """At start with a remote BACKEND: say whether the engine holds the release (the server
    starts either way; its /healthz answers 503 with the same reason until it does)."""
    from ruhrgraph.query import backends as backend
    from ruhrgraph.query import engines
    from ruhrgraph.query.executor import QueryTimeout
    from ruhrgraph.store import StoreError

    try:
        remote = backend.remote_backend(settings)
        problem = remote.release_problem(backend.remote_build_info(settings).manifest,
                                         settings.max_result_rows)
    except (engines.RemoteError, StoreError, QueryTimeout) as error:
        problem = f"it cannot be asked: {engines.redact(str(error))}"
    if problem:
        print(f"ruhrgraph serve: the engine at {engines.redact(settings.backend)} does not "
              f"serve the release: {problem}", file=sys.stderr)


def _cmd_load(args: argparse.Namespace) -> int:
    import time

    from ruhrgraph import config as cfg
    from ruhrgraph.query import backends as backend
    from ruhrgraph.query import engines, remote
    from ruhrgraph.query.executor import QueryTimeout
    from ruhrgraph.store import ReadStore, StoreError

    settings = cfg.load({"STORE_DIR": args.store} if args.store else None)
    to = engines.redact(args.to)
    try:
        release = backend.build_info(settings)
        read_store = ReadStore.open(backend.store_dir(settings))
        engine = engines.engine_for(args.to, args.engine or settings.backend_engine,
                                    user=settings.engine_user,
                                    password=settings.engine_password)
        started = time.perf_counter()
        sent = remote.push(read_store, engine, release.build_id)
        seconds = time.perf_counter() - started
        graphs = tuple(name for name, _ in sent)
        check = remote.RemoteBackend(engine.query_url, 600, engine, graphs)
        problem = check.release_problem(release.manifest, settings.max_result_rows)
    except (StoreError, remote.RemoteError) as error:
        print(f"ruhrgraph load: {engines.redact(str(error))}", file=sys.stderr)
        return 2
    except QueryTimeout:
        print(f"ruhrgraph load: {to} did not answer the check after the load in time",
              file=sys.stderr)
        return 2
    except OSError as error:
        print(f"ruhrgraph load: cannot reach {to}: {engines.redact(str(error))}",
              file=sys.stderr)
        return 2
    for graph, size in sent:
        print(f"{graph}\t{size} bytes")
    if problem:
        print(f"ruhrgraph load: loaded, but {problem}", file=sys.stderr)
        return 1
    print(f"ruhrgraph load: {engine.name} at {to} holds build {release.build_id} "
          f"({seconds:.2f} s)", file=sys.stderr)
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
                   help="the engine's Graph Store endpoint: http://host:7878/store (Oxigraph "
                        "server), http://host:8890/sparql-graph-crud-auth (Virtuoso; user and "
                        "password: settings ENGINE_USER, ENGINE_PASSWORD)")
    p.add_argument("--engine", choices=["auto", "oxigraph", "virtuoso", "sparql"],
                   help="the engine's adapter (default: setting BACKEND_ENGINE)")
    p.add_argument("--store", help="store directory (default: the current build's)")
    p.set_defaults(func=_cmd_load)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
