"""Pages are a function of the build: cache them per build, validate them with an ETag.

:func:`respond` answers 304 when ``If-None-Match`` matches (nothing computed), a cached
body when there is one, else renders, keeps the body in the state's result cache and sends
it with ``ETag``, ``Last-Modified`` and ``Cache-Control``. The key holds everything the body
depends on (the root URL its absolute URLs start with when no ``PUBLIC_URL`` is set, path,
query string, chosen format), the interface language and the build id.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from email.utils import format_datetime

from flask import Response, g, request

from ruhrgraph.query.cache import etag_for
from ruhrgraph.web import i18n, state
from ruhrgraph.web.ops.hosts import cache_root

Rendered = tuple[bytes, str]  # body, content type


def respond(key: tuple[Hashable, ...], render: Callable[[], Rendered],
            headers: dict[str, str] | None = None, *, localized: bool = True) -> Response:
    """The page for ``key``: ``render()`` gives its body and type; ``headers`` (cheap to
    know without rendering: Vary, Link, Content-Location) go on every answer. A
    ``localized`` body (the default: HTML pages) is kept per interface language and
    answered with ``Vary: Accept-Language, Cookie``; RDF and data documents are not."""
    st = state()
    full_key = ("page", cache_root(), *key, i18n.locale() if localized else "",
                st.build.build_id)
    etag = etag_for(full_key)
    common = {"Last-Modified": format_datetime(st.build.created, usegmt=True),
              "Cache-Control": f"public, max-age={st.settings.cache_max_age}",
              **(headers or {})}
    log = getattr(g, "log", None)
    if request.if_none_match.contains(etag) or "*" in request.if_none_match:
        response = Response(status=304, headers=common)
        response.set_etag(etag)
        if log is not None:
            log["cache"] = "304"
        return response
    entry = st.cache.get(full_key)
    if entry is not None:
        body, content_type = entry.body, entry.content_type
        if log is not None:
            log["cache"] = "hit"
    else:
        body, content_type = render()
        st.cache.put(full_key, body, content_type, 0, False)
    response = Response(body, 200, content_type=content_type, headers=common)
    response.set_etag(etag)
    return response
