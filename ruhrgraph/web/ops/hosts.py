"""The root URL of every absolute URL the app writes, and the Host check that makes it safe.

:class:`PublicRoot` is the outermost WSGI layer. It honours ``X-Forwarded-*`` (werkzeug's
``ProxyFix``, ``PROXY_HOPS`` deep) only when ``REMOTE_ADDR`` is one of ``TRUSTED_PROXIES``,
and drops those headers from any other client. Then it fixes the request's root URL in
``environ[ROOT]``: ``PUBLIC_URL`` when it is set (any Host is answered, no URL depends on
it), else ``scheme://host/`` of the request, but only for a Host on the allow-list
(``ALLOWED_HOSTS``, loopback, the bound address): any other Host answers 400 before a view
runs. :func:`root_url` is the one place views take an absolute URL's root from, and
:func:`cache_root` what every cache key of a body with absolute URLs holds (empty when
``PUBLIC_URL`` is set, else the root), so one client's Host never reaches another's page.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import quote

from flask import current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

#: environ key of the request's root URL (``https://example.org/``), set by PublicRoot.
ROOT = "ruhrgraph.root"
#: environ key of the root's part in cache keys: "" with PUBLIC_URL, else the root.
CACHE_ROOT = "ruhrgraph.cache_root"
BOUND = "ruhrgraph.server_name"

LOOPBACK = frozenset({"127.0.0.1", "localhost", "[::1]"})
WILDCARD = frozenset({"", "0.0.0.0", "::", "[::]"})  # noqa: S104 - names, not a bind
FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
             "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED",
             "HTTP_X_FORWARDED_PROTOCOL", "HTTP_X_FORWARDED_SSL")


def normalise(public_url: str) -> str:
    """``PUBLIC_URL`` with one trailing slash; "" stays ""."""
    return public_url if not public_url or public_url.endswith("/") else public_url + "/"


def split_host(host: str) -> tuple[str, str]:
    """``("example.org", "8080")`` of ``example.org:8080``; ``("[::1]", "")`` of ``[::1]``;
    names lower-cased."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        if end < 0:
            return host, ""
        name, rest = host[:end + 1], host[end + 1:]
        return name, rest[1:] if rest.startswith(":") else rest
    name, colon, port = host.rpartition(":")
    if colon and port.isdigit():
        return name, port
    return host, ""


@lru_cache(maxsize=64)
def _bound_names(server_name: str) -> frozenset[str]:
    """The names of the address a server is bound to (its WSGI ``SERVER_NAME``, which
    gunicorn and granian take from the listening socket): the address itself, and for a
    wildcard bind this machine's host name and fully qualified name. Only an IP address
    counts: on a Unix socket gunicorn copies the Host header into ``SERVER_NAME``."""
    name = server_name.strip("[]").lower()
    if name not in WILDCARD:
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            return frozenset()
        return frozenset({f"[{address}]" if address.version == 6 else str(address)})
    names = {socket.gethostname().lower()}
    try:
        names.add(socket.getfqdn().lower())
    except OSError:
        pass
    return frozenset(names)


class PublicRoot:
    def __init__(self, app: Callable, *, public_url: str, allowed_hosts: str,
                 trusted_proxies: str, proxy_hops: int):
        self.app = app
        self.public = normalise(public_url)
        self.names: set[str] = set(LOOPBACK)
        self.pairs: set[tuple[str, str]] = set()
        for entry in allowed_hosts.split():
            name, port = split_host(entry)
            (self.pairs.add((name, port)) if port else self.names.add(name))
        self.proxies = tuple(ipaddress.ip_network(p, strict=False)
                             for p in trusted_proxies.split())
        hops = max(1, proxy_hops)
        self.via_proxy = ProxyFix(self._checked, x_for=hops, x_proto=hops, x_host=hops,
                                  x_port=hops, x_prefix=0)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        environ[BOUND] = environ.get("SERVER_NAME", "")  # before ProxyFix rewrites it
        sock = environ.get("gunicorn.socket")
        if sock is not None:  # gunicorn trusts X-Forwarded-Proto from 127.0.0.1 itself:
            environ["wsgi.url_scheme"] = "https" if isinstance(sock, ssl.SSLSocket) \
                else "http"  # the scheme of the connection, before any header
        if self.proxies and self._from_proxy(environ.get("REMOTE_ADDR")):
            return self.via_proxy(environ, start_response)
        for name in FORWARDED:  # from anyone else: as if never sent
            environ.pop(name, None)
        return self._checked(environ, start_response)

    def _from_proxy(self, remote: str | None) -> bool:
        try:
            address = ipaddress.ip_address((remote or "").strip("[]"))
        except ValueError:
            return False
        return any(address in network for network in self.proxies)

    def allowed(self, host: str, server_name: str) -> bool:
        name, port = split_host(host)
        return name in self.names or (name, port) in self.pairs \
            or name in _bound_names(server_name)

    def _checked(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if self.public:
            environ[ROOT], environ[CACHE_ROOT] = self.public, ""
            return self.app(environ, start_response)
        server_name = environ.get(BOUND, "")
        host = environ.get("HTTP_HOST", "")
        scheme = environ.get("wsgi.url_scheme", "http")
        if host:
            if not self.allowed(host, server_name):
                return refuse(environ, start_response, host)
            name, port = split_host(host)
        else:  # HTTP/1.0 without Host: the bound address (as werkzeug's url_root)
            name = next(iter(sorted(_bound_names(server_name))), "localhost")
            port = environ.get("SERVER_PORT", "")
        if port == {"http": "80", "https": "443"}.get(scheme):
            port = ""
        root = f"{scheme}://{name}{':' + port if port else ''}"
        root += quote(environ.get("SCRIPT_NAME", "").rstrip("/")) + "/"
        environ[ROOT] = environ[CACHE_ROOT] = root
        return self.app(environ, start_response)


def refuse(environ: dict, start_response: Callable, host: str) -> Iterable[bytes]:
    """400 for a Host the server does not answer as, in JSON when asked, else plain text."""
    shown = host[:200]
    message = (f"the Host {shown!r} is not a name this server answers as; use its public "
               "address (the operator may list names in ALLOWED_HOSTS or set PUBLIC_URL)")
    if "json" in environ.get("HTTP_ACCEPT", ""):
        body = json.dumps({"error": {"status": 400, "title": "Bad Request",
                                     "message": message}}) + "\n"
        content_type = "application/json; charset=utf-8"
    else:
        body, content_type = f"400 Bad Request: {message}\n", "text/plain; charset=utf-8"
    data = body.encode("utf-8")
    start_response("400 BAD REQUEST", [("Content-Type", content_type),
                                       ("Content-Length", str(len(data))),
                                       ("Cache-Control", "no-store"),
                                       ("X-Content-Type-Options", "nosniff")])
    return [data]


def root_url() -> str:
    """The root of every absolute URL in the current request's answer (ends with ``/``):
    ``PUBLIC_URL``, else the checked root of the request."""
    root = request.environ.get(ROOT)
    if root is None:  # a request that did not pass PublicRoot (a bare test request)
        public = normalise(current_app.extensions["ruhrgraph"].settings.public_url)
        root = public or request.url_root
    return root


def cache_root() -> str:
    """What cache keys of bodies with absolute URLs hold: "" with ``PUBLIC_URL``, else the
    root URL."""
    found = request.environ.get(CACHE_ROOT)
    if found is None:
        public = current_app.extensions["ruhrgraph"].settings.public_url
        return "" if public else request.url_root
    return found
