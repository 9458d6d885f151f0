/* ruhrgraph query page: SPARQL highlighting, running queries, results with labels.
   No dependencies; works offline. */
(function () {
  "use strict";

  var KEYWORDS = ("BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT DESCRIBE ASK FROM NAMED WHERE " +
    "ORDER BY ASC DESC LIMIT OFFSET GROUP HAVING VALUES UNDEF OPTIONAL UNION MINUS GRAPH SERVICE " +
    "SILENT FILTER BIND EXISTS NOT IN A TRUE FALSE LATERAL COUNT SUM MIN MAX AVG SAMPLE " +
    "GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR " +
    "ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER " +
    "YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 " +
    "SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX " +
    "SUBSTR REPLACE").split(" ");
  var KW = {};
  KEYWORDS.forEach(function (k) { KW[k] = true; });

  var TOKEN = new RegExp([
    "(#[^\\n]*)",                                             // 1 comment
    "('''[\\s\\S]*?'''|\"\"\"[\\s\\S]*?\"\"\"|'(?:[^'\\\\\\n]|\\\\.)*'|\"(?:[^\"\\\\\\n]|\\\\.)*\")", // 2 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                              // 3 IRI
    "([?$][\\w\\u00B7\\u00C0-\\uFFFF]+)",                       // 4 variable
    "((?:[A-Za-z\\u00C0-\\uFFFF][\\w.\\-\\u00C0-\\uFFFF]*)?:(?:[\\w\\-:%\\u00C0-\\uFFFF.]*[\\w\\-:%\\u00C0-\\uFFFF])?)", // 5 prefixed name
    "(@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",                          // 6 language tag
    "([A-Za-z_][A-Za-z0-9_]*)",                                // 7 word
    "(\\d+(?:\\.\\d*)?(?:[eE][+-]?\\d+)?)"                     // 8 number
  ].join("|"), "g");

  function escapeHtml(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function highlight(text) {
    var out = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      out += escapeHtml(text.slice(last, m.index));
      var cls = m[1] ? "c" : m[2] ? "s" : m[3] ? "i" : m[4] ? "v" : m[5] ? "p" : m[6] ? "l"
        : m[7] ? (KW[m[7].toUpperCase()] ? "k" : "w") : "n";
      out += "<span class=\"t-" + cls + "\">" + escapeHtml(m[0]) + "</span>";
      last = TOKEN.lastIndex;
    }
    return out + escapeHtml(text.slice(last)) + "\n";
  }

  function queryKind(text) {
    var body = text.replace(/#[^\n]*/g, "").replace(/<[^>\s]*>/g, "<>");
    var m = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(body);
    return m && /^(CONSTRUCT|DESCRIBE)$/i.test(m[1]) ? "graph" : "results";
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("query-form");
    var area = document.getElementById("query");
    var code = document.getElementById("highlight");
    var pre = code.parentNode;
    var status = document.getElementById("status");
    var results = document.getElementById("results");
    var formatSel = document.getElementById("format");
    var download = document.getElementById("download");
    var permalink = document.getElementById("permalink");
    var base = form.getAttribute("data-base");
    var examples = JSON.parse(document.getElementById("examples-data").textContent);
    var formats = JSON.parse(document.getElementById("formats-data").textContent);

    function refresh() {
      code.innerHTML = highlight(area.value);
      area.style.height = "auto";
      area.style.height = Math.max(area.scrollHeight, 160) + "px";
      pre.style.height = area.style.height;
      var kind = queryKind(area.value);
      var wanted = formatSel.selectedOptions[0];
      Array.prototype.forEach.call(formatSel.options, function (o) {
        o.hidden = o.getAttribute("data-kind") !== kind;
      });
      if (!wanted || wanted.hidden) {
        formatSel.value = formats[kind][0].name;
      }
      var q = encodeURIComponent(area.value);
      var fmt = formats[kind].filter(function (f) { return f.name === formatSel.value; })[0];
      download.href = "/sparql?query=" + q + "&format=" + formatSel.value;
      download.setAttribute("download", "query." + (fmt ? fmt.ext : formatSel.value));
      permalink.href = "/sparql?query=" + q;
    }
    area.addEventListener("input", refresh);
    area.addEventListener("scroll", function () { pre.scrollTop = area.scrollTop; pre.scrollLeft = area.scrollLeft; });
    formatSel.addEventListener("change", refresh);
    area.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
      if (e.key === "Tab" && !e.shiftKey) {
        e.preventDefault();
        var s = area.selectionStart;
        area.value = area.value.slice(0, s) + "  " + area.value.slice(area.selectionEnd);
        area.selectionStart = area.selectionEnd = s + 2;
        refresh();
      }
    });
    document.getElementById("examples").addEventListener("change", function (e) {
      var ex = examples[parseInt(e.target.value, 10)];
      if (ex) { area.value = ex.query; refresh(); run(); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("button.prefix"), function (b) {
      b.addEventListener("click", function () {
        var line = "PREFIX " + b.getAttribute("data-prefix") + ": <" + b.getAttribute("data-ns") + ">\n";
        if (area.value.indexOf(line.trim()) < 0) { area.value = line + area.value; refresh(); }
        area.focus();
      });
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });

    function link(iri, labels) {
      var href = iri.indexOf(base) === 0 ? "/" + iri.slice(base.length) : iri;
      var a = el("a", { href: href, title: iri, "class": "iri" });
      var label = labels[iri];
      if (label) {
        a.appendChild(el("span", { "class": "label" }, label));
        a.appendChild(el("span", { "class": "iri-text" }, shortIri(iri)));
      } else {
        a.textContent = shortIri(iri);
      }
      if (href === iri) a.setAttribute("rel", "noopener");
      return a;
    }
    var PREFIXES = [];
    Array.prototype.forEach.call(document.querySelectorAll("button.prefix"), function (b) {
      PREFIXES.push([b.getAttribute("data-prefix"), b.getAttribute("data-ns")]);
    });
    PREFIXES.sort(function (a, b) { return b[1].length - a[1].length; });
    function shortIri(iri) {
      for (var i = 0; i < PREFIXES.length; i++) {
        var ns = PREFIXES[i][1];
        if (iri.indexOf(ns) === 0 && /^[\w\-.\/]*$/.test(iri.slice(ns.length))) {
          return PREFIXES[i][0] + ":" + iri.slice(ns.length);
        }
      }
      return iri;
    }

    function cell(term, labels) {
      var td = el("td");
      if (!term) return td;
      if (term.type === "uri") { td.appendChild(link(term.value, labels)); }
      else if (term.type === "bnode") { td.appendChild(el("span", { "class": "bnode" }, "_:" + term.value)); }
      else {
        td.appendChild(el("span", { "class": "literal" }, term.value));
        if (term["xml:lang"]) td.appendChild(el("span", { "class": "lang" }, "@" + term["xml:lang"]));
        else if (term.datatype && !/XMLSchema#string$/.test(term.datatype)) {
          td.appendChild(el("span", { "class": "datatype" }, shortIri(term.datatype)));
        }
      }
      return td;
    }

    function table(vars, rows, labels) {
      var t = el("table", { "class": "results-table" });
      var head = el("tr");
      head.appendChild(el("th", { scope: "col", "class": "rownum" }, "#"));
      vars.forEach(function (v) { head.appendChild(el("th", { scope: "col" }, v)); });
      t.appendChild(el("thead")).appendChild(head);
      var body = t.appendChild(el("tbody"));
      rows.forEach(function (row, i) {
        var tr = el("tr");
        tr.appendChild(el("td", { "class": "rownum" }, String(i + 1)));
        vars.forEach(function (v) { tr.appendChild(cell(row[v], labels)); });
        body.appendChild(tr);
      });
      return t;
    }

    function parseNTriples(text) {
      var TERM = /\s*(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[\w-]+|\^\^<[^>]*>)?)/g;
      var rows = [];
      text.split("\n").forEach(function (line) {
        if (!line.trim()) return;
        TERM.lastIndex = 0;
        var terms = [], m;
        while (terms.length < 3 && (m = TERM.exec(line)) !== null) terms.push(m[1]);
        if (terms.length < 3) return;
        var row = {};
        ["subject", "predicate", "object"].forEach(function (v, i) {
          var t = terms[i];
          if (t[0] === "<") row[v] = { type: "uri", value: t.slice(1, -1) };
          else if (t[0] === "_") row[v] = { type: "bnode", value: t.slice(2) };
          else {
            var mm = /^"((?:[^"\\]|\\.)*)"(?:@([\w-]+)|\^\^<([^>]*)>)?$/.exec(t);
            var value = JSON.parse('"' + mm[1].replace(/\\U([0-9A-Fa-f]{8})/g, function (_, h) {
              return String.fromCodePoint(parseInt(h, 16));
            }) + '"');
            row[v] = { type: "literal", value: value };
            if (mm[2]) row[v]["xml:lang"] = mm[2];
            if (mm[3]) row[v].datatype = mm[3];
          }
        });
        rows.push(row);
      });
      return rows;
    }

    function post(query, accept) {
      return fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
        body: "query=" + encodeURIComponent(query)
      });
    }

    function fetchLabels(iris) {
      var safe = iris.filter(function (i) { return /^[^<>"{}|^`\\\s]+$/.test(i); }).slice(0, 400);
      if (!safe.length) return Promise.resolve({});
      var q = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" +
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" +
        "SELECT ?s ?label WHERE { VALUES ?s { " + safe.map(function (i) { return "<" + i + ">"; }).join(" ") +
        " } ?s rdfs:label|skos:prefLabel ?label }";
      return post(q, "application/sparql-results+json").then(function (r) {
        return r.ok ? r.json() : { results: { bindings: [] } };
      }).then(function (data) {
        var rank = {}, labels = {};
        data.results.bindings.forEach(function (b) {
          var lang = b.label["xml:lang"] || "";
          var score = lang === "de" ? 3 : lang === "en" ? 2 : lang === "" ? 1 : 0;
          if (!(b.s.value in rank) || score > rank[b.s.value]) {
            rank[b.s.value] = score; labels[b.s.value] = b.label.value;
          }
        });
        return labels;
      }).catch(function () { return {}; });
    }

    function showError(text) {
      results.textContent = "";
      var p = el("pre", { "class": "error", role: "alert" }, text);
      results.appendChild(p);
    }

    function run() {
      var query = area.value;
      var kind = queryKind(query);
      history.replaceState(null, "", "/sparql?query=" + encodeURIComponent(query));
      status.textContent = "Running…";
      status.className = "status running";
      var started = performance.now();
      var accept = kind === "graph" ? "application/n-triples" : "application/sparql-results+json";
      var info = {};
      post(query, accept).then(function (r) {
        info.ok = r.ok; info.status = r.status; info.type = r.headers.get("Content-Type") || "";
        info.truncated = r.headers.get("RuhrGraph-Truncated");
        return r.text();
      }).then(function (text) {
        var ms = Math.round(performance.now() - started);
        if (!info.ok) {
          status.textContent = "Error " + info.status + " after " + ms + " ms";
          status.className = "status failed";
          showError(text);
          return;
        }
        var vars, rows, ask = null;
        if (info.type.indexOf("application/n-triples") === 0) {
          vars = ["subject", "predicate", "object"]; rows = parseNTriples(text);
        } else {
          var data = JSON.parse(text);
          if ("boolean" in data) { ask = data["boolean"]; }
          else { vars = data.head.vars; rows = data.results.bindings; }
        }
        results.textContent = "";
        if (ask !== null) {
          status.textContent = "ASK answered in " + ms + " ms";
          status.className = "status ok";
          results.appendChild(el("p", { "class": "ask" }, ask ? "true" : "false"));
          return;
        }
        status.textContent = rows.length + (rows.length === 1 ? " row" : " rows") + " in " + ms + " ms" +
          (info.truncated ? " — results cut at the row limit" : "");
        status.className = "status " + (info.truncated ? "warn" : "ok");
        var iris = {};
        rows.forEach(function (row) {
          vars.forEach(function (v) { if (row[v] && row[v].type === "uri") iris[row[v].value] = true; });
        });
        results.appendChild(table(vars, rows.slice(0, 5000), {}));
        fetchLabels(Object.keys(iris)).then(function (labels) {
          if (!Object.keys(labels).length) return;
          results.textContent = "";
          results.appendChild(table(vars, rows.slice(0, 5000), labels));
        });
      }).catch(function (err) {
        status.textContent = "The request failed: " + err;
        status.className = "status failed";
      });
    }

    refresh();
    if (form.getAttribute("data-autorun") === "true") run();
  });
})();
