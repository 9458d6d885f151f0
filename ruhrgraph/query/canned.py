"""Canned queries: ``queries/*.rq``, one question per file, described in a comment header.

The header is the block of ``#+`` lines at the top of the file (grlc's convention); with the
``#+`` taken off, it is YAML::

    #+ title: Projects active in a year
    #+ description: Projects whose duration covers the year.
    #+ theme: Time
    #+ params:
    #+   year: {type: integer, default: 2025, min: 2000, max: 2100, label: Year}
    #+ chart: {type: bar, label: fieldLabel, value: projects}

The result's columns have headings in words, in German and English, and the IRI of
something whose label is another column is no column of its own in the page (the label's
cell links to it)::

    #+ columns:
    #+   project: {link_for: title}
    #+   code: {de: Kennung, en: Code}
    #+   title: {de: Projekt, en: Project}

``title_de``, ``description_de`` and a parameter's ``label_de``/``help_de`` are the German
of ``title``, ``description``, ``label`` and ``help``, shown in the German interface.

Every file stays valid SPARQL on its own. A parameter is a variable of the query, bound as a
typed RDF term (never pasted into the text), so it must be in the SELECT projection. A
``string`` parameter with ``language: de`` is bound as a literal with that language tag.

A parameter about one entity may say how its value finds the entity ("resolve, then bind")::

    #+   code:
    #+     type: code
    #+     finds: {variable: project, predicate: "http://purl.org/dc/terms/identifier"}

The query must then hold the triple pattern ``?project <predicate> ?code`` in its WHERE
group (not only inside an OPTIONAL, UNION, MINUS, GRAPH, SERVICE or subquery; checked at
load, with the header's file:line when it does not). Before the query runs, the web layer
looks that one pattern up with the value bound (an index lookup) and binds the resources
found to ``?project`` as well: the answer is the same, but pyoxigraph, which plans a query
before it applies substitutions, then starts from the entity instead of scanning the graph.
:func:`load_all` reads a directory; :meth:`Param.parse` checks a value a user gave;
:func:`bindings` makes the typed terms of the values and :func:`editor_text` the query as the
SPARQL editor holds it, its values written in.
``python -m ruhrgraph.query.canned`` prints ``docs/queries.md``.

The order of the values ``GROUP_CONCAT`` joins is not defined by SPARQL (each engine has its
own): :meth:`CannedQuery.sorted_joins` sorts the parts of every column a ``GROUP_CONCAT(...;
separator="...") AS ?name`` of the query makes, so an answer is the same on every engine.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ruhrgraph import store
from ruhrgraph.config import ROOT
from ruhrgraph.query.bindings import inline_values

#: Parameter types: the value a user types and the RDF term it becomes.
TYPES = {"integer": "xsd:integer literal", "string": "xsd:string literal",
         "code": "xsd:string literal, a project code such as 05-02"}
#: How a result may be drawn (see ``ruhrgraph.web.pages.charts``), with the columns each needs.
CHARTS = {"bar": ("label", "value"), "matrix": ("row", "column", "value"),
          "gantt": ("label", "start", "end"), "map": ("place", "value"),
          "network": ("source", "target")}
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CODE = re.compile(r"[0-9]{2}-[0-9]{2}(?:-x[0-9]+)?")
_KEYS = {"title", "description", "theme", "params", "chart", "columns", "title_de",
         "description_de"}
_PARAM_KEYS = {"type", "default", "label", "label_de", "help", "help_de", "min", "max",
               "max_length", "pattern", "allowed", "options", "finds", "language"}
_COLUMN_KEYS = {"de", "en", "link_for"}
_FINDS_KEYS = {"variable", "predicate"}
_JOINED = re.compile(r'GROUP_CONCAT\s*\(\s*(?:DISTINCT\s+)?\?\w+\s*;\s*separator\s*=\s*"([^"]*)"'
                     r'\s*\)\s+AS\s+\?(\w+)', re.IGNORECASE)
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]+")


class CannedQueryError(ValueError):
    """A canned query file that cannot be used; the message names file:line."""


class ParamError(ValueError):
    """A parameter value that does not fit; the message says what is allowed."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: Any
    label: str
    help: str = ""
    label_de: str = ""
    help_de: str = ""
    min: int | None = None
    max: int | None = None
    max_length: int = 200
    pattern: str | None = None
    allowed: tuple[str, ...] = ()
    #: A SELECT with ``?value`` and ``?label`` listing the values to offer (and to accept).
    options: str | None = None
    #: ``(variable, predicate IRI)``: the value finds the resources ``?variable`` with the
    #: triple pattern ``?variable <predicate> ?name`` (see the module's description).
    finds: tuple[str, str] | None = None
    #: The language tag of the literal a ``string`` value is bound as (``None``: xsd:string).
    language: str | None = None

    def label_in(self, lang: str) -> str:
        """The label in the interface language ``lang`` (German when the header has one)."""
        return self.label_de if lang == "de" and self.label_de else self.label

    def help_in(self, lang: str) -> str:
        return self.help_de if lang == "de" and self.help_de else self.help

    def term(self, value: int | str) -> object:
        """The typed RDF term ``value`` is bound as."""
        return store.literal(value, language=self.language)

    def parse(self, raw: str) -> int | str:
        """The value of ``raw`` for this parameter, or :class:`ParamError`."""
        raw = raw.strip()
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?[0-9]{1,9}", raw):
                raise ParamError(f"{self.name} must be a whole number, not {raw[:40]!r}")
            value = int(raw)
            if (self.min is not None and value < self.min) or \
                    (self.max is not None and value > self.max):
                raise ParamError(f"{self.name} must be between {self.min} and {self.max}, "
                                 f"not {value}")
            return value
        if not raw:
            raise ParamError(f"{self.name} must not be empty")
        if len(raw) > self.max_length:
            raise ParamError(f"{self.name} may be at most {self.max_length} characters long")
        if any(ord(c) < 32 for c in raw):
            raise ParamError(f"{self.name} must not contain control characters")
        if self.type == "code" and not _CODE.fullmatch(raw):
            raise ParamError(f"{self.name} must be a project code like 05-02, "
                             f"not {raw[:40]!r}")
        if self.pattern and not re.fullmatch(self.pattern, raw):
            raise ParamError(f"{self.name} does not have the expected form ({self.pattern})")
        if self.allowed:
            match = next((a for a in self.allowed if a.casefold() == raw.casefold()), None)
            if match is None:
                raise ParamError(f"{self.name} must be one of: " + ", ".join(self.allowed))
            return match
        return raw

    def to_dict(self) -> dict[str, Any]:
        out = {"name": self.name, "type": self.type, "default": self.default,
               "label": self.label}
        for key in ("help", "min", "max", "pattern", "options"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.allowed:
            out["allowed"] = list(self.allowed)
        return out


@dataclass(frozen=True)
class Column:
    """How a result variable is shown: its heading in German and English, or, for the IRI
    of something whose label is another column (``link_for``), no column of its own in
    the page: the label's cell links to it."""

    name: str
    de: str = ""
    en: str = ""
    link_for: str | None = None


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    theme: str
    params: tuple[Param, ...]
    chart: dict[str, str] | None
    text: str
    path: Path = field(compare=False)
    title_de: str = ""
    description_de: str = ""
    columns: dict[str, Column] = field(default_factory=dict, compare=False)

    @property
    def joined(self) -> dict[str, str]:
        """Variable -> separator of every ``GROUP_CONCAT(...; separator="...") AS ?name``."""
        return {name: separator for separator, name in _JOINED.findall(self.text)}

    def sorted_joins(self, result: store.Result) -> store.Result:
        """``result`` with the parts of every :attr:`joined` column sorted."""
        joined = self.joined
        if not joined or result.kind != store.BINDINGS:
            return result
        names, rows = store.solutions(result)
        lines = ["\t".join("?" + n for n in names)]
        for row in rows:
            for name, separator in joined.items():
                term = row.get(name)
                if term is not None and store.term_kind(term) == "literal":
                    row[name] = store.literal(separator.join(
                        sorted(term.value.split(separator))))
            lines.append("\t".join(str(row[n]) if n in row else "" for n in names))
        body = "".join(line + "\n" for line in lines).encode("utf-8")
        return store.Result(result.kind, body, result.rows, result.truncated)

    def title_in(self, lang: str) -> str:
        return self.title_de if lang == "de" and self.title_de else self.title

    def description_in(self, lang: str) -> str:
        return self.description_de if lang == "de" and self.description_de else \
            self.description

    def heading(self, name: str, lang: str) -> str:
        """The heading in words of the result variable ``name`` in ``lang``: its
        ``columns`` entry, a link column's "<label heading> (Link)", a parameter's label,
        else the variable's name."""
        column = self.columns.get(name)
        if column is not None and (column.de or column.en):
            return (column.de if lang == "de" else column.en) or column.en or column.de
        if column is not None and column.link_for:
            return f"{self.heading(column.link_for, lang)} (Link)"
        param = next((p for p in self.params if p.name == name), None)
        return param.label_in(lang) if param else name

    def links(self) -> dict[str, str]:
        """label variable -> the variable of the IRI its cell links to."""
        return {c.link_for: c.name for c in self.columns.values() if c.link_for}

    @property
    def body(self) -> str:
        """The query without its ``#+`` header (what an editor needs)."""
        lines = self.text.splitlines(keepends=True)
        start = next((i for i, line in enumerate(lines) if not line.startswith("#+")),
                     len(lines))
        return "".join(lines[start:])

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def values(self, args: Mapping[str, str]) -> dict[str, int | str]:
        """Every parameter's value from ``args`` (a request's), defaults filling the gaps;
        :class:`ParamError` names the first that does not fit. Unknown names are errors."""
        unknown = sorted(set(args) - {p.name for p in self.params})
        if unknown:
            known = ", ".join(p.name for p in self.params) or "none"
            raise ParamError(f"unknown parameter {unknown[0][:40]!r}; this query takes: "
                             f"{known}")
        return {p.name: p.parse(str(args[p.name])) if p.name in args else p.default
                for p in self.params}

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "description": self.description,
                "theme": self.theme, "params": [p.to_dict() for p in self.params],
                "chart": self.chart}


def bindings(query: CannedQuery, given: Mapping[str, int | str]) -> dict[str, object]:
    """The parameters as typed terms (what the query's text never holds)."""
    return {p.name: p.term(given[p.name]) for p in query.params}


def editor_text(query: CannedQuery, given: Mapping[str, int | str] | None = None) -> str:
    """The query as the SPARQL editor should hold it: no header, its parameters (the
    defaults unless ``given``) written in as a VALUES block, so it runs as it stands."""
    if not query.params:
        return query.body
    values = {p.name: p.default for p in query.params} | dict(given or {})
    return inline_values(query.body, bindings(query, values))


def _header(text: str) -> tuple[str, int]:
    """The YAML of the leading ``#+`` lines, and the number of the first line after them."""
    lines = []
    number = 0
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#+"):
            return "\n".join(lines), number
        lines.append(line[3:] if line.startswith("#+ ") else line[2:])
    return "\n".join(lines), number + 1


def _param(where: str, name: str, spec: Any) -> Param:
    if not _VARIABLE.fullmatch(name):
        raise CannedQueryError(f"{where}: parameter {name!r} is no SPARQL variable name")
    if not isinstance(spec, dict) or set(spec) - _PARAM_KEYS:
        extra = sorted(set(spec) - _PARAM_KEYS) if isinstance(spec, dict) else spec
        raise CannedQueryError(f"{where}: parameter {name!r}: unknown keys {extra}")
    kind = spec.get("type")
    if kind not in TYPES:
        raise CannedQueryError(f"{where}: parameter {name!r}: type must be one of "
                               f"{', '.join(TYPES)}, not {kind!r}")
    if "default" not in spec:
        raise CannedQueryError(f"{where}: parameter {name!r} needs a default")
    finds = spec.get("finds")
    if finds is not None:
        if not isinstance(finds, dict) or set(finds) != _FINDS_KEYS \
                or not _VARIABLE.fullmatch(str(finds["variable"])) \
                or not _IRI.fullmatch(str(finds["predicate"])):
            raise CannedQueryError(f"{where}: parameter {name!r}: finds must be "
                                   "{variable: <name>, predicate: <full IRI>}, not "
                                   f"{finds!r}")
        if finds["variable"] == name:
            raise CannedQueryError(f"{where}: parameter {name!r} cannot find itself")
        finds = (str(finds["variable"]), str(finds["predicate"]))
    language = spec.get("language")
    if language is not None and (kind != "string" or not _LANGUAGE.fullmatch(str(language))):
        raise CannedQueryError(f"{where}: parameter {name!r}: language is a language tag "
                               f"such as de, for a string parameter only, not {language!r}")
    param = Param(name=name, type=kind, default=None, label=str(spec.get("label", name)),
                  help=str(spec.get("help", "")), label_de=str(spec.get("label_de", "")),
                  help_de=str(spec.get("help_de", "")), min=spec.get("min"), max=spec.get("max"),
                  max_length=int(spec.get("max_length", 200)), pattern=spec.get("pattern"),
                  allowed=tuple(str(a) for a in spec.get("allowed", ())),
                  options=spec.get("options"), finds=finds, language=language)
    try:
        default = param.parse(str(spec["default"]))
    except ParamError as error:
        raise CannedQueryError(f"{where}: parameter {name!r}: bad default: {error}") from None
    return Param(**{**param.__dict__, "default": default})


def _columns(path: Path, header: str, body: str, spec: Any) -> dict[str, Column]:
    """The ``columns`` map, checked: each a variable of the query, with ``de`` and ``en``
    headings (both or neither) or ``link_for`` naming another column (a label)."""
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise CannedQueryError(f"{path}:{_header_line(header, 'columns')}: columns must map "
                               "variables to {de: ..., en: ...} or {link_for: <variable>}")
    found = {}
    for name, entry in spec.items():
        at = f"{path}:{_header_line(header, 'columns', str(name))}"
        if not _VARIABLE.fullmatch(str(name)) or \
                not re.search(r"[?$]" + re.escape(str(name)) + r"\b", body):
            raise CannedQueryError(f"{at}: column {name!r} is no variable of the query")
        if not isinstance(entry, dict) or not entry or set(entry) - _COLUMN_KEYS:
            raise CannedQueryError(f"{at}: column {name!r} must be {{de: ..., en: ...}} and/or "
                                   f"{{link_for: <variable>}}, not {entry!r}")
        words = [entry.get(k) for k in ("de", "en")]
        if any(w is not None for w in words) and not all(
                isinstance(w, str) and w.strip() for w in words):
            raise CannedQueryError(f"{at}: column {name!r} needs its heading in both de and en")
        link_for = entry.get("link_for")
        if link_for is None and words == [None, None]:
            raise CannedQueryError(f"{at}: column {name!r} has no heading")
        found[str(name)] = Column(str(name), *(str(w or "").strip() for w in words),
                                  link_for=None if link_for is None else str(link_for))
    for column in found.values():
        at = f"{path}:{_header_line(header, 'columns', column.name, 'link_for')}"
        target = found.get(column.link_for) if column.link_for else None
        if column.link_for and (target is None or target.link_for or not target.de):
            raise CannedQueryError(f"{at}: column {column.name!r} is the link for "
                                   f"{column.link_for!r}, which must be a column with "
                                   "headings of its own")
    return found


def _header_line(header: str, *keys: str) -> int:
    """The header line (1-based) of the key at ``keys`` (a path of mapping keys), or 1."""
    try:
        node = yaml.compose(header)
    except yaml.YAMLError:
        return 1
    line = 1
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            break
        match = next(((k, v) for k, v in node.value if k.value == key), None)
        if match is None:
            break
        line, node = match[0].start_mark.line + 1, match[1]
    return line


#: Algebra nodes whose every solution is a solution of the pattern(s) below them, and the
#: keys of those patterns: a triple pattern reached through them holds in every answer.
_REQUIRED = {"SelectQuery": ("p",), "Project": ("p",), "Distinct": ("p",),
             "Reduced": ("p",), "Slice": ("p",), "OrderBy": ("p",), "Extend": ("p",),
             "Filter": ("p",), "Group": ("p",), "AggregateJoin": ("p",),
             "Join": ("p1", "p2"), "LeftJoin": ("p1",), "Minus": ("p1",)}


#: rdflib's SPARQL grammar (pyparsing) is shared state: two threads parsing at once fail
#: with errors from inside the parser (seen under gunicorn's threads).
_RDFLIB = threading.Lock()


def required_triples(text: str) -> set[tuple[object, object, object]]:
    """The triple patterns (rdflib terms) that every solution of the query's WHERE group
    matches: its own and those of groups joined to it, not those only inside an OPTIONAL,
    UNION, MINUS, GRAPH, SERVICE, VALUES or subquery. Parsed with rdflib's SPARQL parser."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    found: set[tuple[object, object, object]] = set()
    with _RDFLIB:
        algebra = translateQuery(parseQuery(text)).algebra
    pending = [algebra]
    while pending:
        node = pending.pop()
        if not isinstance(node, CompValue):
            continue
        if node.name == "BGP":
            found.update(tuple(t) for t in node["triples"])
        for key in _REQUIRED.get(node.name, ()):
            pending.append(node.get(key))
    return found


def _check_finds(path: Path, text: str, header: str, params: tuple[Param, ...]) -> None:
    """Each ``finds`` names a triple pattern every answer of the query matches."""
    declared = [p for p in params if p.finds]
    if not declared:
        return
    from rdflib import URIRef, Variable

    try:
        triples = required_triples(text)
    except Exception as error:  # rdflib raises pyparsing's and its own errors
        raise CannedQueryError(f"{path}:1: the query cannot be parsed to check finds: "
                               f"{error}") from None
    seen: dict[str, str] = {}
    for param in declared:
        variable, predicate = param.finds
        at = f"{path}:{_header_line(header, 'params', param.name, 'finds')}"
        if variable in seen:
            raise CannedQueryError(f"{at}: parameters {seen[variable]!r} and {param.name!r} "
                                   f"both find ?{variable}; one may")
        seen[variable] = param.name
        if (Variable(variable), URIRef(predicate), Variable(param.name)) not in triples:
            raise CannedQueryError(
                f"{at}: parameter {param.name!r} finds ?{variable} by <{predicate}>, but the "
                f"query's WHERE group has no triple pattern ?{variable} <{predicate}> "
                f"?{param.name} (outside OPTIONAL, UNION, MINUS, GRAPH and subqueries), so "
                f"binding ?{variable} could change the answer")


def load(path: str | Path) -> CannedQuery:
    """One canned query file, checked; :class:`CannedQueryError` says what is wrong where."""
    path = Path(path)
    name = path.stem
    if not _NAME.fullmatch(name):
        raise CannedQueryError(f"{path}: file names are lower-case words joined by '-'")
    text = path.read_text(encoding="utf-8")
    header, body_line = _header(text)
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise CannedQueryError(f"{path}:{line}: the #+ header is not valid YAML: "
                               f"{getattr(error, 'problem', error)}") from None
    where = f"{path}:1"
    if not isinstance(meta, dict):
        raise CannedQueryError(f"{where}: the #+ header must be a mapping of keys")
    unknown = set(meta) - _KEYS
    if unknown:
        raise CannedQueryError(f"{where}: unknown header keys {sorted(unknown)}")
    for key in ("title", "description", "theme"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise CannedQueryError(f"{where}: the header needs a {key!r}")
    for key in ("title_de", "description_de"):
        if key in meta and (not isinstance(meta[key], str) or not meta[key].strip()):
            raise CannedQueryError(f"{path}:{_header_line(header, key)}: {key} must be text")
    body = "\n".join(text.splitlines()[body_line - 1:])
    if not body.strip():
        raise CannedQueryError(f"{where}: no query after the header")
    params = tuple(_param(where, str(n), s) for n, s in (meta.get("params") or {}).items())
    for param in params:
        if not re.search(r"[?$]" + re.escape(param.name) + r"\b", body):
            raise CannedQueryError(f"{where}: parameter {param.name!r} is no variable of "
                                   "the query")
    _check_finds(path, text, header, params)
    columns = _columns(path, header, body, meta.get("columns"))
    chart = meta.get("chart")
    if chart is not None:
        if not isinstance(chart, dict) or chart.get("type") not in CHARTS:
            raise CannedQueryError(f"{where}: chart type must be one of {', '.join(CHARTS)}")
        missing = [k for k in CHARTS[chart["type"]] if k not in chart]
        if missing:
            raise CannedQueryError(f"{where}: a {chart['type']} chart needs {missing}")
        chart = {str(k): str(v) for k, v in chart.items()}
    return CannedQuery(name=name, title=meta["title"].strip(),
                       description=" ".join(meta["description"].split()),
                       theme=meta["theme"].strip(), params=params, chart=chart, text=text,
                       path=path, title_de=str(meta.get("title_de", "")).strip(),
                       description_de=" ".join(str(meta.get("description_de", "")).split()),
                       columns=columns)


def load_all(directory: str | Path | None = None) -> list[CannedQuery]:
    """Every ``*.rq`` of ``directory`` (default: the repository's ``queries/``), by name."""
    directory = Path(directory) if directory else ROOT / "queries"
    return [load(path) for path in sorted(directory.glob("*.rq"))]


def markdown(queries: list[CannedQuery]) -> str:
    """``docs/queries.md``: every canned query by theme, with its parameters and chart."""
    out = ["# Canned queries", "",
           "Generated by `python -m ruhrgraph.query.canned > docs/queries.md` from the headers of",
           "`queries/*.rq`; a test fails when this file is stale. Each query answers at",
           "`/queries/<name>` (HTML, or SPARQL JSON by content negotiation) and",
           "`/queries/<name>.csv`, `.tsv`, `.json` (rows as objects under `rows`,",
           "with `headings` in words) and `.srj` (SPARQL results JSON), with its parameters",
           "in the query string. CSV headings and JSON `headings` are the columns' headings",
           "in words in the interface's language (`?lang=de|en`); TSV and SPARQL JSON keep",
           "the variables' names, for programs.", "",
           "A parameter that *finds* a resource is resolved first: the one triple pattern",
           "named is looked up with the value bound, and the resources found are bound as",
           "well (the query holds that pattern, so the answer is the same; the store then",
           "plans the query from the resource instead of scanning the graph). The header",
           "key is documented in `ruhrgraph/canned.py`.", ""]
    themes: dict[str, list[CannedQuery]] = {}
    for query in queries:
        themes.setdefault(query.theme, []).append(query)
    for theme in sorted(themes):
        out += [f"## {theme}", ""]
        for query in themes[theme]:
            out += [f"### `{query.name}`: {query.title}", "", query.description, ""]
            for p in query.params:
                limits = []
                if p.min is not None or p.max is not None:
                    limits.append(f"{p.min}..{p.max}")
                if p.allowed:
                    limits.append("one of " + ", ".join(p.allowed))
                if p.options:
                    limits.append("one of the values the page offers")
                extra = f" ({'; '.join(limits)})" if limits else ""
                kind = p.type + (f" (a literal tagged @{p.language})" if p.language else "")
                out.append(f"- parameter `{p.name}`: {kind}, default `{p.default}`{extra}"
                           + (f". {p.help}" if p.help else ""))
                if p.finds:
                    out.append(f"  (finds `?{p.finds[0]}` first: `?{p.finds[0]} <{p.finds[1]}> "
                               f"?{p.name}`)")
            if query.title_de:
                out.append(f"- in German: {query.title_de}")
            shown = [f"`{c.name}` {c.en} ({c.de})" for c in query.columns.values()
                     if not c.link_for]
            if shown:
                out.append("- columns: " + ", ".join(shown))
            linked = [f"`{c.link_for}` links to `{c.name}`" for c in query.columns.values()
                      if c.link_for]
            if linked:
                out.append("- in the page, " + ", ".join(linked))
            if query.chart:
                out.append(f"- drawn as: {query.chart['type']}")
            out += [f"- file: [`queries/{query.name}.rq`](../queries/{query.name}.rq)", ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown(load_all(sys.argv[1] if len(sys.argv) > 1 else None)))
