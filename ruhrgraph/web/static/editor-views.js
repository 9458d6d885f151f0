/* ruhrgraph query page: two result views for YASR that need nothing from another host,
   drawn as SVG in the page. "chart": a bar for each row, the last numeric column (a count,
   mostly) against the first other one. "map": the rows' points (a WKT POINT, or latitude and longitude
   columns) on a plain projection of their own extent; no tiles, no outlines.
   static/editor.js registers them: window.ruhrgraphViews(Yasr, helpers). */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|unsignedInt)$/;
  var POINT = /^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*(-?[\d.]+(?:[eE]-?\d+)?)\s+(-?[\d.]+(?:[eE]-?\d+)?)\s*\)\s*$/i;
  var MAX_BARS = 100, MAX_POINTS = 2000;

  function svgEl(name, attrs, text) {
    var e = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function icon(path) {
    var s = svgEl("svg", { viewBox: "0 0 16 16", "aria-hidden": "true", width: "16", height: "16" });
    s.appendChild(svgEl("path", { d: path, fill: "currentColor" }));
    var wrap = document.createElement("div");
    wrap.className = "svgImg plugin_icon";
    wrap.appendChild(s);
    return wrap;
  }

  function bindings(yasr) {
    return (yasr.results && yasr.results.getBindings && yasr.results.getBindings()) || [];
  }

  function variables(yasr) {
    return (yasr.results && yasr.results.getVariables && yasr.results.getVariables()) || [];
  }

  function isNumber(term) {
    return term && term.type !== "uri" && term.type !== "bnode" &&
      (NUMERIC.test(term.datatype || "") || (!term.datatype && /^-?\d+(\.\d+)?$/.test(term.value)));
  }

  function numericVar(yasr) {
    var rows = bindings(yasr);
    return variables(yasr).filter(function (v) {
      return rows.length && rows.every(function (r) { return !r[v] || isNumber(r[v]); }) &&
        rows.some(function (r) { return r[v]; });
    }).pop();
  }

  window.ruhrgraphViews = function (Yasr, helpers) {
    var T = helpers.text;

    function labelOf(term) {
      if (!term) return "";
      if (term.type === "uri") return helpers.labels[term.value] || helpers.shortIri(term.value) || term.value;
      return term.value;
    }

    function linked(term, child) {
      var href = term && term.type === "uri" ? helpers.href(term.value) : null;
      if (!href) return child;
      var a = svgEl("a", { href: href });
      a.appendChild(child);
      return a;
    }

    // A YASR plugin: its label and place among the views, icon, test, and the drawing, which
    // waits for the labels of the rows' IRIs.
    function view(label, priority, iconPath, canHandle, drawNow) {
      function View(yasr) { this.yasr = yasr; this.label = label; this.priority = priority; }
      View.prototype.getIcon = function () { return icon(iconPath); };
      View.prototype.canHandleResults = function () { return canHandle(this.yasr); };
      View.prototype.draw = function () {
        var self = this;
        return helpers.ready(this.yasr).then(function () { drawNow.call(self); });
      };
      return View;
    }

    function chartable(yasr) {
      var rows = bindings(yasr);
      return rows.length > 0 && rows.length <= MAX_BARS && !!numericVar(yasr) &&
        variables(yasr).length > 1;
    }

    function drawChart() {
      var yasr = this.yasr, value = numericVar(yasr);
      var name = variables(yasr).filter(function (v) { return v !== value; })[0];
      var rows = bindings(yasr);
      var top = Math.max.apply(null, rows.map(function (r) { return r[value] ? +r[value].value : 0; }).concat([0]));
      var lineHeight = 22, left = 300, width = 860;
      var svg = svgEl("svg", { viewBox: "0 0 " + width + " " + (rows.length * lineHeight + 30),
                              "class": "rg-chart", role: "group", "aria-label": T.chart });
      svg.appendChild(svgEl("text", { x: left, y: 14, "class": "axis" }, value + " (max " + top + ")"));
      rows.forEach(function (r, i) {
        var y = 22 + i * lineHeight, n = r[value] ? +r[value].value : 0;
        var text = labelOf(r[name]);
        var label = svgEl("text", { x: left - 8, y: y + 14, "text-anchor": "end", "class": "name" },
                          text.length > 42 ? text.slice(0, 41) + "…" : text);
        label.appendChild(svgEl("title", {}, text));
        svg.appendChild(linked(r[name], label));
        var w = top > 0 ? Math.max(1, (width - left - 70) * n / top) : 1;
        var bar = svgEl("rect", { x: left, y: y + 3, width: w.toFixed(1), height: lineHeight - 6, "class": "bar" });
        bar.appendChild(svgEl("title", {}, text + ": " + n));
        svg.appendChild(bar);
        svg.appendChild(svgEl("text", { x: (left + w + 6).toFixed(1), y: y + 15, "class": "value" }, String(n)));
      });
      var box = document.createElement("div");
      box.className = "rg-view";
      box.appendChild(svg);
      yasr.resultsEl.appendChild(box);
    }

    function points(yasr) {
      var vars = variables(yasr), rows = bindings(yasr), found = [];
      var lat = vars.filter(function (v) { return /^(lat|latitude)$/i.test(v); })[0];
      var lon = vars.filter(function (v) { return /^(lon|lng|long|longitude)$/i.test(v); })[0];
      var wkt = vars.filter(function (v) {
        return rows.some(function (r) { return r[v] && r[v].type !== "uri" && POINT.test(r[v].value); });
      })[0];
      var name = vars.filter(function (v) { return v !== lat && v !== lon && v !== wkt; })[0];
      rows.forEach(function (r) {
        var x, y, m;
        if (wkt && r[wkt] && (m = POINT.exec(r[wkt].value))) { x = +m[1]; y = +m[2]; }
        else if (lat && lon && r[lat] && r[lon]) { x = +r[lon].value; y = +r[lat].value; }
        if (isFinite(x) && isFinite(y) && Math.abs(y) <= 90 && Math.abs(x) <= 180) {
          found.push({ lon: x, lat: y, term: name ? r[name] : null });
        }
      });
      return found;
    }

    function mappable(yasr) {
      var n = points(yasr).length;
      return n > 0 && n <= MAX_POINTS;
    }

    function drawMap() {
      var found = points(this.yasr);
      var lats = found.map(function (p) { return p.lat; }), lons = found.map(function (p) { return p.lon; });
      var minLat = Math.min.apply(null, lats), maxLat = Math.max.apply(null, lats);
      var minLon = Math.min.apply(null, lons), maxLon = Math.max.apply(null, lons);
      var k = Math.cos((minLat + maxLat) / 2 * Math.PI / 180);
      var spanX = Math.max((maxLon - minLon) * k, 0.01), spanY = Math.max(maxLat - minLat, 0.01);
      var width = 860, pad = 40, right = 140;  // room for the names right of the points
      var scale = Math.min((width - pad - right) / spanX, 520 / spanY);
      var height = spanY * scale + 2 * pad;
      var svg = svgEl("svg", { viewBox: "0 0 " + width + " " + height.toFixed(0), "class": "rg-map",
                              role: "group", "aria-label": T.map });
      found.forEach(function (p) {
        var x = pad + (p.lon - minLon) * k * scale, y = pad + (maxLat - p.lat) * scale;
        var name = labelOf(p.term);
        var g = svgEl("g", {});
        var dot = svgEl("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 5, "class": "point" });
        dot.appendChild(svgEl("title", {}, name + " (" + p.lat + ", " + p.lon + ")"));
        g.appendChild(dot);
        if (found.length <= 80 && name) {
          g.appendChild(svgEl("text", { x: (x + 8).toFixed(1), y: (y + 4).toFixed(1), "class": "name" }, name));
        }
        svg.appendChild(linked(p.term, g));
      });
      var box = document.createElement("div");
      box.className = "rg-view";
      box.appendChild(svg);
      var note = document.createElement("p");
      note.className = "hint";
      note.textContent = T.mapNote;
      box.appendChild(note);
      this.yasr.resultsEl.appendChild(box);
    }

    Yasr.registerPlugin("chart", view(T.chart, 5, "M1 14h14v1H1zM2 8h3v5H2zm4-5h3v10H6zm4 3h3v7h-3z",
                                      chartable, drawChart));
    Yasr.registerPlugin("map", view(T.map, 4, "M8 0a5 5 0 0 0-5 5c0 4 5 11 5 11s5-7 5-11a5 5 0 " +
                                    "0 0-5-5zm0 7a2 2 0 1 1 0-4 2 2 0 0 1 0 4z", mappable, drawMap));
  };
})();
