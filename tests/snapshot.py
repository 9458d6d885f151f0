"""Every output of a build, as one sha256 per document: the pin that a refactoring keeps.

``snapshot(build_dir)`` answers ``{name: sha256}`` for the N-Quads dump and every page the
app serves (each sitemap URL as HTML and Turtle, the browse pages, every canned query as a
page and as CSV/JSON, the open-data documents, the SPARQL page and the OpenAPI description),
each with what differs from one build to the next (build id, times, git commit, dump
checksums) replaced by a placeholder. Search and explorer views are in it too.
``python tests/snapshot.py BUILD_DIR OUT.json`` writes it; ``--dump DIR`` also writes each
normalised document, to diff by hand.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
_TIME = re.compile(rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?(\.\d+)?(Z|\+00:00| UTC)?")
_BNODE = re.compile(rb"_:[0-9a-f]{16,32}\b")
_HTTP_TIME = re.compile(rb"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT")


def _volatile(build_dir: Path) -> list[bytes]:
    release = (build_dir / "current").resolve()
    manifest = json.loads((release / "manifest.json").read_text())
    values = [manifest["build_id"], manifest["software"].get("git") or "-nogit-"]
    for dump in manifest["dumps"]:
        values.append(dump["sha256"])
        if dump.get("encoding"):  # gzip stamps its own time: the size may differ
            values += [str(dump["bytes"]), f"{dump['bytes']:,}"]
    return sorted({v.encode() for v in values if v}, key=len, reverse=True)


def normalise(body: bytes, volatile: list[bytes]) -> bytes:
    for value in volatile:
        body = body.replace(value, b"<VOLATILE>")
    labels: dict[bytes, bytes] = {}
    body = _BNODE.sub(lambda m: labels.setdefault(m[0], b"_:b%d" % len(labels)), body)
    return _HTTP_TIME.sub(b"<TIME>", _TIME.sub(b"<TIME>", body))


def _urls(client) -> list[str]:
    from xml.etree import ElementTree

    index = ElementTree.fromstring(client.get("/sitemap.xml").data)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urls = [urlsplit(loc.text).path for loc in index.iter(ns + "loc")]
    if index.tag == ns + "sitemapindex":
        urls = [urlsplit(loc.text).path for part in urls
                for loc in ElementTree.fromstring(client.get(part).data).iter(ns + "loc")]
    return urls


def documents(build_dir: Path):
    """(name, normalised body) of every output, in a fixed order."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import pages_app

    volatile = _volatile(build_dir)
    release = (build_dir / "current").resolve()
    nq = b"\n".join(sorted(normalise((release / "dumps" / "ruhrgraph.nq").read_bytes(),
                                     volatile).splitlines()))
    yield "dump:ruhrgraph.nq", nq
    client = pages_app(build_dir).test_client()
    paths = _urls(client)
    paths += ["/sparql", "/openapi.json", "/catalog.ttl", "/void.ttl", "/downloads",
              "/robots.txt", "/sitemap.xml", "/healthz", "/search?q=Wasserstoffs+Schule",
              "/search.json?q=Digitalisierung", "/search.csv?q=Bochum", "/explore",
              "/explore.json?field=4&running_in=2030", "/explore.csv?ministry=mwide"]
    names = sorted({p.split("/")[2] for p in paths if p.startswith("/queries/")})
    paths += [f"/queries/{n}.{ext}" for n in names for ext in ("csv", "json")]
    for path in paths:
        accepts = ["text/html"]
        if not path.startswith(("/queries", "/sparql", "/openapi", "/robots", "/sitemap",
                                "/healthz", "/downloads", "/search", "/explore")) \
                and "." not in path.rsplit("/", 1)[-1]:
            accepts.append("text/turtle")
        for accept in accepts:
            response = client.get(path, headers={"Accept": accept})
            body = f"{response.status_code} {response.mimetype}\n".encode() + response.data
            name = normalise(f"{accept} {path}".encode(), volatile).decode()
            yield name, normalise(body, volatile)


def snapshot(build_dir: Path, dump: Path | None = None) -> dict[str, str]:
    out = {}
    for name, body in documents(build_dir):
        out[name] = hashlib.sha256(body).hexdigest()
        if dump is not None:
            target = dump / hashlib.sha1(name.encode()).hexdigest()[:16]
            target.write_bytes(name.encode() + b"\n" + body)
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    dump_dir = None
    if "--dump" in args:
        i = args.index("--dump")
        dump_dir = Path(args[i + 1])
        dump_dir.mkdir(parents=True, exist_ok=True)
        del args[i:i + 2]
    result = snapshot(Path(args[0]), dump_dir)
    Path(args[1]).write_text(json.dumps(result, indent=0, sort_keys=True) + "\n")
    print(f"{len(result)} documents")
