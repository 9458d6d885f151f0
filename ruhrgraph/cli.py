"""The ``ruhrgraph`` command: one sub-command per stage or service."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ruhrgraph import __version__


def _cmd_extract(args: argparse.Namespace) -> int:
    from ruhrgraph import config as cfg
    from ruhrgraph import export
    from ruhrgraph import reference as ref
    from ruhrgraph.extract import ReadError

    settings = cfg.load()
    try:
        reference = ref.load(settings["REFERENCE_DIR"])
        linked = export.linked_catalogue(args.source or settings["SOURCE"],
                                         settings["REFERENCE_DIR"])
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ruhrgraph", description=__doc__)
    parser.add_argument("--version", action="version", version=f"ruhrgraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="print the linked catalogue records as JSON")
    p.add_argument("--source", help="catalogue text (default: the shipped copy)")
    p.add_argument("--csv", metavar="DIR", help="write CSV tables into DIR instead")
    p.set_defaults(func=_cmd_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
