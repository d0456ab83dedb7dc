/* crimegraph geographic map: places on an offline Natural Earth basemap (Leaflet), the
 * actors present in them, routes between them, the evidence panel, search and the year slider.
 *
 * Safety rule for this file: data is written into the document only through textContent,
 * DOM node creation and attribute setters; never innerHTML. Leaflet tooltips get DOM nodes.
 */
(function () {
  "use strict";

  var T = { start: performance.now() };
  var CG = window.crimegraphCommon;
  var el = CG.el, clear = CG.clear, fmt = CG.fmt, plural = CG.plural;
  var DATA = JSON.parse(document.getElementById("cg-data").textContent);
  var BASEMAP = JSON.parse(document.getElementById("cg-basemap").textContent);
  var META = DATA.meta, NODES = DATA.nodes, EDGES = DATA.edges;
  var N = NODES.length, M = EDGES.length;
  var RTYPES = {};
  DATA.legend.relations.forEach(function (r) { RTYPES[r.id] = r; });
  var KINDS = {};
  DATA.legend.kinds.forEach(function (k) { KINDS[k.id] = k; });
  T.parsed = performance.now();

  function typeLabel(t) { return DATA.typeLabels[t] || t; }
  function relLabel(t) { return RTYPES[t] ? RTYPES[t].label : t; }
  var PLACE_COLOR = (KINDS.place || {}).color || "#4daf4a";
  var ROUTE_COLOR = (RTYPES.traffics_to || {}).color || "#fdae61";

  var incident = [];
  for (var i = 0; i < N; i++) incident.push([]);
  EDGES.forEach(function (e, j) { incident[e.from].push(j); if (e.to !== e.from) incident[e.to].push(j); });
  var placed = [];
  for (var p = 0; p < N; p++) if (NODES[p].coords) placed.push(p);

  // ------------------------------------------------------------------ the map
  var container = document.getElementById("cg-network");
  // no fade: a label removed at a redraw goes at once (a fading one would linger over the new ones)
  var map = L.map(container, { preferCanvas: true, zoomSnap: 0.25, worldCopyJump: false, fadeAnimation: false,
                               minZoom: 1, maxZoom: 12, attributionControl: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth · Leaflet");
  var canvas = L.canvas({ padding: 0.3 });
  var basemapLayer = L.geoJSON(BASEMAP, {
    renderer: canvas, interactive: false,
    style: function (f) {
      var layer = f.properties.layer;
      if (layer === "lake") return { color: "#7aa6c2", weight: 0.6, fillColor: "#bcd5e6", fillOpacity: 1 };
      if (layer === "region") return { color: "#9a9a9a", weight: 0.7, dashArray: "3 3", fill: false };
      return { color: "#8c8c8c", weight: 0.9, fillColor: f.properties.id === "PER" ? "#fbf6e9" : "#f2efe8", fillOpacity: 1 };
    }
  }).addTo(map);
  // draw order: countries, then lakes and regions above them
  basemapLayer.eachLayer(function (l) { if (l.feature.properties.layer !== "country") l.bringToFront(); });

  var ringLayer = L.layerGroup().addTo(map);
  // a --near map: the circle searched
  var NEAR = META.near ? L.circle(L.latLng(META.near[0], META.near[1]), {
    radius: META.near[2] * 1000, renderer: canvas, interactive: false, color: "#c0392b", weight: 1.5,
    dashArray: "8 5", fill: false }) : null;  // added once the map has a view
  var routeLayer = L.layerGroup().addTo(map);
  var legLayer = L.layerGroup().addTo(map);    // lines from a shared point to its ring of markers
  var markerLayer = L.layerGroup().addTo(map);

  // ------------------------------------------------------------------ filters and time
  var year = null;
  var hiddenTypes = new Set();
  var hiddenKinds = new Set();
  // the year's state of a record (common.js, the network map's rule): CG.VALID (drawn solid),
  // CG.REPORTED (undated, already reported by then: drawn faded and dashed) or CG.HIDDEN
  function stateOf(rec) { return CG.stateInYear(rec, year); }
  function edgeOn(e) {
    return stateOf(e) !== CG.HIDDEN && !hiddenTypes.has(e.type);
  }
  function actorsAt(i) {
    var out = [];
    incident[i].forEach(function (j) {
      var e = EDGES[j];
      if (e.type === "operates_in" && e.to === i && edgeOn(e)) out.push(j);
    });
    return out;
  }

  var markers = {};   // node index -> circle marker
  var rings = {};
  var routes = [];    // [edge index, layers]
  function markerRadius(n) { return 4 + 3 * Math.sqrt(n); }
  // rings for areas up to this size: a country's or a continent's would cover the map
  var RING_MAX_KM = 600;

  function tooltipFor(i, present) {
    var n = NODES[i];
    return el("div", null, el("strong", { text: n.name }),
      el("div", { text: typeLabel(n.type) + (present ? " · " + plural(present, "actor") + " present" : "") }));
  }

  placed.forEach(function (i) {
    var n = NODES[i];
    var ll = L.latLng(n.coords[0], n.coords[1]);
    if (n.km && n.km <= RING_MAX_KM) {
      rings[i] = L.circle(ll, { radius: n.km * 1000, renderer: canvas, interactive: false, color: "#555",
                                weight: 1, dashArray: "4 4", fill: true, fillOpacity: 0.04 });
    }
    var m = L.circleMarker(ll, { renderer: canvas, radius: 4, color: "#333", weight: 1.2,
                                 fillColor: PLACE_COLOR, fillOpacity: 0.9 });
    m.on("click", function () { select(i); });
    markers[i] = m;
  });

  function arrowHead(a, b) {
    // a small triangle at b, pointing from a to b, in screen space
    var pa = map.latLngToLayerPoint(a), pb = map.latLngToLayerPoint(b);
    var dx = pb.x - pa.x, dy = pb.y - pa.y, len = Math.sqrt(dx * dx + dy * dy) || 1;
    var ux = dx / len, uy = dy / len, s = 9;
    var tip = L.point(pb.x - ux * 6, pb.y - uy * 6);
    var left = L.point(tip.x - ux * s - uy * s * 0.55, tip.y - uy * s + ux * s * 0.55);
    var right = L.point(tip.x - ux * s + uy * s * 0.55, tip.y - uy * s - ux * s * 0.55);
    return [map.layerPointToLatLng(tip), map.layerPointToLatLng(left), map.layerPointToLatLng(right)];
  }
  EDGES.forEach(function (e, j) {
    if (e.type !== "traffics_to") return;
    var a = NODES[e.from], b = NODES[e.to];
    if (!a.coords || !b.coords || e.from === e.to) return;
    routes.push([j, null]);
  });
  function drawRoutes() {
    routeLayer.clearLayers();
    routes.forEach(function (r) {
      var e = EDGES[r[0]];
      r[1] = null;
      if (!edgeOn(e) || hiddenKinds.has("route")) return;
      var a = L.latLng(NODES[e.from].coords), b = L.latLng(NODES[e.to].coords);
      var reported = stateOf(e) === CG.REPORTED;
      var line = L.polyline([a, b], { renderer: canvas, color: ROUTE_COLOR, weight: 2.5,
                                      opacity: reported ? 0.45 : 0.9, dashArray: reported ? "6 5" : null });
      var head = L.polygon(arrowHead(a, b), { renderer: canvas, color: ROUTE_COLOR, weight: 1,
                                             opacity: reported ? 0.45 : 1,
                                             fillColor: ROUTE_COLOR, fillOpacity: reported ? 0.45 : 1 });
      line.on("click", function () { selectEdge(r[0]); });
      head.on("click", function () { selectEdge(r[0]); });
      line.bindTooltip(el("span", { text: NODES[e.from].name + " → " + NODES[e.to].name }), { sticky: true });
      routeLayer.addLayer(line);
      routeLayer.addLayer(head);
      r[1] = line;
    });
  }

  var shown = new Uint8Array(N);
  // the places that carry their name: the focus, and the LABEL_TOP busiest shown places (actors
  // present count double, then relations shown), leaving out countries and continents (areas
  // wider than RING_MAX_KM), which the basemap names by its borders
  var LABEL_TOP = 12;
  // places that share a point (a valley and the villages the gazetteer puts at its centre, a
  // port and its city) are drawn on a small ring around it, each clickable, with a thin line
  // to the true point; the ring is in screen pixels, so it is laid out again at each zoom
  var GAP = 2;
  var LABEL_OFFSET = { right: [6, 0], left: [-6, 0], top: [0, -6], bottom: [0, 6] };
  function spread(group) {
    var k = group.length, maxR = 0;
    group.forEach(function (g) { maxR = Math.max(maxR, g.r); });
    var ring = (2 * maxR + GAP) / (2 * Math.sin(Math.PI / k));
    var c = map.latLngToLayerPoint(L.latLng(NODES[group[0].i].coords));
    group.forEach(function (g, j) {
      var a = -Math.PI / 2 + 2 * Math.PI * j / k;
      g.at = map.layerPointToLatLng(L.point(c.x + ring * Math.cos(a), c.y + ring * Math.sin(a)));
      // its name on the side away from the shared point
      g.side = Math.cos(a) > 0.3 ? "right" : Math.cos(a) < -0.3 ? "left" : Math.sin(a) < 0 ? "top" : "bottom";
    });
  }
  var presence = new Uint8Array(N);  // the year's state of a place's presences (CG.VALID, REPORTED)
  function applyFilters() {
    markerLayer.clearLayers();
    legLayer.clearLayers();
    ringLayer.clearLayers();
    drawRoutes();  // first: the markers are drawn above the routes
    var drawn = 0, groups = {}, order = [];
    placed.forEach(function (i) {
      var n = NODES[i];
      var here = actorsAt(i);
      // with a year chosen, a place stays if one of its relations is shown that year; one
      // without any relation, by its own window (as on the network map)
      var linked = incident[i].length ? incident[i].some(function (j) { return edgeOn(EDGES[j]); })
                                      : stateOf(n) !== CG.HIDDEN;
      var on = !hiddenKinds.has("place") && (year === null || linked || !!n.focus);
      shown[i] = on ? 1 : 0;
      if (!on) return;
      var valid = here.some(function (j) { return stateOf(EDGES[j]) === CG.VALID; });
      presence[i] = here.length && !valid ? CG.REPORTED : CG.VALID;
      var key = n.coords[0] + "," + n.coords[1];
      var g = { i: i, r: markerRadius(here.length), present: here.length, at: null, side: null };
      (groups[key] = groups[key] || []).push(g);
      order.push(g);
    });
    Object.keys(groups).forEach(function (key) { if (groups[key].length > 1) spread(groups[key]); });
    order.forEach(function (g) {
      g.score = 2 * g.present + incident[g.i].filter(function (j) { return edgeOn(EDGES[j]); }).length;
    });
    function byRank(a, b) {
      return (NODES[b.i].focus ? 1 : 0) - (NODES[a.i].focus ? 1 : 0) || b.score - a.score ||
             (NODES[a.i].name < NODES[b.i].name ? -1 : NODES[a.i].name > NODES[b.i].name ? 1 : 0);
    }
    var busy = order.filter(function (g) { return !NODES[g.i].km || NODES[g.i].km <= RING_MAX_KM; });
    busy.sort(byRank);
    busy.slice(0, LABEL_TOP).forEach(function (g) { if (g.score > 0) g.label = true; });
    order.forEach(function (g) {
      var i = g.i, n = NODES[i], m = markers[i];
      var ll = L.latLng(n.coords[0], n.coords[1]);
      if (g.at) {
        legLayer.addLayer(L.polyline([ll, g.at], { renderer: canvas, interactive: false,
                                                     color: "#333", weight: 1, opacity: 0.7 }));
      }
      m.setLatLng(g.at || ll);
      m.setRadius(g.r);
      var reported = presence[i] === CG.REPORTED;
      m.setStyle({ dashArray: reported ? "3 3" : null, fillOpacity: reported ? 0.45 : 0.9 });
      m.unbindTooltip();
      var label = g.label || n.focus;
      var side = g.side || "right";
      m.bindTooltip(label ? el("span", { text: n.name }) : tooltipFor(i, g.present),
                    label ? { permanent: true, direction: side, className: "cg-geo-label", offset: LABEL_OFFSET[side] }
                          : { direction: "top" });
      g.label = !!label;
      markerLayer.addLayer(m);
      if (rings[i] && !hiddenKinds.has("extent")) ringLayer.addLayer(rings[i]);
      drawn++;
    });
    unclutter(order.filter(function (g) { return g.label; }).sort(byRank));
    updateCounts(drawn);
  }
  // labels never overlap: in rank order, a name that would overlap one already kept is
  // shown on hover instead (zooming in lays them out again, and more of them fit)
  function unclutter(labelled) {
    var kept = [];
    labelled.forEach(function (g) {
      var m = markers[g.i], t = m.getTooltip(), box = t && t.getElement && t.getElement();
      if (!box) return;
      var r = box.getBoundingClientRect();
      var clash = kept.some(function (k) {
        return r.left < k.right && k.left < r.right && r.top < k.bottom && k.top < r.bottom;
      });
      if (!clash) { kept.push(r); return; }
      m.unbindTooltip();
      m.bindTooltip(tooltipFor(g.i, g.present), { direction: "top" });
      g.label = false;
    });
  }
  map.on("zoomend", applyFilters);

  // ------------------------------------------------------------------ legend
  function legendRow(swatch, text, count, key, set) {
    var box = el("input", { type: "checkbox" });
    box.checked = true;
    var row = el("label", null, box, swatch, el("span", { text: text }), el("span", { class: "cg-count", text: count == null ? "" : fmt(count) }));
    box.addEventListener("change", function () {
      if (box.checked) set.delete(key); else set.add(key);
      row.classList.toggle("cg-off", !box.checked);
      applyFilters();
    });
    return row;
  }
  (function buildLegend() {
    var kinds = document.getElementById("cg-legend-kinds");
    kinds.appendChild(el("h3", { text: "On the map" }));
    var dot = el("span", { class: "cg-legend-dot", style: "background:" + PLACE_COLOR });
    kinds.appendChild(legendRow(dot, "place (size: actors present)", placed.length, "place", hiddenKinds));
    kinds.appendChild(legendRow(el("span", { class: "cg-legend-ring" }), "extent of an area", Object.keys(rings).length, "extent", hiddenKinds));
    kinds.appendChild(legendRow(el("span", { class: "cg-legend-arrow", style: "border-top-color:" + ROUTE_COLOR }), "route (traffics to)", routes.length, "route", hiddenKinds));
    var rels = document.getElementById("cg-legend-relations");
    rels.appendChild(el("h3", { text: "Relations (in the panel)" }));
    DATA.legend.relations.forEach(function (r) {
      var sw = el("span", { class: "cg-swatch" + (r.dashes ? " cg-dashed" : ""), style: "border-top-color:" + r.color });
      rels.appendChild(legendRow(sw, r.label, r.count, r.id, hiddenTypes));
    });
    var note = [];
    if (META.unplaced && META.unplaced.length) note.push(plural(META.unplaced.length, "place") + " without coordinates not drawn.");
    note.push("Rings show an area's extent: its stated radius, or half its bounding box's diagonal.");
    document.getElementById("cg-legend-size").textContent = note.join(" ");
  })();

  // ------------------------------------------------------------------ panel
  var panel = document.getElementById("cg-panel-body");
  var backStack = [];
  function showPanel(builder, push) {
    if (push !== false && panel.firstChild) backStack.push(panel.__view);
    clear(panel);
    panel.__view = builder;
    if (backStack.length) {
      panel.appendChild(el("button", { type: "button", class: "cg-back", text: "← back",
        onclick: function () { var v = backStack.pop(); if (v) showPanel(v, false); } }));
    }
    builder(panel);
    panel.parentNode.scrollTop = 0;
  }
  function relationItem(j, from) {
    var e = EDGES[j];
    var r = RTYPES[e.type] || { label: e.type, color: "#888", symmetric: true, inverse: e.type };
    var other = e.from === from ? e.to : e.from;
    var phrase = r.symmetric || e.from === from ? r.label : r.inverse;
    var st = stateOf(e);
    var when = year === null ? null : st === CG.REPORTED ? "undated; reported by " + year
                                    : st === CG.HIDDEN ? "not yet known or ended in " + year : null;
    var meta = [CG.periodText(e), when, e.conf, plural(e.cites.length, "source")].filter(Boolean);
    var li = el("li", null, el("button", { type: "button", onclick: function () { selectEdge(j); } },
      el("span", { class: "cg-swatch", style: "border-top-color:" + r.color }),
      el("span", { class: "cg-rel-type", text: phrase + " " }),
      el("span", { text: NODES[other].name }),
      el("div", { class: "cg-rel-meta", text: meta.join(" · ") })));
    if (!edgeOn(e)) li.classList.add("cg-off");
    return li;
  }
  function placeView(i) {
    return function (p) {
      var n = NODES[i];
      p.appendChild(el("h2", { text: n.name }));
      p.appendChild(el("div", { class: "cg-kicker", text: typeLabel(n.type) + " · " + ((KINDS[n.kind] || {}).label || n.kind) }));
      if (n.desc) p.appendChild(el("p", { text: n.desc }));
      var dl = el("dl");
      dl.append(el("dt", { text: "id" }), el("dd", { text: n.id }));
      if (n.coords) dl.append(el("dt", { text: "coordinates" }), el("dd", { text: n.coords[0] + ", " + n.coords[1] }));
      if (n.km) dl.append(el("dt", { text: "extent" }), el("dd", { text: "about " + fmt(n.km) + " km around the point" }));
      if (n.bbox) dl.append(el("dt", { text: "bounding box" }), el("dd", { text: n.bbox.join(", ") + " (W, S, E, N)" }));
      if (n.ext) Object.keys(n.ext).forEach(function (k) { dl.append(el("dt", { text: k }), el("dd", { text: n.ext[k] })); });
      p.appendChild(dl);
      if (n.derived && n.derived.coordinates) {
        p.appendChild(el("h3", { text: "Where the coordinates come from" }));
        p.appendChild(el("p", { class: "cg-note cg-derived", text: n.derived.coordinates }));
      }
      var present = incident[i].filter(function (j) { return EDGES[j].type === "operates_in" && EDGES[j].to === i; });
      var other = incident[i].filter(function (j) { return present.indexOf(j) < 0; });
      p.appendChild(el("h3", { text: "Actors present (" + actorsAt(i).length + (year === null ? "" : " in " + year) + ")" }));
      p.appendChild(present.length ? el("ul", { class: "cg-rels" }, present.map(function (j) { return relationItem(j, i); }))
                                   : el("p", { class: "cg-note", text: "None in this map." }));
      if (other.length) {
        p.appendChild(el("h3", { text: "Other relations (" + other.length + ")" }));
        p.appendChild(el("ul", { class: "cg-rels" }, other.map(function (j) { return relationItem(j, i); })));
      }
      p.appendChild(el("h3", { text: "Sources for this place" }));
      p.appendChild(CG.sourceList(DATA, n.cites));
    };
  }
  function entityView(i) {
    return function (p) {
      var n = NODES[i];
      p.appendChild(el("h2", { text: n.name }));
      p.appendChild(el("div", { class: "cg-kicker", text: typeLabel(n.type) }));
      if (n.desc) p.appendChild(el("p", { text: n.desc }));
      var rels = incident[i];
      p.appendChild(el("h3", { text: "Relations in this map (" + rels.length + ")" }));
      p.appendChild(el("ul", { class: "cg-rels" }, rels.map(function (j) { return relationItem(j, i); })));
      p.appendChild(el("h3", { text: "Sources for this entity" }));
      p.appendChild(CG.sourceList(DATA, n.cites));
    };
  }
  function edgeView(j) {
    return function (p) {
      var e = EDGES[j];
      var r = RTYPES[e.type] || { label: e.type };
      p.appendChild(el("h2", { text: NODES[e.from].name + " — " + r.label + " → " + NODES[e.to].name }));
      if (r.description) p.appendChild(el("div", { class: "cg-kicker", text: r.description }));
      var dl = el("dl");
      dl.append(el("dt", { text: "period" }), el("dd", { text: CG.periodText(e) || "not stated" }));
      dl.append(el("dt", { text: "confidence" }), el("dd", null, el("span", { class: "cg-grade", text: e.conf }), " — " + CG.confText(DATA, e.conf)));
      dl.append(el("dt", { text: "relation" }), el("dd", { text: e.id }));
      p.appendChild(dl);
      if (e.notes) p.appendChild(el("p", { text: e.notes }));
      p.appendChild(el("h3", { text: "Evidence (" + plural(e.cites.length, "citation") + ")" }));
      p.appendChild(CG.sourceList(DATA, e.cites));
    };
  }
  function overview(p) {
    p.appendChild(el("h2", { text: META.title }));
    if (META.subtitle) p.appendChild(el("div", { class: "cg-kicker", text: META.subtitle }));
    var dl = el("dl");
    dl.append(el("dt", { text: "places drawn" }), el("dd", { text: fmt(META.placed) }));
    dl.append(el("dt", { text: "entities" }), el("dd", { text: fmt(META.counts.entities) }));
    dl.append(el("dt", { text: "relations" }), el("dd", { text: fmt(META.counts.relations) }));
    dl.append(el("dt", { text: "sources cited" }), el("dd", { text: fmt(META.counts.sources) }));
    var per = META.period || {};
    if (per.as_of) dl.append(el("dt", { text: "as of" }), el("dd", { text: per.as_of }));
    if (per.since || per.until) dl.append(el("dt", { text: "period" }), el("dd", { text: (per.since || "…") + " to " + (per.until || "…") }));
    dl.append(el("dt", { text: "generated" }), el("dd", { text: META.generated }));
    p.appendChild(dl);
    (META.notes || []).forEach(function (t) { p.appendChild(el("p", { class: "cg-note", text: t })); });
    if (META.unplaced && META.unplaced.length) {
      p.appendChild(el("p", { class: "cg-warn", text: "Not drawn (no coordinates): " + META.unplaced.join(", ") }));
    }
    p.appendChild(el("h3", { text: "How to read this map" }));
    p.appendChild(el("ul", { class: "cg-help" },
      el("li", { text: "Each dot is a place; its size grows with the actors present there (operates in). A dashed ring shows an area's extent." }),
      el("li", { text: "Orange arrows are routes: illicit goods moving from one place to another (traffics to)." }),
      el("li", { text: "Click a place or a route for its coordinates, where they come from, the actors present and every source." }),
      META.years ? el("li", { text: "Move the year slider to see the map as of the end of that year: relations valid then are solid, undated ones already reported by then are dashed (a place whose actors are all only reported, a dashed dot), what was not yet known or had ended is hidden." }) : null));
  }
  function select(i) {
    if (NODES[i].coords) showPanel(placeView(i)); else showPanel(entityView(i));
  }
  function selectEdge(j) { showPanel(edgeView(j)); }
  function focusNode(i) {
    var n = NODES[i];
    if (n.coords) map.setView(L.latLng(n.coords[0], n.coords[1]), Math.max(map.getZoom(), 6), { animate: false });
    select(i);
  }

  // ------------------------------------------------------------------ search (shared index)
  var searchBox = document.getElementById("cg-search");
  var results = document.getElementById("cg-results");
  var index = CG.searchIndex(NODES);
  var lastHits = [], active = -1;
  function weight(i) { return NODES[i].coords ? 1 + actorsAt(i).length : 0; }
  function renderResults(hits) {
    clear(results);
    active = hits.length ? 0 : -1;
    hits.forEach(function (h, k) {
      var n = NODES[h[1]];
      var li = el("li", { role: "option", "aria-selected": k === 0 ? "true" : "false" },
        el("span", { text: n.name }),
        el("span", { class: "cg-alias", text: (h[2] ? "“" + h[2] + "” · " : "") + typeLabel(n.type) + (n.coords ? "" : " · not on the map") }));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(h[1]); });
      results.appendChild(li);
    });
    if (!hits.length && searchBox.value.trim()) results.appendChild(el("li", { class: "cg-alias", text: "no match" }));
    results.hidden = !results.firstChild;
  }
  function pick(i) { results.hidden = true; searchBox.value = NODES[i].name; focusNode(i); }
  searchBox.addEventListener("input", function () { lastHits = CG.search(index, searchBox.value, weight); renderResults(lastHits); });
  searchBox.addEventListener("keydown", function (ev) {
    var items = results.querySelectorAll("li[role=option]");
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!items.length) return;
      ev.preventDefault();
      active = (active + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items.forEach(function (li, k) { li.setAttribute("aria-selected", k === active ? "true" : "false"); });
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      if (!lastHits.length) lastHits = CG.search(index, searchBox.value, weight);
      if (lastHits.length) pick(lastHits[Math.max(0, active)][1]);
    } else if (ev.key === "Escape") { results.hidden = true; }
  });
  searchBox.addEventListener("blur", function () { results.hidden = true; });

  // ------------------------------------------------------------------ year slider (shared rule)
  var slider = document.getElementById("cg-year");
  var yearLabel = document.getElementById("cg-year-label");
  var allYears = document.getElementById("cg-year-all");
  function setYear(y) {
    year = y;
    allYears.setAttribute("aria-pressed", y === null ? "true" : "false");
    yearLabel.textContent = y === null ? "all" : String(y);
    if (y !== null) slider.value = String(y);
  }
  if (META.years) {
    document.getElementById("cg-time").hidden = false;
    slider.min = String(META.years[0]);
    slider.max = String(META.years[1]);
    slider.value = String(META.years[1]);
    setYear(null);
    slider.addEventListener("input", function () { setYear(parseInt(slider.value, 10)); applyFilters(); });
    allYears.addEventListener("click", function () { setYear(null); applyFilters(); });
  }

  // ------------------------------------------------------------------ counts, fit, ready
  var countsEl = document.getElementById("cg-counts");
  function updateCounts(drawn) {
    var r = 0;
    routes.forEach(function (x) { if (x[1]) r++; });
    var text = fmt(drawn) + " of " + plural(placed.length, "place") + " · " + plural(r, "route") + " shown";
    timeCounts = null;
    if (year !== null) {
      timeCounts = { valid: 0, reported: 0, hidden: 0 };
      EDGES.forEach(function (e) {
        var st = stateOf(e);
        timeCounts[st === CG.VALID ? "valid" : st === CG.REPORTED ? "reported" : "hidden"]++;
      });
      text += " · in " + year + ": " + fmt(timeCounts.valid) + " valid, " + fmt(timeCounts.reported) +
              " reported (dashed), " + fmt(timeCounts.hidden) + " not yet known or ended";
    }
    countsEl.textContent = text;
  }
  var timeCounts = null;
  document.getElementById("cg-generated").textContent = "crimegraph · " + META.generated + " · offline basemap: Natural Earth";
  function fit() {
    // every place, but not the countries and continents they sit in
    var near = placed.filter(function (i) { return !NODES[i].km || NODES[i].km <= RING_MAX_KM; });
    var pts = (near.length ? near : placed).map(function (i) { return NODES[i].coords; });
    if (pts.length) map.fitBounds(L.latLngBounds(pts).pad(0.08), { animate: false, maxZoom: 7 });
    else map.setView([0, 0], 1);
  }
  // The first view: the focus place of a place map; else the map's home country, the country
  // with the most relations in the map (Peru for the Peru data); else every place.
  function home() {
    var best = -1, most = 0;
    placed.forEach(function (i) {
      var n = NODES[i];
      if (n.focus && n.kind === "place") { best = i; most = Infinity; }
      else if (n.type === "country" && incident[i].length > most) { best = i; most = incident[i].length; }
    });
    return best;
  }
  function firstView() {
    var h = home(), n = h < 0 ? null : NODES[h];
    if (NEAR) {
      map.fitBounds(NEAR.getLatLng().toBounds(2 * META.near[2] * 1000).pad(0.1), { animate: false });
    } else if (n && n.bbox) {
      var b = n.bbox;  // [west, south, east, north]
      map.fitBounds(L.latLngBounds([b[1], b[0]], [b[3], b[2]]).pad(0.05), { animate: false });
    } else if (n && n.km) {
      map.fitBounds(L.latLng(n.coords[0], n.coords[1]).toBounds(2 * n.km * 1000).pad(0.05), { animate: false });
    } else fit();
  }
  document.getElementById("cg-fit").addEventListener("click", fit);
  firstView();
  if (NEAR) NEAR.addTo(map);
  applyFilters();
  showPanel(overview, false);

  window.crimegraphGeo = {
    ready: false, timings: T, map: map, data: DATA,
    indexOf: function (id) { for (var k = 0; k < N; k++) if (NODES[k].id === id) return k; return -1; },
    markerCount: function () { return markerLayer.getLayers().length; },
    routeCount: function () { var r = 0; routes.forEach(function (x) { if (x[1]) r++; }); return r; },
    presentCount: function (k) { return actorsAt(k).length; },
    basemapCount: function () { return basemapLayer.getLayers().length; },
    markerScreenPosition: function (k) {
      var pt = map.latLngToContainerPoint(markers[k].getLatLng());
      var rect = container.getBoundingClientRect();
      return { x: rect.left + pt.x, y: rect.top + pt.y };
    },
    setYear: function (y) { setYear(y); applyFilters(); },
    timeCounts: function () { return timeCounts; },
    presenceState: function (k) { return shown[k] ? presence[k] : CG.HIDDEN; },
    routeStates: function () {
      return routes.filter(function (x) { return x[1]; }).map(function (x) { return [EDGES[x[0]].id, stateOf(EDGES[x[0]])]; });
    },
    labelBoxes: function () {
      var out = [];
      document.querySelectorAll("#cg-network .cg-geo-label").forEach(function (e) {
        var r = e.getBoundingClientRect();
        out.push([e.textContent, r.left, r.top, r.right, r.bottom]);
      });
      return out;
    },
    markerLatLng: function (k) { var p = markers[k].getLatLng(); return [p.lat, p.lng]; },
    homeIndex: home,
    fit: fit,
    focus: function (k) { focusNode(k); },
    select: select
  };
  requestAnimationFrame(function () {
    requestAnimationFrame(function () {
      window.crimegraphGeo.ready = true;
      T.ready = performance.now();
      document.documentElement.setAttribute("data-ready", "true");
    });
  });
  T.script = performance.now();
})();
