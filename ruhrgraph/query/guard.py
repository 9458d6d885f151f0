"""Refuse what a query must not do, before it reaches a SPARQL engine: cheaply and robustly.

A real SPARQL tokenizer (strings, long strings, comments, IRIs, prefixed names with escapes,
variables, blank nodes, language tags, numbers, words, punctuation) walks the text, so a
keyword inside a literal, a comment or an IRI is never taken for one, and one that is written
in lower case, nested in a sub-query or glued to what follows (``SERVICE:x``,
``SERVICEex:y``, which Oxigraph's parser reads as ``SERVICE :x``) is never missed.

The one ambiguity of SPARQL's lexical grammar, ``<`` as IRI start or as less-than, is decided
as a parser decides it: by context (inside an expression, after an operand, it is the
operator). Where that reading could still differ from the engine's (the would-be IRI holds a
quote or a ``#`` that would open a string or a comment in the other reading) both readings
are checked.

:func:`analyse` answers the query form (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``),
the ``SERVICE`` endpoints, whether the result may be cached (no ``RAND``/``NOW``/``UUID``/
``STRUUID``/``BNODE``) and a normalised text (tokens joined by one space, comments dropped)
for cache keys; it raises :class:`Refused` for updates, ``LOAD``, ``SERVICE`` to an
endpoint not on the allow-list, ``FROM`` a graph IRI that is not http(s) or urn (a ``file:``
IRI names no graph here; it is refused, like such a ``default-graph-uri``), and brackets
nested deeper than :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PN_CHARS_BASE = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF" \
    r"\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD" \
    r"\U00010000-\U000EFFFF"
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})"
             rf"(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?")
_VARNAME = rf"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"
_BNODE = rf"[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"

_TOKEN = re.compile(
    r"""
    (?P<ws>[\ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
              |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\r\n]|\\.)*'
              |"(?:[^"\\\r\n]|\\.)*")
  | (?P<var>[?$]""" + _VARNAME + r""")
  | (?P<bnode>_:""" + _BNODE + r""")
  | (?P<pname>(?:""" + _PN_PREFIX + r""")?:(?:""" + _PN_LOCAL + r""")?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<punct>\^\^|&&|\|\||<=|>=|!=|<<|>>|[{}()\[\];,.*=<>!+\-/|^])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_IRIREF = re.compile(r"<([^<>\"{}|^`\\\x00-\x20]*)>")
#: The tokens with IRIs first (as SPARQL's lexer reads them), for one pass with finditer;
#: where context makes a '<' the less-than operator, the scan restarts there with _TOKEN.
_FAST = re.compile(r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)|" + _TOKEN.pattern,
                   re.VERBOSE | re.DOTALL)

FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATES = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                     "COPY", "WITH"})
NONDETERMINISTIC = frozenset({"RAND", "NOW", "UUID", "STRUUID", "BNODE"})
_OPERAND_END = frozenset({"var", "iri", "pname", "string", "number", "lang", "word", "bnode",
                          "close"})
_MAX_FORKS = 16
#: Deepest nesting of ( { [ accepted. Oxigraph's parser recurses per level: ~3,000 nested
#: groups (6 kB of text) overflow an 8 MB thread stack and kill the process (SIGSEGV).
MAX_DEPTH = 128


class Refused(Exception):
    """A query this endpoint will not run; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class Analysis:
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE or None (not a query: the parser says)
    normalised: str
    cacheable: bool
    services: tuple[str, ...]
    has_dataset: bool = False  # FROM or FROM NAMED: the query names its own dataset


@dataclass
class _Scan:
    tokens: list[tuple[str, str]]
    service_hits: list[tuple[int, str]]  # (token index, how the keyword appeared)
    nondeterministic: bool = False


def _scan(text: str, pos: int, stack: list[str], prev: str, forks: list[int],
          into: list[_Scan]) -> None:
    """Tokenize ``text`` from ``pos``; append one :class:`_Scan` per reading to ``into``."""
    scan = _Scan([], [])
    into.append(scan)
    tokens, hits = scan.tokens, scan.service_hits
    values_pending = False
    n = len(text)
    while pos < n:
        restart = -1
        for match in _FAST.finditer(text, pos):  # contiguous: some alternative always matches
            kind = match.lastgroup
            if kind == "ws" or kind == "comment":
                continue
            value = match.group()
            if kind == "iri":
                if stack and stack[-1] == "E" and prev in _OPERAND_END:
                    # The engine reads '<' as less-than here. Should a looser reading make it
                    # an IRI, the rest would split differently (a quote or '#' inside opens
                    # a string or a comment in one reading only): check that reading too.
                    if "'" in value or "#" in value:
                        if forks[0] <= 0:
                            raise Refused("query too ambiguous to check ('<' in an "
                                          "expression)", 400)
                        forks[0] -= 1
                        _scan(text, match.end(), list(stack), "iri", forks, into)
                    restart = match.start()
                    break
                tokens.append(("iri", value))
                prev = "iri"
                continue
            if kind == "word" or kind == "pname":
                upper = value.upper()
                if upper.startswith("SERVICE"):
                    hits.append((len(tokens), value))
                if kind == "word":
                    if upper == "VALUES":
                        values_pending = True
                    elif upper in NONDETERMINISTIC:
                        scan.nondeterministic = True
            elif kind == "punct":
                if value == "(":
                    if values_pending or (stack and stack[-1] in "VD") or \
                            (stack and stack[-1] in "GB" and prev in ("{", ".", ";", ",", "[")):
                        stack.append("D")
                    else:
                        stack.append("E")
                elif value == "{":
                    stack.append("V" if values_pending else "G")
                    values_pending = False
                elif value == "[":
                    stack.append("B")
                elif value in (")", "}", "]") and stack:
                    stack.pop()
                if len(stack) > MAX_DEPTH:  # the engine's parser recurses per level
                    raise Refused(f"the query nests brackets more than {MAX_DEPTH} levels "
                                  "deep", 400)
                kind = "close" if value == ")" else value
            tokens.append((kind, value))
            prev = kind
        if restart < 0:
            break
        match = _TOKEN.match(text, restart)  # '<' or '<=' read as an operator
        value = match.group()
        tokens.append((value, value))
        prev = value
        pos = match.end()


def _unprefix(value: str, prefixes: dict[str, str]) -> str | None:
    prefix, _, local = value.partition(":")
    if prefix not in prefixes:
        return None
    return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)


def _prologue(tokens: list[tuple[str, str]]) -> tuple[dict[str, str], int]:
    """The prefixes declared before the query form, and the index of the form's token."""
    prefixes: dict[str, str] = {}
    i = 0
    while i < len(tokens):  # the prologue
        kind, value = tokens[i]
        upper = value.upper() if kind == "word" else ""
        if upper == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
            i += 3
        elif upper == "BASE" and i + 1 < len(tokens):
            i += 2
        elif upper == "VERSION" and i + 1 < len(tokens):
            i += 2
        else:
            break
    return prefixes, i


def _form(tokens: list[tuple[str, str]], i: int) -> str | None:
    form = None
    if i < len(tokens) and tokens[i][0] in ("word", "pname"):
        first = re.match(r"[A-Za-z]*", tokens[i][1]).group().upper()
        for word in UPDATES:
            if first.startswith(word):
                raise Refused(f"SPARQL Update ({word}) is not accepted: this endpoint is "
                              "read-only", 403)
        form = first if first in FORMS else None
    return form


def _check(scan: _Scan, allowlist: frozenset[str], prefixes: dict[str, str]) -> list[str]:
    tokens = scan.tokens
    for kind, value in tokens:
        if kind == "word" and value.upper() == "LOAD":
            raise Refused("LOAD is not accepted: this endpoint is read-only", 403)
    for index, (kind, value) in enumerate(tokens):
        if kind == "word" and value.upper() == "FROM":
            j = index + 1
            if j < len(tokens) and tokens[j][1].upper() == "NAMED":
                j += 1
            graph = None
            if j < len(tokens) and tokens[j][0] == "iri":
                graph = tokens[j][1][1:-1]
            elif j < len(tokens) and tokens[j][0] == "pname":
                graph = _unprefix(tokens[j][1], prefixes)
            if graph is None or not dataset_iri_ok(graph):
                raise Refused(f"FROM {tokens[j][1] if j < len(tokens) else ''} is not "
                              "accepted: a dataset IRI names a graph of this store (http, "
                              "https or urn), never a file", 400)
    services = []
    for index, how in scan.service_hits:
        if how.upper() != "SERVICE":
            raise Refused(f"SERVICE is not accepted here ({how!r}): write "
                          "'SERVICE <endpoint>' with an allowed endpoint", 403)
        j = index + 1
        if j < len(tokens) and tokens[j][1].upper() == "SILENT":
            j += 1
        endpoint = None
        if j < len(tokens):
            kind, value = tokens[j]
            if kind == "iri":
                endpoint = value[1:-1]
            elif kind == "pname":
                endpoint = _unprefix(value, prefixes)
        if endpoint is None or not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", endpoint):
            raise Refused("SERVICE needs an absolute endpoint IRI from the allow-list", 403)
        if endpoint not in allowlist:
            raise Refused(f"SERVICE <{endpoint}> is not accepted: federated queries may only "
                          "call the endpoints on this server's allow-list", 403)
        services.append(endpoint)
    return services


#: Words whose absence (anywhere in the case-folded text) lets :func:`analyse` skip the
#: tokenizer: no SERVICE, LOAD, FROM or non-deterministic function can then be in the query.
_TRIGGERS = ("service", "load", "from", "rand", "now", "uuid", "bnode")
#: A prologue of plain PREFIX/BASE declarations and comments, then the query form.
_IRI_TEXT = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_QUICK_FORM = re.compile(
    rf"(?:[ \t\r\n]+|\#[^\r\n]*|PREFIX[ \t\r\n]+(?:[A-Za-z][\w.-]*)?:[ \t\r\n]*{_IRI_TEXT}"
    rf"|BASE[ \t\r\n]*{_IRI_TEXT})*(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![A-Za-z0-9_:])",
    re.IGNORECASE)


def _quick(text: str) -> Analysis | None:
    """The analysis of a query that holds none of the trigger words and no more brackets
    than :data:`MAX_DEPTH` (so nothing to refuse), if its form is plain to see; else None.
    Its cache key is its exact text (the tokenizer, which drops layout, is not run)."""
    folded = text.casefold()  # Unicode folding: a superset of any engine's case-insensitivity
    if any(word in folded for word in _TRIGGERS) or \
            text.count("(") + text.count("{") + text.count("[") > MAX_DEPTH:
        return None
    match = _QUICK_FORM.match(text)
    if match is None:
        return None
    return Analysis(form=match.group(1).upper(), normalised=text, cacheable=True, services=())


def analyse(text: str, allowlist: frozenset[str] = frozenset()) -> Analysis:
    """Check ``text`` and describe it, or raise :class:`Refused`."""
    quick = _quick(text)
    if quick is not None:
        return quick
    scans: list[_Scan] = []
    _scan(text, 0, [], "", [_MAX_FORKS], scans)
    main = scans[0]
    prefixes, start = _prologue(main.tokens)
    form = _form(main.tokens, start)
    services = _check(main, allowlist, prefixes)
    for fork in scans[1:]:
        _check(fork, allowlist, prefixes)
    has_dataset = any(kind == "word" and value.upper() == "FROM" for kind, value in main.tokens)
    return Analysis(form=form, normalised=" ".join(v for _, v in main.tokens),
                    cacheable=not any(s.nondeterministic for s in scans),
                    services=tuple(services), has_dataset=has_dataset)


def dataset_iri_ok(iri: str) -> bool:
    """Dataset IRIs (FROM, default-graph-uri, named-graph-uri) name graphs, never files."""
    return re.match(r"(?i)(https?|urn):\S+$", iri) is not None
