"""The interface in German and English (Flask-Babel): which language a request gets.

The choice, in order: an explicit ``?lang=de|en`` (which also sets the cookie ``lang``, so
it sticks), else the cookie, else the best match of ``Accept-Language`` among the
languages offered, else German. Catalogue content stays as the source has it (German);
only the interface and the reference data that carries English labels follow the choice.

Everything that caches an answer keys it on :func:`locale` (the page cache) or on
:func:`environ_locale` (the WSGI fast path), and every answer that asked for the locale
says so with ``Vary: Accept-Language, Cookie`` and ``Content-Language``. The catalogue is
``translations/de/LC_MESSAGES/messages.po`` (English msgids; ``make translations``).
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from flask import Flask, Response, g, has_request_context, request
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

#: The interface languages, the default first.
LANGUAGES: tuple[str, ...] = ("de", "en")
DEFAULT = "de"
PARAM = "lang"  # the query parameter of an explicit choice
COOKIE = "lang"  # the cookie that remembers it
COOKIE_MAX_AGE = 365 * 24 * 3600
#: The names of the languages in themselves, for the switch.
NAMES = {"de": "Deutsch", "en": "English"}
TRANSLATIONS = Path(__file__).parent / "translations"

#: The titles of HTTP errors the server answers with, to be extracted for translation
#: (error.html shows ``_(error.title)``).
ERROR_TITLES = (_l("Bad Request"), _l("Not Found"), _l("Method Not Allowed"),
                _l("Not Acceptable"), _l("Request Entity Too Large"), _l("Content Too Large"),
                _l("Request Timeout"), _l("Internal Server Error"), _l("Service Unavailable"),
                _l("Gateway Timeout"), _l("Too Many Requests"), _l("Unsupported Media Type"),
                _l("Bad Gateway"), _l("Request-URI Too Large"), _l("URI Too Long"),
                _l("Request Header Fields Too Large"), _l("Precondition Failed"),
                _l("Unprocessable Entity"), _l("Unprocessable Content"), _l("Gone"),
                _l("Forbidden"))


def choose(explicit: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The interface language for these three inputs (each may be missing or junk)."""
    for value in (explicit, cookie):
        if value in LANGUAGES:
            return value
    if accept_language:  # by quality; a regional tag (de-AT, en-GB) counts for its language
        for value, quality in parse_accept_header(accept_language, LanguageAccept):
            primary = value.split("-")[0].split("_")[0].lower()
            if quality > 0 and primary in LANGUAGES:
                return primary
            if quality > 0 and primary == "*":
                return DEFAULT
    return DEFAULT


def select_locale() -> str:
    """Flask-Babel's locale selector: :func:`choose` over this request."""
    g.i18n_asked = True
    return choose(request.args.get(PARAM), request.cookies.get(COOKIE),
                  request.headers.get("Accept-Language"))


def environ_locale(environ: dict) -> str:
    """:func:`choose` over a WSGI environ, for caches in front of Flask."""
    text = environ.get("QUERY_STRING", "")
    # Decoded only when a field's name can be ours: decoding a /sparql query string whole
    # costs ~300 us (6 kB), looking at the names ~3 us.
    names = [field.partition("=")[0] for field in text.split("&")]
    if any(name == PARAM or "%" in name or "+" in name for name in names):
        explicit = parse_qs(text).get(PARAM, [None])[-1]
    else:
        explicit = None
    cookie = None
    if environ.get("HTTP_COOKIE"):
        try:
            morsel = SimpleCookie(environ["HTTP_COOKIE"]).get(COOKIE)
        except Exception:  # a malformed Cookie header is no choice
            morsel = None
        cookie = morsel.value if morsel is not None else None
    return choose(explicit, cookie, environ.get("HTTP_ACCEPT_LANGUAGE"))


def locale() -> str:
    """This request's interface language (the default outside a request)."""
    if not has_request_context():
        return DEFAULT
    return str(get_locale() or DEFAULT)


def label_languages() -> tuple[str, ...]:
    """Languages of labels in the order a page should prefer them: the interface's first."""
    first = locale()
    return (first, *(lang for lang in LANGUAGES if lang != first))


def pick(german: str | None, english: str | None) -> tuple[str | None, str]:
    """Of a German and an English label of reference data, the one to show, with its
    language: the English one in the English interface when there is one."""
    if locale() == "en" and english:
        return english, "en"
    return german, "de"


def switch() -> list[dict[str, object]]:
    """The language switch: for each language, this page's URL (path and query kept)."""
    links = []
    current = locale()
    for lang in LANGUAGES:
        args = [(k, v) for k, vs in request.args.lists() if k != PARAM for v in vs]
        args.append((PARAM, lang))
        links.append({"lang": lang, "name": NAMES[lang], "current": lang == current,
                      "href": request.path + "?" + urlencode(args)})
    return links


def _headers(response: Response) -> Response:
    explicit = request.args.get(PARAM)
    if explicit in LANGUAGES and request.cookies.get(COOKIE) != explicit:
        response.set_cookie(COOKIE, explicit, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            httponly=True)
    if g.get("i18n_asked"):  # the answer depends on the language: say so to caches
        for header in ("Accept-Language", "Cookie"):
            response.vary.add(header)
        response.headers["Content-Language"] = locale()
    return response


def init_app(app: Flask) -> None:
    """Install Flask-Babel with :func:`select_locale`, the headers and the template
    globals (``locale()``, ``language_switch()``, ``pick_label_of(de, en)``)."""
    Babel(app, locale_selector=select_locale, default_locale=DEFAULT,
          default_translation_directories=str(TRANSLATIONS))
    app.after_request(_headers)
    app.jinja_env.globals.update(locale=locale, language_switch=switch, pick_label_of=pick)
