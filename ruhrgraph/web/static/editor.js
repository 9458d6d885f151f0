/* ruhrgraph query page: YASGUI (static/vendor/yasgui, MIT) configured for this graph.
   Our endpoint only; completion of prefixes, classes, properties and entity names from
   /sparql/editor.json (never LOV or prefix.cc); the canned queries as examples in tabs;
   results with labels, linked to our pages; downloads and permalinks. Without YASGUI
   (no JavaScript, or the script failed) the plain form below stays. docs/editor.md */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var host = document.getElementById("yasgui");
    if (!window.Yasgui || !host) return;
    var data = JSON.parse(document.getElementById("editor-data").textContent);
    var examples = JSON.parse(document.getElementById("examples-data").textContent);
    var T = data.text;
    var base = host.getAttribute("data-base");
    var endpoint = location.origin + "/sparql";
    var Yasqe = window.Yasgui.Yasqe, Yasr = window.Yasgui.Yasr;
    var labels = {};      // IRI -> label to show (the index's, then the label queries')
    var asked = {};       // IRIs whose labels were asked for already
    var prefixes = [];    // [prefix, namespace], longest namespace first
    var lang = document.documentElement.lang || "de";
    var index = fetch(data.index, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .catch(function () {  // no index: the editor works, it only completes less
        return { prefixes: {}, classes: [], properties: [], entities: [] };
      })
      .then(function (idx) { learn(idx); return idx; });

    function pickLabel(byLang) {
      return byLang[lang] || byLang.de || byLang.en || byLang[""] ||
        byLang[Object.keys(byLang)[0]] || "";
    }

    function learn(idx) {
      Object.keys(idx.prefixes).forEach(function (p) { prefixes.push([p, idx.prefixes[p]]); });
      prefixes.sort(function (a, b) { return b[1].length - a[1].length; });
      [idx.entities, idx.classes, idx.properties].forEach(function (list) {
        list.forEach(function (e) {
          e.label = pickLabel(e.labels);
          if (e.label) labels[e.iri] = e.label;
        });
      });
    }

    function esc(s) {
      return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
    }

    function shortIri(iri, own) {
      var tables = [];
      if (own) Object.keys(own).forEach(function (p) { tables.push([p, own[p]]); });
      tables = tables.concat(prefixes);
      for (var i = 0; i < tables.length; i++) {
        var ns = tables[i][1], rest = iri.slice(ns.length);
        if (ns && iri.indexOf(ns) === 0 && /^[\w\-.]*$/.test(rest) && !/\.$/.test(rest)) {
          return tables[i][0] + ":" + rest;
        }
      }
      return null;
    }

    // --- results: YASR's table, IRIs with their labels, linked to our pages -------------
    // An IRI under the base links to its page here, an http(s) IRI links out; any other
    // (javascript:, data: ...) is never a link.
    function hrefOf(iri) {
      if (iri.indexOf(base) === 0) return "/" + iri.slice(base.length);
      return /^https?:\/\//i.test(iri) ? iri : null;
    }

    function linkHtml(iri) {
      var local = iri.indexOf(base) === 0;
      var href = hrefOf(iri);
      var shown = shortIri(iri) || "<" + iri + ">";
      var label = labels[iri];
      var inner = label ? '<span class="label">' + esc(label) + '</span><span class="iri-text">' +
        esc(shown) + "</span>" : esc(shown);
      if (href === null) {
        return '<span class="iri" title="' + esc(iri) + '">' + inner + "</span>";
      }
      return '<a class="iri" href="' + esc(href) + '" title="' + esc(iri) + '"' +
        (local ? "" : ' target="_blank" rel="noopener noreferrer"') + ">" + inner + "</a>";
    }

    function resultIris(results) {
      var found = {};
      var bindings = results && results.getBindings ? results.getBindings() || [] : [];
      bindings.forEach(function (row) {
        Object.keys(row).forEach(function (v) {
          if (row[v] && row[v].type === "uri") found[row[v].value] = true;
        });
      });
      return Object.keys(found);
    }

    function fetchLabels(iris) {
      var wanted = iris.filter(function (i) {
        return !(i in labels) && !(i in asked) && /^[^<>"{}|^`\\\s]+$/.test(i);
      }).slice(0, 400);
      if (!wanted.length) return Promise.resolve();
      wanted.forEach(function (i) { asked[i] = true; });
      var q = "SELECT ?s ?label WHERE { VALUES ?s { " +
        wanted.map(function (i) { return "<" + i + ">"; }).join(" ") +
        " } ?s <http://www.w3.org/2000/01/rdf-schema#label>|" +
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }";
      return fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/sparql-results+json" },
        body: "query=" + encodeURIComponent(q)
      }).then(function (r) { return r.ok ? r.json() : { results: { bindings: [] } }; })
        .then(function (answer) {
          var byIri = {};
          answer.results.bindings.forEach(function (b) {
            (byIri[b.s.value] = byIri[b.s.value] || {})[b.label["xml:lang"] || ""] = b.label.value;
          });
          Object.keys(byIri).forEach(function (i) { labels[i] = pickLabel(byIri[i]); });
        }).catch(function () {});
    }

    function withLabels(yasr) {
      return index.then(function () {
        return fetchLabels(resultIris(yasr.results));
      });
    }

    var Table = Yasr.plugins.table;
    Table.defaults.openIriInNewWindow = false;
    Table.defaults.tableConfig.language = {
      search: T.filter, info: T.info, infoEmpty: T.empty, infoFiltered: T.filtered,
      zeroRecords: T.zero, emptyTable: T.empty,
      paginate: { first: T.first, last: T.last, next: T.next, previous: T.previous }
    };
    class LabelledTable extends Table {
      constructor(yasr) {
        super(yasr);
        this.label = T.table;
        this.helpReference = undefined;
      }
      draw(persistent) {
        var self = this, draw = Table.prototype.draw;
        return withLabels(self.yasr).then(function () { return draw.call(self, persistent); });
      }
      getUriLinkFromBinding(binding) { return linkHtml(binding.value); }
      getColumns() {
        var columns = Table.prototype.getColumns.call(this);
        if (columns.length) columns[0].title = "#";  // the row numbers' column has a name
        columns.slice(1).forEach(function (column) {
          var render = column.render;
          column.render = function (value, type, row, meta) {
            if (value && value.type === "uri" && type === "filter") {
              return value.value + " " + (labels[value.value] || "");
            }
            if (value && value.type === "uri" && type === "sort" && labels[value.value]) {
              return labels[value.value] + " " + value.value;
            }
            return render(value, type, row, meta);
          };
        });
        return columns;
      }
    }
    Yasr.registerPlugin("table", LabelledTable);
    var Response = Yasr.plugins.response;
    class OurResponse extends Response {
      constructor(yasr) { super(yasr); this.label = T.response; this.helpReference = undefined; }
    }
    Yasr.registerPlugin("response", OurResponse);
    if (window.ruhrgraphViews) {  // chart and map (static/editor-views.js)
      window.ruhrgraphViews(Yasr, { text: T, labels: labels, shortIri: shortIri, href: hrefOf,
                                    ready: withLabels });
    }

    // --- completion from our index -----------------------------------------------------
    var shown = {};  // completion text -> [label, kind] of the last list offered
    function ownPrefixes(yasqe) { return yasqe.getPrefixesFromQuery() || {}; }

    function written(yasqe, iri) {
      return shortIri(iri, ownPrefixes(yasqe)) || "<" + iri + ">";
    }

    function rank(entry, typed, ns, rest) {
      var t = rest.toLowerCase();
      if (ns !== null && entry.iri.indexOf(ns) !== 0) return 0;
      var local = entry.iri.slice(Math.max(entry.iri.lastIndexOf("#"), entry.iri.lastIndexOf("/")) + 1);
      if (ns === null && typed[0] === "<") return entry.iri.indexOf(typed.slice(1)) === 0 ? 1 : 0;
      if (!t) return 2;
      if (local.toLowerCase().indexOf(t) === 0) return 1;
      var words = (entry.keys || []).concat(Object.keys(entry.labels).map(function (l) {
        return entry.labels[l];
      }));
      var best = 0;
      words.forEach(function (w) {
        var lw = w.toLowerCase(), at = lw.indexOf(t);
        if (at === 0) best = best && best < 2 ? best : 2;
        else if (at > 0 && /[\s\-–:(]/.test(lw[at - 1])) best = best || 3;
        else if (at > 0) best = best || 4;
      });
      return best;
    }

    function complete(list, yasqe, typed, kinds) {
      var colon = typed.indexOf(":"), ns = null, rest = typed;
      if (colon > 0 && typed[0] !== "<") {
        var p = typed.slice(0, colon), own = ownPrefixes(yasqe);
        ns = own[p] || (prefixes.filter(function (x) { return x[0] === p; })[0] || [])[1] || null;
        if (ns === null) return [];
        rest = typed.slice(colon + 1);
      }
      var found = [];
      list.forEach(function (e) {
        var r = rank(e, typed, ns, rest);
        if (r) found.push([r, e]);
      });
      found.sort(function (a, b) {
        return a[0] - b[0] || (a[1].label || a[1].iri).toLowerCase()
          .localeCompare((b[1].label || b[1].iri).toLowerCase());
      });
      return found.slice(0, 100).map(function (x) {
        var text = written(yasqe, x[1].iri);
        shown[text] = [x[1].label || "", T[x[1].kind || kinds] || ""];
        return text;
      });
    }

    function decorate(yasqe, hints) {
      hints.forEach(function (hint) {
        var meta = shown[hint.text] || ["", ""];
        hint.render = function (el) {
          var code = document.createElement("span");
          code.className = "hint-iri";
          code.textContent = hint.text;
          el.appendChild(code);
          if (meta[0]) {
            var label = document.createElement("span");
            label.className = "hint-label";
            label.textContent = meta[0];
            el.appendChild(label);
          }
          if (meta[1]) {
            var kind = document.createElement("span");
            kind.className = "hint-kind";
            kind.textContent = meta[1];
            el.appendChild(kind);
          }
        };
      });
      return hints;
    }

    function typedToken(yasqe) {
      var token = yasqe.getCompleteToken();
      return token && token.string ? token.string.trim() : "";
    }

    var builtIn = Yasqe.Autocompleters;
    var isProperty = builtIn.property.isValidCompletionPosition;
    var isClass = builtIn["class"].isValidCompletionPosition;
    Yasqe.registerAutocompleter(Object.assign({}, builtIn.prefixes, {
      persistenceId: "ruhrgraph-prefixes-" + data.build,
      get: function () {
        return index.then(function (idx) {
          return Object.keys(idx.prefixes).sort().map(function (p) {
            return p + ": <" + idx.prefixes[p] + ">";
          });
        });
      }
    }));
    function ours(name, listName, valid) {
      return {
        name: name, bulk: false, autoShow: true,
        isValidCompletionPosition: valid,
        get: function (yasqe) {
          var typed = typedToken(yasqe);
          return index.then(function (idx) { return complete(idx[listName], yasqe, typed, name); });
        },
        postprocessHints: decorate
      };
    }
    // A word of two or more characters where a term may stand (not a variable, literal, IRI
    // or number; a project code like 05-02 counts): its IRI from the entity names.
    function entityPosition(yasqe) {
      var token = yasqe.getCompleteToken(), typed = typedToken(yasqe);
      var expected = (token.state && token.state.possibleCurrent) || [];
      if (typed.length < 2 || /^[?$"'<@^_]/.test(typed)) return false;
      if (/^[0-9]/.test(typed) && !/^[0-9]{2}-[0-9]/.test(typed)) return false;
      return expected.indexOf("PNAME_LN") >= 0 || expected.indexOf("IRI_REF") >= 0;
    }
    Yasqe.registerAutocompleter(ours("property", "properties", function (yasqe) {
      return isProperty(yasqe) && !/^[?$]/.test(typedToken(yasqe));
    }));
    Yasqe.registerAutocompleter(ours("class", "classes", function (yasqe) {
      return isClass(yasqe);
    }));
    Yasqe.registerAutocompleter(ours("entity", "entities", function (yasqe) {
      return entityPosition(yasqe) && !isProperty(yasqe) && !isClass(yasqe) &&
        !/^(PREFIX|BASE)$/i.test(yasqe.getPreviousNonWsToken(yasqe.getDoc().getCursor().line,
          yasqe.getCompleteToken()).string || "");
    }));

    // The table's column resizer (column-resizer, MIT) writes its fixed rules into a <style>
    // element, which the page's Content-Security-Policy (style-src 'self') refuses: the same
    // rules are in sparql.css, and its <style> elements are not added to the head.
    var head = document.head, append = head.appendChild;
    head.appendChild = function (node) {
      if (node && node.tagName === "STYLE" && "gripid" in node) return node;
      return append.call(head, node);
    };

    // --- the editor ------------------------------------------------------------------------
    var yasgui = new window.Yasgui(host, {
      requestConfig: {
        endpoint: endpoint, method: "POST",
        acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
        acceptHeaderGraph: "text/turtle,*/*;q=0.9"
      },
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      copyEndpointOnNewTab: true,
      tabName: T.query,
      persistenceId: "ruhrgraph-editor",
      populateFromUrl: function (fromUrl) {
        fromUrl.requestConfig.endpoint = endpoint;  // a link never points the editor elsewhere
        fromUrl.requestConfig.args = [];
        fromUrl.requestConfig.headers = {};
        return fromUrl;
      },
      yasqe: {
        value: data.starter,
        autocompleters: ["variables", "prefixes", "property", "class", "entity"],
        editorHeight: "18rem",
        lineWrapping: true,  // long lines wrap: no sideways scrolling on a phone
        createShortLink: undefined
      },
      yasr: { defaultPlugin: "table", pluginOrder: ["table", "chart", "map", "response"],
              prefixes: {} }
    });
    // The query a permalink brought is in a tab now: the address shows the page again.
    if (/[?&]query=/.test(location.search)) {
      var keep = new URLSearchParams(location.search);
      ["query", "outputFormat", "outputSettings", "tabTitle"].forEach(function (k) { keep["delete"](k); });
      history.replaceState(null, "", "/sparql" + (keep.toString() ? "?" + keep : ""));
    }
    document.getElementById("query-form").hidden = true;
    var actions = document.getElementById("editor-actions");
    actions.hidden = false;
    host.after(actions);

    // --- examples, downloads, permalink ------------------------------------------------------
    function commented(ex) {
      var lines = ["# " + ex.title];
      if (ex.description) lines.push("# " + ex.description);
      return lines.join("\n") + "\n" + ex.query;
    }
    Array.prototype.forEach.call(document.querySelectorAll("a.example"), function (a) {
      a.addEventListener("click", function (e) {
        var ex = examples[parseInt(a.getAttribute("data-index"), 10)];
        if (!ex) return;
        e.preventDefault();
        var tab = yasgui.addTab(true, { name: ex.title, yasqe: { value: commented(ex) } });
        tab.query().catch(function () {});
      });
    });

    function queryKind(text) {
      var body = text.replace(/#[^\n]*/g, "").replace(/<[^>\s]*>/g, "<>");
      var m = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(body);
      return m && /^(CONSTRUCT|DESCRIBE)$/i.test(m[1]) ? "graph" : "results";
    }
    var formatSel = document.getElementById("editor-format");
    var download = document.getElementById("download");
    var permalink = document.getElementById("permalink");
    function refresh() {
      var tab = yasgui.getTab();
      if (!tab) return;
      var query = tab.getQuery(), kind = queryKind(query);
      Array.prototype.forEach.call(formatSel.options, function (o) {
        o.hidden = o.getAttribute("data-kind") !== kind;
      });
      var chosen = formatSel.selectedOptions[0];
      if (!chosen || chosen.hidden) formatSel.value = data.formats[kind][0].name;
      var fmt = data.formats[kind].filter(function (f) { return f.name === formatSel.value; })[0];
      download.href = "/sparql?" + new URLSearchParams({ query: query, format: formatSel.value });
      download.setAttribute("download", "query." + (fmt ? fmt.ext : formatSel.value));
      var view = tab.getPersistedJson().yasr.settings.selectedPlugin || "table";
      permalink.href = "/sparql?" + new URLSearchParams({ query: query, outputFormat: view });
    }
    // What YASGUI leaves unnamed gets a name; its "+" sits inside the tab list, where only
    // tabs may be, so it is hidden from assistive technology and our "New tab" button stands in.
    function accessible() {
      Array.prototype.forEach.call(host.querySelectorAll(".CodeMirror textarea"), function (t) {
        t.setAttribute("aria-label", T.editor);
      });
      // A long query scrolls inside the editor: its scroller can be reached by the keyboard.
      Array.prototype.forEach.call(host.querySelectorAll(".CodeMirror-scroll"), function (s) {
        s.setAttribute("tabindex", "0");
      });
      Array.prototype.forEach.call(host.querySelectorAll("select.tableSizer"), function (s) {
        s.setAttribute("aria-label", T.pageSize);
      });
      Array.prototype.forEach.call(host.querySelectorAll(".tabsList button.addTab"), function (b) {
        b.setAttribute("tabindex", "-1");
        b.parentNode.setAttribute("aria-hidden", "true");
      });
    }
    document.getElementById("new-tab").addEventListener("click", function () {
      yasgui.addTab(true);
    });
    ["tabChange", "tabSelect", "queryResponse", "tabClose", "tabAdd"].forEach(function (event) {
      yasgui.on(event, function () { setTimeout(function () { refresh(); accessible(); }, 0); });
    });
    accessible();
    formatSel.addEventListener("change", refresh);
    [download, permalink].forEach(function (a) { a.addEventListener("mousedown", refresh); });
    refresh();
  });
})();
