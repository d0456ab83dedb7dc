/* crimegraph maps: pieces every map page shares (the network map and the geographic map).
 *
 * window.crimegraphCommon: DOM helpers, the time rule of the year slider, the
 * search index and the evidence list. Data reaches the document only through
 * textContent, DOM node creation and attribute setters; never innerHTML.
 */
(function () {
  "use strict";

  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] == null) continue;
        if (k === "text") e.textContent = String(attrs[k]);
        else if (k === "class") e.className = attrs[k];
        else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), attrs[k]);
        else e.setAttribute(k, String(attrs[k]));
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x != null) e.append(x); });
      else e.append(c); // strings become text nodes
    }
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  function fmt(n) { return Number(n).toLocaleString("en-US"); }
  function plural(n, one, many) { return fmt(n) + " " + (n === 1 ? one : (many || one + "s")); }
  function norm(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }
  function safeUrl(u) {
    return typeof u === "string" && /^https?:\/\/[^\s]+$/i.test(u) ? u : null;
  }
  function periodText(e) {
    if (e.since && e.until) return e.since + "–" + e.until;
    if (e.since) return "since " + e.since;
    if (e.until) return "until " + e.until;
    return "";
  }
  function confText(data, code) {
    if (!code) return "";
    var r = data.confidence.reliability[code[0]];
    var c = data.confidence.credibility[code.slice(1)];
    return r && c ? r + " source; " + c : "";
  }

  // The as-of rule of schema/timing.py for the year slider, on the window each entity or
  // relation record carries (render.py _window): tf and tu the first and last day an
  // as-of answer shows it, tv 1 when its period, lifetime or event date covers the day,
  // 0 when only its sources' dates do. A year means its last day, as --as-of does.
  // Returns 2 (valid), 1 (reported: undated, already reported) or 0 (not shown: not yet
  // known, ended, or undated); every record counts as valid when y is null (all years).
  var VALID = 2, REPORTED = 1, HIDDEN = 0;
  function stateInYear(rec, y) {
    if (y === null || y === undefined) return VALID;
    if (rec.tf == null) return HIDDEN;
    var day = ("000" + y).slice(-4) + "-12-31";
    if (day < rec.tf) return HIDDEN;
    if (rec.tu != null && day > rec.tu) return HIDDEN;
    return rec.tv ? VALID : REPORTED;
  }
  function edgeInYear(e, y) { return stateInYear(e, y) !== HIDDEN; }

  // Search: an index of names, ids and aliases; hits ranked exact, prefix, inside, then by weight.
  function searchIndex(nodes) {
    var index = [];
    nodes.forEach(function (n, i) {
      index.push([norm(n.name), i, null]);
      if (n.id) index.push([norm(n.id), i, null]);
      (n.aliases || []).forEach(function (a) { index.push([norm(a[0]), i, a[0]]); });
    });
    return index;
  }
  function search(index, q, weight, limit) {
    q = norm(q);
    if (!q) return [];
    var exact = [], prefix = [], inside = [], seen = new Set();
    for (var k = 0; k < index.length; k++) {
      var t = index[k][0];
      var bucket = t === q ? exact : t.indexOf(q) === 0 ? prefix : t.indexOf(q) > 0 ? inside : null;
      if (bucket) bucket.push(index[k]);
    }
    var out = [];
    [exact, prefix, inside].forEach(function (b) {
      b.sort(function (x, y) { return weight(y[1]) - weight(x[1]); });
      b.forEach(function (h) { if (!seen.has(h[1]) && out.length < (limit || 12)) { seen.add(h[1]); out.push(h); } });
    });
    return out;
  }

  // The evidence: a list of citations with their sources' titles, reliability, quotes and links.
  function sourceList(data, cites) {
    if (!cites || !cites.length) return el("p", { class: "cg-note", text: "No citation." });
    return el("ol", { class: "cg-sources" }, cites.map(function (c) {
      var s = data.sources[c.s] || { title: "unknown source" };
      var meta = [];
      if (s.publisher) meta.push(s.publisher);
      if (s.date) meta.push(s.date);
      if (c.p) meta.push("p. " + c.p);
      var li = el("li", null, el("strong", { text: s.title }));
      if (meta.length) li.append(el("div", { class: "cg-src-meta", text: meta.join(" · ") }));
      if (s.reliability) {
        li.append(el("div", { class: "cg-src-meta" }, "Source reliability ",
          el("span", { class: "cg-grade", text: s.reliability }), ": " + (data.confidence.reliability[s.reliability] || "")));
      }
      if (c.q) li.append(el("blockquote", { text: "“" + c.q + "”" }));
      var url = safeUrl(s.url);
      if (url) li.append(el("div", { class: "cg-src-meta" },
        el("a", { href: url, target: "_blank", rel: "noopener noreferrer nofollow", text: url })));
      if (s.missing) li.append(el("div", { class: "cg-src-meta", text: "(source record not in this map's data: " + s.id + ")" }));
      return li;
    }));
  }

  window.crimegraphCommon = {
    el: el, clear: clear, fmt: fmt, plural: plural, norm: norm, safeUrl: safeUrl,
    periodText: periodText, confText: confText, edgeInYear: edgeInYear, stateInYear: stateInYear,
    VALID: VALID, REPORTED: REPORTED, HIDDEN: HIDDEN,
    searchIndex: searchIndex, search: search, sourceList: sourceList
  };
})();
