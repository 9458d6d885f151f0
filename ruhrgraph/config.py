"""Configuration in one place: every setting with its default and its meaning.

Settings are read, in this order of precedence, from a mapping given to
:func:`load` (tests), from environment variables ``RUHRGRAPH_<NAME>``, and from the
defaults below, once: :func:`load` answers a frozen :class:`Settings` whose fields are the
registry's names in lower case, typed by their defaults (``settings.max_result_rows: int``),
so no call site casts. The one registry :data:`SETTINGS` also generates
``docs/configuration.md`` (``python -m ruhrgraph.config > docs/configuration.md``), and a
test fails when it is stale.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, make_dataclass
from pathlib import Path
from typing import Any

from ruhrgraph.iris import DEFAULT_BASE
from ruhrgraph.namespaces import ADMS_PUBLISHER_TYPES, DCATDE_CONTRIBUTORS, DCATDE_LICENCES

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def field(self) -> str:
        """The attribute of :class:`Settings`: ``MAX_RESULT_ROWS`` -> ``max_result_rows``."""
        return self.name.lower()


SETTINGS: tuple[Setting, ...] = (
    Setting("BASE_IRI", DEFAULT_BASE, "Base of every entity IRI."),
    Setting("SOURCE", str(ROOT / "data" / "source" / "000_105bd650c26cdedc.txt"),
            "The catalogue text the graph is built from."),
    Setting("REFERENCE_DIR", str(ROOT / "data" / "reference"),
            "Curated reference data (ministries, fields, places, organisations)."),
    Setting("BUILD_DIR", str(ROOT / "data" / "build"),
            "Where `ruhrgraph build` writes the store, dumps and docs."),
    Setting("BACKEND", "", "URL of a remote SPARQL 1.1 endpoint; empty: the embedded store."),
    Setting("BACKEND_ENGINE", "auto",
            "The engine behind BACKEND (and `ruhrgraph load --to`), whose adapter undoes its "
            "quirks: `oxigraph` (the Oxigraph server), `virtuoso` (OpenLink Virtuoso 7), "
            "`sparql` (any SPARQL 1.1 engine, nothing rewritten), or `auto` (told by the "
            "engine's HTTP `Server` header; `sparql` when it names none we know)."),
    Setting("ENGINE_USER", "",
            "User `ruhrgraph load` writes to the engine as (Virtuoso: digest authentication, a "
            "user with the SPARQL_UPDATE role); empty: no authentication (the Oxigraph server)."),
    Setting("ENGINE_PASSWORD", "",
            "Password of ENGINE_USER; give it in the environment "
            "(`RUHRGRAPH_ENGINE_PASSWORD`), never on a command line. It is never logged nor "
            "shown in an error."),
    Setting("QUERY_TIMEOUT", 10.0, "Seconds a SPARQL query may run before it is stopped."),
    Setting("MAX_QUERY_BYTES", 100_000, "Largest accepted SPARQL query text, in bytes."),
    Setting("MAX_RESULT_ROWS", 100_000, "Rows (or triples) at most in one result."),
    Setting("QUERY_BASE_IRI", "",
            "Absolute IRI that relative IRIs in a SPARQL query (`<project/05-02>`) resolve "
            "against; a `BASE` in the query wins. Empty: the endpoint's own URL (PUBLIC_URL, "
            "else the request's root, + `sparql`), as Oxigraph's server does; set it to "
            "BASE_IRI to make `<project/05-02>` name the project."),
    Setting("SERVICE_ALLOWLIST", "",
            "Space-separated endpoint IRIs that SERVICE may call; empty: none."),
    Setting("CACHE_SIZE", 4096,
            "Entries of the in-memory result cache per worker (pages, their queries and "
            "results share it; CACHE_MAX_BYTES bounds its memory). 512 thrashed under the "
            "load benchmark's mix: p99 520 ms against 90 ms with 4096 (docs/reliability.md)."),
    Setting("CACHE_MAX_BYTES", 64_000_000,
            "Bytes of result bodies the cache holds at most per worker; 0 turns it off."),
    Setting("CACHE_ENTRY_MAX_BYTES", 2_000_000,
            "Largest result body, in bytes, that is kept in the cache."),
    Setting("CACHE_MAX_AGE", 300,
            "Seconds in `Cache-Control: max-age` of query results (and of a cache entry, "
            "which matters with a remote backend whose data may change)."),
    Setting("STORE_DIR", "",
            "Store to serve; empty: the `store/` of the build `BUILD_DIR/current` points to "
            "(resolved once, at start-up)."),
    Setting("VERIFY_STORE", True,
            "Check every file of the store against the build's `store.SHA256SUMS` before "
            "serving it, and refuse a damaged store (`ruhrgraph serve` checks once, then "
            "tells its workers not to check again)."),
    Setting("STORE_WATCH_SECONDS", 1.0,
            "Seconds between two looks of each worker at the served store's files (size, "
            "mtime, ctime, inode: `stat` only; also on every `/healthz` and on a request when "
            "a look is due): once one changed, the worker answers 503 instead of data "
            "(`/healthz` names the file) until restarted. One look cost 54 µs at x1, 0.22 ms "
            "at x1000 (76 files); 0: no watch. Not with a remote BACKEND."),
    Setting("STORE_BASELINE", "",
            "File with the store files' metadata the watch compares with; `ruhrgraph serve` "
            "writes it right after its full check and sets this for its workers (so a worker "
            "started after damage still sees it). Empty: each worker takes its own at start."),
    Setting("QUERIES_DIR", str(ROOT / "queries"),
            "Canned queries (*.rq) offered as examples on the query page."),
    Setting("QUERY_THREADS", 8,
            "Threads per web worker that evaluate queries (a request waits for its query "
            "at most QUERY_TIMEOUT seconds)."),
    Setting("LONG_QUERY_SECONDS", 0.2,
            "A query still running after this many seconds is *long*: its thread leaves the "
            "query pool (a fresh one takes its place, so light queries never wait behind "
            "it) and it needs one of LONG_QUERY_SLOTS; 0: no admission (every query may "
            "hold a request thread for QUERY_TIMEOUT)."),
    Setting("LONG_QUERY_SLOTS", 2,
            "Long queries (see LONG_QUERY_SECONDS) a web worker waits for at once (requests "
            "waiting for another's identical query share its slot); one more answers 503 with "
            "Retry-After at once (its work, which cannot be stopped, ends the worker like a "
            "timeout if it is still running at QUERY_TIMEOUT)."),
    Setting("RECYCLE_ON_TIMEOUT", True,
            "After answering a timeout, end the worker process that ran the query (the "
            "server starts a fresh one): the only way to stop an embedded query. A worker "
            "younger than 2 s waits until it is 2 s old (the server stops altogether when a "
            "worker it respawned exits within 1 s: ruhrgraph/web/serving.py)."),
    Setting("WORKER_MEMORY_MB", 4096,
            "Resident memory (anonymous, in MB) a worker may hold: a watchdog thread "
            "ends a worker over it at once (SIGKILL; the requests it was answering get a "
            "closed connection) and the server starts a fresh one; 0: no cap. Above the 3.2 GB "
            "the heaviest measured query reached before its timeout (x1000); keep workers x "
            "this well below the machine's RAM (docs/reliability.md, *Memory cap per worker*)."),
    Setting("SERVER_HEADER_SECONDS", 5.0,
            "Seconds `ruhrgraph serve` (granian) gives a client to send its request line and "
            "headers; then the connection is closed unanswered. A slow client costs a socket "
            "and no thread: 200 slow-header sockets left `/healthz` at a few ms "
            "(docs/reliability.md, *Hostile clients*)."),
    Setting("SERVER_MAX_HEADER_BYTES", 417_792,
            "Bytes at most of request line and headers together (granian's HTTP/1 buffer): "
            "431 beyond, within milliseconds; a request target over 65,534 bytes gets 414 "
            "whatever this says, so queries longer than that are sent by POST."),
    Setting("SERVER_PIN_CPUS", True,
            "Each worker of `ruhrgraph serve` runs on a core of its own when it runs 2 or "
            "more workers and no more than there are cores: a query's hand-off between a "
            "worker's threads costs ~20 us on one core, ~70 us between cores on a VM "
            "(bench/README.md, *Serving*). Off: the kernel places the threads."),
    Setting("SERVER_BACKLOG", 1024, "Connections the kernel queues before granian accepts."),
    Setting("SERVER_BACKPRESSURE", 0,
            "Requests at most a worker handles at once (granian `--backpressure`); more wait "
            "unread in the kernel. 0: granian's default (backlog / workers)."),
    Setting("PAGE_LIST_SIZE", 50,
            "Projects per page in a resource page's lists that grow with the catalogue "
            "(projects naming it, a ministry's or a field's projects)."),
    Setting("PAGE_LIST_SORTED", 1000,
            "Such a list of at most this many projects is sorted by code across its pages; a "
            "longer one is paged in the store's order (each page sorted): sorting 30,000 "
            "projects for every page of them took 0.5 s."),
    Setting("PAGE_VALUES_SHOWN", 100,
            "Values of one property a resource page shows (its RDF documents have them all)."),
    Setting("PAGE_LARGE_RESOURCE", 2000,
            "A resource with more triples than this is read for its page in part (counts per "
            "property, PAGE_VALUES_SHOWN values of each) and its page embeds no JSON-LD."),
    Setting("ACCESS_LOG", True, "Write one JSON line per request to stderr."),
    Setting("LICENSE", DCATDE_LICENCES + "dl-by-de/2.0",
            "Licence of the graph and its distributions (DCAT-AP.de licence IRI)."),
    Setting("ATTRIBUTION", "Land Nordrhein-Westfalen (Staatskanzlei): Handlungsfelder und "
            "Projekte der Ruhr-Konferenz (2020); Statistisches Bundesamt (Destatis): "
            "Gemeindeverzeichnis / AGS-Historie (dl-de/by-2-0); Aufbereitung: ruhrgraph",
            "Attribution text the licence asks for (`dcatde:licenseAttributionByText`): the "
            "sources whose terms ask to be named, and the project."),
    Setting("PUBLISHER_NAME", "ruhrgraph", "Name of the publisher of the catalogue."),
    Setting("PUBLISHER_URL", DEFAULT_BASE, "Home page of the publisher."),
    Setting("CONTACT_EMAIL", "ruhrgraph@example.org", "Contact point e-mail of the dataset."),
    Setting("PUBLISHER_TYPE", ADMS_PUBLISHER_TYPES + "NonProfitOrganisation",
            "Kind of publisher (an IRI of the ADMS publisher-type list) in the catalogue."),
    Setting("CONTRIBUTOR_ID", DCATDE_CONTRIBUTORS + "openNRW",
            "DCAT-AP.de `dcatde:contributorID`: the GovData contributor (portal) that delivers "
            "this catalogue to GovData; empty: left out."),
    Setting("PUBLIC_URL", "",
            "Root URL the server is reached at from outside (e.g. `https://ruhrgraph.example.org/`"
            "); the catalogue, VoID, sitemap and download links use it. Empty: the URL of each "
            "request, for a Host on ALLOWED_HOSTS only (set it behind a proxy, or when Host "
            "headers cannot be trusted); every absolute URL of a page or document comes from "
            "it."),
    Setting("ALLOWED_HOSTS", "",
            "Without PUBLIC_URL: space-separated host names (`name` for any port, "
            "`name:port` for one) a request's Host may name, besides `127.0.0.1`, "
            "`localhost`, `[::1]` and the address the server is bound to (any port; for a "
            "wildcard bind also this machine's host name and FQDN). Any other Host answers "
            "400 before a view runs, and the root URL is part of every cache key."),
    Setting("TRUSTED_PROXIES", "",
            "Space-separated addresses or networks (`10.0.0.5`, `10.0.0.0/8`, `::1`) of "
            "reverse proxies whose `X-Forwarded-For/-Proto/-Host/-Port` are honoured (by "
            "werkzeug's ProxyFix, PROXY_HOPS deep) when the request comes from one of them; "
            "from any other address these headers are dropped. Empty: never honoured."),
    Setting("PROXY_HOPS", 1,
            "Proxies in front of the server that each append to `X-Forwarded-*` (the values "
            "ProxyFix trusts, counted from the right) when the request comes from a "
            "TRUSTED_PROXIES address."),
)

_BY_NAME = {s.name: s for s in SETTINGS}

#: Every setting as a typed, frozen field (generated from :data:`SETTINGS`).
Settings = make_dataclass(
    "Settings", [(s.field, type(s.default)) for s in SETTINGS], frozen=True,
    namespace={"__doc__": "Every setting, read once; fields are the setting names in lower "
                          "case, typed by their defaults (see :data:`SETTINGS`).",
               "__module__": __name__})


def _coerce(setting: Setting, value: Any) -> Any:
    if isinstance(setting.default, bool):
        return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes"}
    if isinstance(setting.default, int) and not isinstance(value, int):
        return int(value)
    if isinstance(setting.default, float) and not isinstance(value, float):
        return float(value)
    return value


def load(overrides: Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> Settings:
    """Every setting, typed: ``overrides`` (by name), else ``RUHRGRAPH_<NAME>``, else the
    default. Names in ``overrides`` that are no setting are left out (see :func:`others`)."""
    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = setting.default
        env = environ.get(f"RUHRGRAPH_{setting.name}")
        if env is not None:
            value = env
        if setting.name in overrides:
            value = overrides[setting.name]
        values[setting.field] = _coerce(setting, value)
    return Settings(**values)


def others(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The names in ``overrides`` that are no setting (e.g. Flask's own ``TESTING``)."""
    return {name: value for name, value in (overrides or {}).items() if name not in _BY_NAME}


def markdown() -> str:
    """``docs/configuration.md``: every setting, its default and its meaning."""
    lines = ["# Configuration", "",
             "Generated by `python -m ruhrgraph.config > docs/configuration.md` from",
             "`ruhrgraph/config.py` (a test fails when this file is stale). Every setting is read",
             "from the environment variable `RUHRGRAPH_<NAME>`, else its default; tests and",
             "embedders pass a mapping to `ruhrgraph.web.create_app(config)` instead.", "",
             "| Setting | Default | Meaning |", "|---|---|---|"]
    for setting in SETTINGS:
        default = setting.default
        if isinstance(default, str) and default.startswith(str(ROOT)):
            default = "<checkout>" + default[len(str(ROOT)):]
        shown = f"`{default}`" if default != "" else "(empty)"
        meaning = setting.help.replace("|", "\\|")
        lines.append(f"| `{setting.name}` | {shown} | {meaning} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
