/* crimegraph map: legend, filters, search, time slider, evidence panel and labels.
 *
 * Safety rule for this file: data is written into the document only through
 * textContent, DOM node creation and attribute setters; never innerHTML.
 * vis-network shows string tooltips with innerText, and canvas text is text.
 */
(function () {
  "use strict";

  var T = { start: performance.now() };
  var CG = window.crimegraphCommon;
  var DATA = JSON.parse(document.getElementById("cg-data").textContent);
  var VIS = JSON.parse(document.getElementById("cg-vis").textContent);
  var META = DATA.meta;
  var NODES = DATA.nodes;
  var EDGES = DATA.edges;
  var SOURCES = DATA.sources;
  var N = NODES.length;
  var M = EDGES.length;
  var AGG = !!META.aggregated;

  T.parsed = performance.now();
  var RTYPES = {};
  DATA.legend.relations.forEach(function (r) { RTYPES[r.id] = r; });
  var KINDS = {};
  DATA.legend.kinds.forEach(function (k) { KINDS[k.id] = k; });
  // entity groups (style.py GROUPS: state actors apart from criminal groups), the legend's rows
  var GROUPS = DATA.legend.groups || DATA.legend.kinds;
  var GROUP = {};
  GROUPS.forEach(function (g) { GROUP[g.id] = g; });
  function groupOf(n) { return n.g || n.kind; }

  // ------------------------------------------------------------------ DOM helpers
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
  function svgEl(tag, attrs) {
    var e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
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

  // ------------------------------------------------------------------ derived data
  var incident = [];
  for (var i = 0; i < N; i++) incident.push([]);
  EDGES.forEach(function (e, j) { incident[e.from].push(j); if (e.to !== e.from) incident[e.to].push(j); });
  var hasHighlight = EDGES.some(function (e) { return e.hl; });

  function typeLabel(t) { return DATA.typeLabels[t] || t; }
  function relLabel(t) { return RTYPES[t] ? RTYPES[t].label : t; }
  function isSymmetric(e) { return RTYPES[e.type] ? RTYPES[e.type].symmetric : true; }
  function nodeLabel(i) {
    var n = NODES[i];
    return n.more ? n.name + "  +" + n.more : n.name;
  }
  function periodText(e) {
    if (e.since && e.until) return e.since + "–" + e.until;
    if (e.since) return "since " + e.since;
    if (e.until) return "until " + e.until;
    return "";
  }
  function confText(code) {
    if (!code) return "";
    var r = DATA.confidence.reliability[code[0]];
    var c = DATA.confidence.credibility[code.slice(1)];
    return r && c ? r + " source; " + c : "";
  }
  function arrowText(e) {
    if (AGG) return " — ";
    return isSymmetric(e) ? " — " + relLabel(e.type) + " — " : " — " + relLabel(e.type) + " → ";
  }

  // ------------------------------------------------------------------ vis data
  VIS.nodes.forEach(function (v, i) {
    var n = NODES[i];
    v.title = AGG ? n.name + " — " + plural(n.members, "entity", "entities")
                  : n.name + " — " + typeLabel(n.type);
  });
  VIS.edges.forEach(function (v, j) {
    var e = EDGES[j];
    var bits = [NODES[e.from].name + arrowText(e) + NODES[e.to].name];
    if (AGG) bits.push(plural(e.count, "relation"));
    else {
      var p = periodText(e);
      if (p) bits.push(p);
      bits.push("confidence " + e.conf);
    }
    v.title = bits.join(" · ");
  });

  var hiddenKinds = new Set(); // entity groups unticked in the legend
  var hiddenTypes = new Set();
  // Entities left with no relation on screen once relation types are hidden ("orphans") are
  // hidden with them, unless the reader ticks "keep entities left without relations". The focus
  // entities (ego, path ends, place) stay; so does an entity the reader searched for (pinned).
  var keepOrphans = false;
  var pinned = new Set();
  var year = null; // null: all years
  var nodeOn = new Uint8Array(N).fill(1);
  var edgeOn = new Uint8Array(M).fill(1);

  // the year's state of each relation: 2 valid, 1 reported (drawn faded and dashed), 0 hidden
  var edgeState = new Uint8Array(M).fill(CG.VALID);
  var timeCounts = null; // {valid, reported, hidden} for the year shown, null for all years
  function recompute() {
    var byTime = new Uint8Array(M);
    var counts = { valid: 0, reported: 0, hidden: 0 };
    for (var j = 0; j < M; j++) {
      var st = AGG ? CG.VALID : CG.stateInYear(EDGES[j], year);
      byTime[j] = st ? 1 : 0;
      if (st !== edgeState[j]) restyle(j, st);
      counts[st === CG.VALID ? "valid" : st === CG.REPORTED ? "reported" : "hidden"]++;
    }
    timeCounts = year === null ? null : counts;
    for (var i = 0; i < N; i++) {
      var n = NODES[i];
      var on = !hiddenKinds.has(groupOf(n));
      if (on && year !== null && !n.focus) {
        // shown with one of its relations; one without any, by its own window (an event of a
        // later year, a group founded later is not there yet)
        on = incident[i].length ? incident[i].some(function (j) { return byTime[j]; })
                                : CG.stateInYear(n, year) !== CG.HIDDEN;
      }
      nodeOn[i] = on ? 1 : 0;
    }
    for (var k = 0; k < M; k++) {
      var e = EDGES[k];
      edgeOn[k] = byTime[k] && !hiddenTypes.has(e.type) && nodeOn[e.from] && nodeOn[e.to] ? 1 : 0;
    }
    if (!keepOrphans && hiddenTypes.size) {
      // an entity whose relations on screen were all of hidden types goes with them
      for (var o = 0; o < N; o++) {
        if (!nodeOn[o] || NODES[o].focus || pinned.has(o) || !incident[o].length) continue;
        var inc = incident[o], shown = false, byType = false;
        for (var q = 0; q < inc.length; q++) {
          if (edgeOn[inc[q]]) { shown = true; break; }
          if (hiddenTypes.has(EDGES[inc[q]].type)) byType = true;
        }
        if (!shown && byType) nodeOn[o] = 0;
      }
    }
  }

  var baseColor = VIS.edges.map(function (v) { return v.color; });
  var baseDashes = VIS.edges.map(function (v) { return v.dashes || false; });
  var nodesDS = new vis.DataSet(VIS.nodes);
  var edgesDS = new vis.DataSet(VIS.edges);
  var pendingStyles = [];
  // a reported relation (undated, already reported by the year shown) is drawn faded and dashed
  function restyle(j, st) {
    edgeState[j] = st;
    if (st === CG.HIDDEN) return;
    var c = baseColor[j];
    var color = typeof c === "object" ? Object.assign({}, c) : { color: c };
    color.opacity = st === CG.REPORTED ? 0.45 : 1;
    pendingStyles.push({ id: j, color: color, dashes: st === CG.REPORTED ? [6, 5] : baseDashes[j] });
  }
  var nodesView = new vis.DataView(nodesDS, { filter: function (item) { return nodeOn[item.id] === 1; } });
  var edgesView = new vis.DataView(edgesDS, { filter: function (item) { return edgeOn[item.id] === 1; } });
  var container = document.getElementById("cg-network");
  T.datasets = performance.now();
  var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, VIS.options);
  T.network = performance.now();

  // Arrowheads a few pixels long cannot be told apart, yet on a big map drawing
  // them is most of a frame: skip them while zoomed out that far. (vis-network 9's
  // renderer draws all arrowheads in one pass, after the lines.)
  var ARROW_LENGTH = 0.55 * 15 + 3 * 1.4; // scaleFactor * 15 + 3 * line width, canvas units
  var renderer = network.renderer;
  if (renderer && typeof renderer._drawArrows === "function") {
    var drawArrows = renderer._drawArrows;
    renderer._drawArrows = function (ctx) {
      if (network.getScale() * ARROW_LENGTH < 3) return;
      return drawArrows.call(this, ctx);
    };
  }

  function applyFilters() {
    recompute();
    if (pendingStyles.length) { edgesDS.update(pendingStyles); pendingStyles = []; }
    nodesView.refresh();
    edgesView.refresh();
    updateCounts();
    network.redraw();
  }

  // ------------------------------------------------------------------ labels without overlaps
  // vis-network gets no node labels (it would draw every one, overlapping).
  // After each frame the page draws them itself, most important first (the
  // selection and its neighbours, the focus, path ends, then by size), each
  // where it overlaps no label and no node: labels never overlap, and more
  // appear as the reader zooms in.
  var emphasis = new Float64Array(N);
  var order = [];
  var selectedNode = null;
  var FONT = ' system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif';
  var widthCache = new Map();
  var lastLabels = [];
  var lastLabelIds = [], lastLabelStrong = []; // the entity of each label drawn, and its weight (the exports draw the same)

  function computeOrder() {
    for (var i = 0; i < N; i++) {
      var n = NODES[i];
      emphasis[i] = (n.focus ? 30 : 0) + (n.hl ? 20 : 0);
    }
    if (selectedNode !== null) {
      emphasis[selectedNode] += 100;
      incident[selectedNode].forEach(function (j) {
        var e = EDGES[j];
        var o = e.from === selectedNode ? e.to : e.from;
        emphasis[o] += 50;
      });
    }
    order = new Array(N);
    for (var k = 0; k < N; k++) order[k] = k;
    order.sort(function (a, b) {
      return (emphasis[b] - emphasis[a]) || (VIS.nodes[b].size - VIS.nodes[a].size) ||
             (incident[b].length - incident[a].length) || (a - b);
    });
  }
  computeOrder();

  function textWidth(ctx, i, font) {
    var key = i + "|" + font;
    var w = widthCache.get(key);
    if (w === undefined) { ctx.font = font; w = ctx.measureText(nodeLabel(i)).width; widthCache.set(key, w); }
    return w;
  }

  var labelsOn = true;
  function drawLabels(ctx) {
    if (!labelsOn) { lastLabels = []; return; }
    var body = network.body;
    var scale = network.getScale();
    var tr = body.view.translation;
    var ratio = (network.canvas && network.canvas.pixelRatio) || window.devicePixelRatio || 1;
    var W = container.clientWidth, H = container.clientHeight;
    var CELL = 48;
    // three spatial hashes: labels drawn, the discs of every node on screen, and
    // the discs of the nodes already processed (more important than the current one)
    var labelsGrid = new Map(), discsGrid = new Map(), priorGrid = new Map();
    function cells(x0, y0, x1, y1, fn) {
      var cx0 = Math.floor(x0 / CELL), cx1 = Math.floor(x1 / CELL);
      var cy0 = Math.floor(y0 / CELL), cy1 = Math.floor(y1 / CELL);
      for (var cx = cx0; cx <= cx1; cx++) {
        for (var cy = cy0; cy <= cy1; cy++) {
          if (fn(cx * 100003 + cy) === false) return false;
        }
      }
      return true;
    }
    function free(grid, b, self) {
      return cells(b[0], b[1], b[2], b[3], function (key) {
        var list = grid.get(key);
        if (!list) return true;
        for (var q = 0; q < list.length; q++) {
          var o = list[q];
          if (o[4] === self) continue;
          if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) return false;
        }
        return true;
      });
    }
    function occupy(grid, b) {
      cells(b[0], b[1], b[2], b[3], function (key) {
        var list = grid.get(key);
        if (!list) grid.set(key, list = []);
        list.push(b);
      });
    }
    // where each visible node is on screen
    var screen = new Map();
    var ids = body.nodeIndices;
    for (var a = 0; a < ids.length; a++) {
      var nd = body.nodes[ids[a]];
      if (!nd) continue;
      var sx = nd.x * scale + tr.x, sy = nd.y * scale + tr.y;
      if (sx < -60 || sx > W + 60 || sy < -40 || sy > H + 40) continue;
      var rr = (nd.options.size || 10) * scale;
      screen.set(ids[a], [sx, sy, rr]);
      if (rr >= 2.5) occupy(discsGrid, [sx - rr, sy - rr, sx + rr, sy + rr, ids[a]]);
    }
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    var drawn = [], drawnIds = [], drawnStrong = [];
    var budget = 600;
    // Most important first. A label goes where it covers no other label and no
    // node; failing that, the most important labels may cover a less important
    // node (the white halo keeps both readable). Labels never cover each other.
    for (var k = 0; k < order.length && drawn.length < budget; k++) {
      var i = order[k];
      var s = screen.get(i);
      if (!s) continue;
      var strong = emphasis[i] >= 20 || k < 3;
      var size = strong ? 13.5 : 12;
      var font = (strong ? "600 " : "") + size + "px" + FONT;
      var h = size + 2, r = s[2], gap = 3;
      // below, right, above, left of the node
      var spotBox = function (q, w) {
        var x = q === 0 || q === 2 ? s[0] - w / 2 : q === 1 ? s[0] + r + gap + 1 : s[0] - r - gap - 1 - w;
        var y = q === 0 ? s[1] + r + gap : q === 2 ? s[1] - r - gap - h : s[1] - h / 2;
        return [x - 2, y - 1, x + w + 2, y + h, i];
      };
      var findSpot = function (w) {
        var fits = [];
        for (var q = 0; q < 4; q++) {
          var box = spotBox(q, w);
          if (box[0] < 0 || box[2] > W || box[1] < 0 || box[3] > H) continue;
          if (free(labelsGrid, box, -2)) fits.push(q);
        }
        for (var q1 = 0; q1 < fits.length; q1++) {
          if (free(discsGrid, spotBox(fits[q1], w), i)) return fits[q1];
        }
        if (strong || k < 12) {
          for (var q2 = 0; q2 < fits.length; q2++) {
            if (free(priorGrid, spotBox(fits[q2], w), i)) return fits[q2];
          }
        }
        return -1;
      };
      // measuring text is slow: first try a generous estimate of the width, and
      // measure only labels that may fit (the exact box lies inside the estimate's)
      var key = i + "|" + font;
      var w = widthCache.get(key);
      var spot;
      if (w === undefined) {
        var guess = nodeLabel(i).length * size * (strong ? 0.7 : 0.64) + 2;
        spot = findSpot(guess);
        if (spot >= 0) {
          w = textWidth(ctx, i, font);
          if (w > guess) spot = findSpot(w);
        }
      } else {
        spot = findSpot(w);
      }
      var placed = spot >= 0 ? spotBox(spot, w) : null;
      if (!placed && NODES[i].focus) {
        // a focus entity (ego, path end, place) is always labelled: failing a free spot, the
        // first of its four spots, moved inside the view, that covers no label; else the first
        if (w === undefined) w = textWidth(ctx, i, font);
        for (var q3 = 0; q3 < 4; q3++) {
          var b3 = spotBox(q3, w), dx = Math.max(0, -b3[0]) - Math.max(0, b3[2] - W),
              dy = Math.max(0, -b3[1]) - Math.max(0, b3[3] - H);
          b3 = [b3[0] + dx, b3[1] + dy, b3[2] + dx, b3[3] + dy, i];
          if (q3 === 0 || free(labelsGrid, b3, -2)) placed = b3;
          if (placed === b3 && free(labelsGrid, b3, -2)) break;
        }
      }
      if (r >= 2.5) occupy(priorGrid, [s[0] - r, s[1] - r, s[0] + r, s[1] + r, i]);
      if (!placed) continue;
      occupy(labelsGrid, placed);
      ctx.font = font;
      ctx.lineWidth = 3.5;
      ctx.strokeStyle = "rgba(255,255,255,0.92)";
      ctx.strokeText(nodeLabel(i), placed[0] + 2, placed[1] + 1);
      ctx.fillStyle = keepNodes && !keepNodes.has(i) ? "#a0a0a6" : strong ? "#000000" : "#1d1d1f";
      ctx.fillText(nodeLabel(i), placed[0] + 2, placed[1] + 1);
      drawn.push(placed);
      drawnIds.push(i);
      drawnStrong.push(strong);
    }
    ctx.restore();
    lastLabels = drawn;
    lastLabelIds = drawnIds;
    lastLabelStrong = drawnStrong;
  }
  network.on("afterDrawing", drawLabels);

  // ------------------------------------------------------------------ legend
  function kindSwatch(shape, color, border) {
    var s = svgEl("svg", { width: 22, height: 18, viewBox: "0 0 22 18", "aria-hidden": "true" });
    var a = { fill: color, stroke: border, "stroke-width": 1 };
    var shapeEl;
    if (shape === "square") shapeEl = svgEl("rect", Object.assign({ x: 5, y: 3, width: 12, height: 12 }, a));
    else if (shape === "diamond") shapeEl = svgEl("polygon", Object.assign({ points: "11,1.5 18.5,9 11,16.5 3.5,9" }, a));
    else if (shape === "star") shapeEl = svgEl("polygon", Object.assign({ points: "11,1 13.4,6.6 19.5,6.9 14.8,10.8 16.3,16.8 11,13.5 5.7,16.8 7.2,10.8 2.5,6.9 8.6,6.6" }, a));
    else if (shape === "hexagon") shapeEl = svgEl("polygon", Object.assign({ points: "11,1.5 17.5,5.2 17.5,12.8 11,16.5 4.5,12.8 4.5,5.2" }, a));
    else if (shape === "triangle") shapeEl = svgEl("polygon", Object.assign({ points: "11,2 18,16 4,16" }, a));
    else shapeEl = svgEl("circle", Object.assign({ cx: 11, cy: 9, r: 6.5 }, a));
    s.appendChild(shapeEl);
    return s;
  }
  function relationSwatch(r) {
    var s = svgEl("svg", { width: 30, height: 12, viewBox: "0 0 30 12", "aria-hidden": "true" });
    var line = { x1: 1, y1: 6, x2: r.symmetric ? 29 : 22, y2: 6, stroke: r.color, "stroke-width": 2.5 };
    if (r.dash) line["stroke-dasharray"] = r.dash;
    s.appendChild(svgEl("line", line));
    if (!r.symmetric) s.appendChild(svgEl("polygon", { points: "21,1.5 29,6 21,10.5", fill: r.color }));
    return s;
  }
  function legendRow(swatch, text, count, hiddenSet, key, tooltip) {
    var box = el("input", { type: "checkbox", "aria-label": "show " + text });
    box.checked = true;
    var row = el("label", { title: tooltip || null }, box, swatch, el("span", { text: text }),
                 el("span", { class: "cg-count", text: fmt(count) }));
    row.dataset.key = key;
    box.addEventListener("change", function () {
      if (box.checked) hiddenSet.delete(key); else hiddenSet.add(key);
      row.classList.toggle("cg-off", !box.checked);
      applyFilters();
    });
    return row;
  }
  (function buildLegend() {
    var kinds = document.getElementById("cg-legend-kinds");
    kinds.appendChild(el("h3", { text: AGG ? "Groups" : "Entities" }));
    GROUPS.forEach(function (k) {
      kinds.appendChild(legendRow(kindSwatch(k.shape, k.color, k.border), k.label, k.count, hiddenKinds, k.id));
    });
    var rels = document.getElementById("cg-legend-relations");
    if (DATA.legend.relations.length) {
      rels.appendChild(el("h3", { text: "Relations" }));
      var lastNature = null;
      DATA.legend.relations.forEach(function (r) {
        if (r.nature_label && r.nature !== lastNature) {  // grouped by nature (schema/vocab.py NATURES)
          lastNature = r.nature;
          rels.appendChild(el("h4", { class: "cg-nature", text: r.nature_label + (r.criminal ? " · criminal tie" : "") }));
        }
        var tip = r.description + (r.symmetric ? " (mutual: no arrowhead)" : " (arrow points to the object)");
        if (AGG) {
          rels.appendChild(el("label", { title: tip }, el("span"), relationSwatch(r), el("span", { text: r.label }),
                              el("span", { class: "cg-count", text: fmt(r.count) })));
        } else {
          rels.appendChild(legendRow(relationSwatch(r), r.label, r.count, hiddenTypes, r.id, tip));
        }
      });
      if (AGG) rels.appendChild(el("label", { title: "Lines whose relations have no clear majority type" }, el("span"),
                                   relationSwatch({ color: "#8c8c8c", symmetric: true }),
                                   el("span", { text: "mixed types" }), el("span")));
      if (!AGG) {
        var keepBox = el("input", { type: "checkbox", id: "cg-keep-orphans" });
        keepBox.addEventListener("change", function () { keepOrphans = keepBox.checked; applyFilters(); });
        rels.appendChild(el("label", { class: "cg-keep", title: "Hiding a relation type also hides the entities it leaves without any relation on screen; tick to keep them" },
                            keepBox, el("span", { text: "keep entities left without relations" })));
      }
    }
    if ((DATA.legend.lines || []).length) {
      var lines = document.getElementById("cg-legend-lines");
      lines.appendChild(el("h3", { text: "Confidence (line style)" }));
      DATA.legend.lines.forEach(function (l) {
        lines.appendChild(el("label", { class: "cg-static" }, el("span"),
          relationSwatch({ color: "#555555", symmetric: true, dash: l.dash }), el("span", { text: l.label }), el("span")));
      });
    }
    var sizeNote = {
      degree: "Node size: number of relations in this map.",
      citations: "Node size: number of citations on its relations.",
      betweenness: "Node size: betweenness (how often it lies between others).",
      pagerank: "Node size: PageRank.",
      members: "Node size: number of entities in the group. Line width: number of relations between two groups; colour: their most common type.",
      none: ""
    }[META.sizeBy] || "";
    var notes = [sizeNote];
    if (!AGG) notes.push("Arrows point from subject to object; mutual relations have none. Colours: the nature of each relation; line style: its confidence.");
    if (hasHighlight) notes.push("Bold, labelled lines: the connecting path.");
    document.getElementById("cg-legend-size").textContent = notes.filter(Boolean).join(" ");
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

  function sourceList(cites) { return CG.sourceList(DATA, cites); }

  function relationButton(j, from) {
    var e = EDGES[j];
    var other = e.from === from ? e.to : e.from;
    var r = RTYPES[e.type] || { label: e.type, color: "#888", symmetric: true, inverse: e.type };
    var phrase;
    if (r.symmetric || e.from === from) phrase = r.label;
    else phrase = r.inverse;
    var meta = AGG ? [plural(e.count, "relation")] : [periodText(e), e.conf, plural(e.cites.length, "source")].filter(Boolean);
    var arrow = r.symmetric ? "" : (e.from === from ? " →" : " ←");
    return el("li", null, el("button", { type: "button", onclick: function () { selectEdge(j); } },
      el("span", { class: "cg-swatch" + (!AGG && lineOf(e.conf) !== "solid" ? " cg-dashed" : ""), style: "border-top-color:" + r.color }),
      el("span", { class: "cg-rel-type", text: phrase + arrow + " " }),
      el("span", { text: NODES[other].name }),
      el("div", { class: "cg-rel-meta", text: meta.join(" · ") })));
  }

  function nodeView(i) {
    return function (p) {
      var n = NODES[i];
      p.appendChild(el("h2", { text: n.name }));
      if (AGG) return groupView(p, n);
      var kicker = el("div", { class: "cg-kicker" }, typeLabel(n.type) + " · " + ((GROUP[groupOf(n)] || KINDS[n.kind] || {}).label || n.kind));
      if (n.status) kicker.append(" ", el("span", { class: "cg-chip", text: n.status }));
      p.appendChild(kicker);
      if (n.aliases && n.aliases.length) {
        p.appendChild(el("p", { class: "cg-note", text: "Also: " + n.aliases.map(function (a) {
          return a[1] ? a[0] + " (" + a[1] + ")" : a[0]; }).join("; ") }));
      }
      if (n.desc) p.appendChild(el("p", { text: n.desc }));
      var dl = el("dl");
      dl.append(el("dt", { text: "id" }), el("dd", { text: n.id }));
      if (n.date) dl.append(el("dt", { text: "date" }), el("dd", { text: n.date }));
      if (n.figures) Object.keys(n.figures).forEach(function (k) {
        dl.append(el("dt", { text: k }), el("dd", { text: fmt(n.figures[k]) }));
      });
      if (n.coords) dl.append(el("dt", { text: "coordinates" }), el("dd", { text: n.coords[0] + ", " + n.coords[1] }));
      if (n.ext) Object.keys(n.ext).forEach(function (k) {
        dl.append(el("dt", { text: k }), el("dd", { text: n.ext[k] }));
      });
      if (META.sizeBy !== "none") dl.append(el("dt", { text: META.sizeBy }), el("dd", { text: String(n.m) }));
      p.appendChild(dl);
      if (n.more) {
        p.appendChild(el("p", { class: "cg-warn", text: plural(n.more, "more neighbour") +
          " not drawn (the map keeps the best-sourced ones). Map this entity on its own to see them: crimegraph map --ego " + n.id }));
      }
      var rels = incident[i].slice().sort(function (a, b) {
        var ea = EDGES[a], eb = EDGES[b];
        return relLabel(ea.type).localeCompare(relLabel(eb.type)) ||
               NODES[ea.from === i ? ea.to : ea.from].name.localeCompare(NODES[eb.from === i ? eb.to : eb.from].name);
      });
      p.appendChild(el("h3", { text: "Relations in this map (" + rels.length + ")" }));
      if (rels.length) p.appendChild(el("ul", { class: "cg-rels" }, rels.map(function (j) { return relationButton(j, i); })));
      else p.appendChild(el("p", { class: "cg-note", text: "None." }));
      p.appendChild(el("h3", { text: "Sources for this entity" }));
      p.appendChild(sourceList(n.cites));
    };
  }

  function groupView(p, n) {
    p.appendChild(el("div", { class: "cg-kicker", text: "group of " + plural(n.members, "entity", "entities") }));
    var kinds = el("p");
    Object.keys(n.byKind).forEach(function (k) { kinds.append(el("span", { class: "cg-chip", text: k + ": " + fmt(n.byKind[k]) })); });
    p.appendChild(kinds);
    p.appendChild(el("p", { class: "cg-note", text: plural(n.internal, "relation") + " inside the group." }));
    p.appendChild(el("h3", { text: "Best-connected members" }));
    p.appendChild(el("ol", { class: "cg-sources" }, n.top.map(function (t) {
      return el("li", null, el("strong", { text: t[1] }), el("div", { class: "cg-src-meta", text: t[0] + " · " + plural(t[2], "relation") }));
    })));
    if (n.top.length) {
      p.appendChild(el("p", { class: "cg-note", text: "To see the evidence, map one member: crimegraph map --ego " + n.top[0][0] + " --depth 1" }));
    }
    var i = NODES.indexOf(n);
    p.appendChild(el("h3", { text: "Links to other groups" }));
    p.appendChild(el("ul", { class: "cg-rels" }, incident[i].map(function (j) { return relationButton(j, i); })));
  }

  function edgeView(j) {
    return function (p) {
      var e = EDGES[j];
      var r = RTYPES[e.type] || { label: e.type, symmetric: true };
      var head = el("h2");
      head.append(nodeLink(e.from), el("span", { class: "cg-rel-type", text: arrowText(e) }), nodeLink(e.to));
      p.appendChild(head);
      if (AGG) {
        p.appendChild(el("div", { class: "cg-kicker", text: plural(e.count, "relation") + " between the two groups" }));
        p.appendChild(el("ul", { class: "cg-rels" }, Object.keys(e.types).map(function (t) {
          var rt = RTYPES[t] || { label: t, color: "#888" };
          return el("li", null, el("span", { class: "cg-swatch", style: "border-top-color:" + rt.color }),
            el("span", { class: "cg-rel-type", text: rt.label + " " }), el("span", { class: "cg-rel-meta", text: fmt(e.types[t]) }));
        })));
        p.appendChild(el("h3", { text: "Examples (best graded first)" }));
        p.appendChild(el("ol", { class: "cg-sources" }, e.examples.map(function (x) {
          return el("li", null, el("span", { text: x[0] + " — " + x[1] + " — " + x[2] }),
            el("div", { class: "cg-src-meta", text: [x[3], x[4], x[5]].filter(Boolean).join(" · ") }));
        })));
        return;
      }
      p.appendChild(el("div", { class: "cg-kicker", text: r.description || "" }));
      var dl = el("dl");
      dl.append(el("dt", { text: "period" }), el("dd", { text: periodText(e) || "not stated" }));
      dl.append(el("dt", { text: "confidence" }), el("dd", null, el("span", { class: "cg-grade", text: e.conf }), " — " + confText(e.conf)));
      dl.append(el("dt", { text: "relation" }), el("dd", { text: e.id }));
      if (e.hl) dl.append(el("dt", { text: "path" }), el("dd", { text: "a step of the connecting path" }));
      p.appendChild(dl);
      if (e.notes) p.appendChild(el("p", { text: e.notes }));
      p.appendChild(el("h3", { text: "Evidence (" + plural(e.cites.length, "citation") + ")" }));
      p.appendChild(sourceList(e.cites));
    };
  }

  function nodeLink(i) {
    return el("button", { type: "button", class: "cg-back", style: "font-size:inherit;font-weight:inherit",
      text: NODES[i].name, onclick: function () { focusNode(i, false); } });
  }

  function overview(p) {
    p.appendChild(el("h2", { text: META.title }));
    if (META.subtitle) p.appendChild(el("div", { class: "cg-kicker", text: META.subtitle }));
    var c = META.counts;
    var dl = el("dl");
    dl.append(el("dt", { text: AGG ? "groups" : "entities" }), el("dd", { text: fmt(c.entities) }));
    dl.append(el("dt", { text: "relations" }), el("dd", { text: fmt(c.relations) }));
    if (!AGG) dl.append(el("dt", { text: "sources cited" }), el("dd", { text: fmt(c.sources) }));
    var per = META.period || {};
    if (per.as_of) dl.append(el("dt", { text: "as of" }), el("dd", { text: per.as_of }));
    if (per.since || per.until) dl.append(el("dt", { text: "period" }), el("dd", { text: (per.since || "…") + " to " + (per.until || "…") }));
    if (META.years) dl.append(el("dt", { text: "years covered" }), el("dd", { text: META.years[0] + "–" + META.years[1] }));
    dl.append(el("dt", { text: "generated" }), el("dd", { text: META.generated }));
    p.appendChild(dl);
    if (AGG) p.appendChild(el("p", { class: "cg-warn", text: "Each hexagon stands for a group of entities; each line for the relations of one type between two groups. Click one for its members or examples." }));
    (META.notes || []).forEach(function (t) { p.appendChild(el("p", { class: "cg-note", text: t })); });
    if (META.more) p.appendChild(el("p", { class: "cg-warn", text: plural(META.more, "neighbour") + " left out to keep the map readable; entities marked +N have more." }));
    p.appendChild(el("h3", { text: "How to read this map" }));
    p.appendChild(el("ul", { class: "cg-help" },
      el("li", { text: "Click an entity or a line to see its description, period, confidence and sources with quotes." }),
      el("li", { text: "Find an entity with the search box; untick legend rows to hide entity groups or relation types (entities left without relations go too, unless you tick “keep”). PNG and SVG save the view with its title, legend, date and sources." }),
      META.years ? el("li", { text: "Move the year slider to see the graph as of the end of that year: relations valid then are solid, undated ones already reported by then are dashed, what was not yet known or had ended is hidden." }) : null,
      el("li", { text: "Scroll to zoom; more names appear as you zoom in. Drag to pan." })));
    p.appendChild(el("p", { class: "cg-note", text: "Confidence uses the Admiralty code: a letter for source reliability (A best, F cannot be judged) and a digit for credibility (1 confirmed, 6 cannot be judged)." }));
  }

  // Selecting an entity or a line dims everything not attached to it (on maps
  // small enough to restyle at once), and gives its neighbours' labels priority.
  var DIM_MAX_ITEMS = 8000;
  var dimmed = false;
  var keepNodes = null; // while dimmed: the entities left in full colour
  function dimColor(c) { return String(c).replace(/,\s*[\d.]+\)$/, ",0.12)"); }
  function setSelection(nodeI, edgeJ) {
    selectedNode = nodeI;
    computeOrder();
    if (N + M <= DIM_MAX_ITEMS) {
      var keepN = null, keepE = null;
      if (nodeI !== null) {
        keepN = new Set([nodeI]);
        keepE = new Set(incident[nodeI]);
        incident[nodeI].forEach(function (j) { keepN.add(EDGES[j].from); keepN.add(EDGES[j].to); });
      } else if (edgeJ !== null) {
        keepE = new Set([edgeJ]);
        keepN = new Set([EDGES[edgeJ].from, EDGES[edgeJ].to]);
      }
      if (keepN || dimmed) {
        var nodeUpdates = [], edgeUpdates = [];
        for (var i = 0; i < N; i++) nodeUpdates.push({ id: i, opacity: !keepN || keepN.has(i) ? 1 : 0.25 });
        for (var j = 0; j < M; j++) edgeUpdates.push({ id: j, color: !keepE || keepE.has(j) ? baseColor[j] : dimColor(baseColor[j]) });
        nodesDS.update(nodeUpdates);
        edgesDS.update(edgeUpdates);
        dimmed = !!keepN;
        keepNodes = keepN;
      }
    }
    network.redraw();
  }

  function selectEdge(j) {
    network.selectEdges([j]);
    setSelection(null, j);
    showPanel(edgeView(j));
  }

  function focusNode(i, animate) {
    if (!nodeOn[i]) reveal(i);
    network.selectNodes([i]);
    setSelection(i, null);
    var anim = animate !== false && N < 3000 ? { duration: 450, easingFunction: "easeInOutQuad" } : false;
    network.focus(i, { scale: Math.max(network.getScale(), 1.0), animation: anim });
    showPanel(nodeView(i));
  }

  function reveal(i) {
    var n = NODES[i];
    var g = groupOf(n);
    if (hiddenKinds.has(g)) {
      hiddenKinds.delete(g);
      document.querySelectorAll("#cg-legend-kinds label").forEach(function (row) {
        if (row.dataset.key === g) { row.classList.remove("cg-off"); row.querySelector("input").checked = true; }
      });
    }
    pinned.add(i);
    if (year !== null) setYear(null);
    applyFilters();
  }

  network.on("click", function (params) {
    if (params.nodes && params.nodes.length) {
      setSelection(params.nodes[0], null);
      showPanel(nodeView(params.nodes[0]));
    } else if (params.edges && params.edges.length) {
      setSelection(null, params.edges[0]);
      showPanel(edgeView(params.edges[0]));
    } else {
      setSelection(null, null);
      backStack.length = 0;
      showPanel(overview, false);
    }
  });

  // ------------------------------------------------------------------ search
  var searchBox = document.getElementById("cg-search");
  var results = document.getElementById("cg-results");
  var index = CG.searchIndex(NODES);
  var active = -1;
  // entity maps rank with the store's search engine (search.js); group maps match group names
  var engine = DATA.search && typeof CG_SEARCH !== "undefined" ? CG_SEARCH.engine(DATA.search) : null;
  function search(q) {
    if (engine) {
      return CG_SEARCH.rank(engine.search(q, 12), NODES, 12).map(function (h) { return [h.score, h.node, h.reason]; });
    }
    return CG.search(index, q, function (i) { return VIS.nodes[i].size; });
  }
  function renderResults(hits) {
    clear(results);
    active = hits.length ? 0 : -1;
    hits.forEach(function (h, k) {
      var n = NODES[h[1]];
      var li = el("li", { role: "option", "aria-selected": k === 0 ? "true" : "false" },
        el("span", { text: n.name }),
        el("span", { class: "cg-alias", text: (h[2] ? (engine ? h[2] : "“" + h[2] + "”") + " · " : "") + (AGG ? "group" : typeLabel(n.type)) }));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(h[1]); });
      results.appendChild(li);
    });
    if (!hits.length && searchBox.value.trim()) results.appendChild(el("li", { class: "cg-alias", text: "no match" }));
    results.hidden = !results.firstChild;
  }
  function pick(i) {
    results.hidden = true;
    searchBox.value = NODES[i].name;
    focusNode(i);
  }
  var lastHits = [];
  searchBox.addEventListener("input", function () { lastHits = search(searchBox.value); renderResults(lastHits); });
  searchBox.addEventListener("keydown", function (ev) {
    var items = results.querySelectorAll("li[role=option]");
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!items.length) return;
      ev.preventDefault();
      active = (active + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items.forEach(function (li, k) { li.setAttribute("aria-selected", k === active ? "true" : "false"); });
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      if (!lastHits.length) lastHits = search(searchBox.value);
      if (lastHits.length) pick(lastHits[Math.max(0, active)][1]);
    } else if (ev.key === "Escape") {
      results.hidden = true;
    }
  });
  searchBox.addEventListener("blur", function () { results.hidden = true; });

  // ------------------------------------------------------------------ time slider
  var slider = document.getElementById("cg-year");
  var yearLabel = document.getElementById("cg-year-label");
  var allYears = document.getElementById("cg-year-all");
  function setYear(y) {
    year = y;
    allYears.setAttribute("aria-pressed", y === null ? "true" : "false");
    yearLabel.textContent = y === null ? "all" : String(y);
    if (y !== null) slider.value = String(y);
  }
  if (META.years && !AGG) {
    document.getElementById("cg-time").hidden = false;
    slider.min = String(META.years[0]);
    slider.max = String(META.years[1]);
    slider.value = String(META.years[1]);
    setYear(null);
    slider.addEventListener("input", function () { setYear(parseInt(slider.value, 10)); applyFilters(); });
    allYears.addEventListener("click", function () { setYear(null); applyFilters(); });
  }

  // ------------------------------------------------------------------ counts, tools
  var countsEl = document.getElementById("cg-counts");
  function updateCounts() {
    var n = 0, m = 0;
    for (var i = 0; i < N; i++) n += nodeOn[i];
    for (var j = 0; j < M; j++) m += edgeOn[j];
    var what = AGG ? "groups" : "entities";
    var line = AGG ? "line" : "relation";
    countsEl.textContent = (n === N ? fmt(N) + " " + what : fmt(n) + " of " + fmt(N) + " " + what) + " · " +
      (m === M ? plural(M, line) : fmt(m) + " of " + plural(M, line)) + " shown" +
      (timeCounts ? " · in " + year + ": " + fmt(timeCounts.valid) + " valid, " + fmt(timeCounts.reported) +
       " reported (dashed), " + fmt(timeCounts.hidden) + " not yet known or ended" : "");
  }
  document.getElementById("cg-generated").textContent =
    "crimegraph · " + META.generated + (META.physics ? "" : " · layout computed in advance");

  document.getElementById("cg-fit").addEventListener("click", function () { network.fit({ animation: N < 3000 }); });
  function zoom(f) {
    network.moveTo({ scale: network.getScale() * f, animation: N < 3000 ? { duration: 200, easingFunction: "easeInOutQuad" } : false });
  }
  document.getElementById("cg-zoom-in").addEventListener("click", function () { zoom(1.4); });
  document.getElementById("cg-zoom-out").addEventListener("click", function () { zoom(1 / 1.4); });
  // ------------------------------------------------------------------ exports (PNG, SVG)
  // Both are made here from what is on screen: the view of the map as drawn (the PNG copies the
  // canvas, the SVG redraws the same entities, lines and labels as vectors), under a title and
  // subtitle, beside a legend of what is shown (entity groups, relation natures, line styles),
  // above an as-of line and a sources line. One "painter" draws the frame for both.
  var EXPORT = { legendW: 250, pad: 16, headH: 58, footH: 44, font: FONT };
  function canvasPainter(c) {
    return {
      text: function (x, y, t, size, color, weight) {
        c.font = (weight || "") + " " + size + "px" + FONT; c.fillStyle = color; c.textBaseline = "alphabetic"; c.fillText(t, x, y);
      },
      width: function (t, size, weight) { c.font = (weight || "") + " " + size + "px" + FONT; return c.measureText(t).width; },
      line: function (x1, y1, x2, y2, color, w, dash) {
        c.beginPath(); c.setLineDash(dash ? dash.split(",").map(Number) : []); c.strokeStyle = color; c.lineWidth = w;
        c.moveTo(x1, y1); c.lineTo(x2, y2); c.stroke(); c.setLineDash([]);
      },
      rect: function (x, y, w, h, fill, stroke) {
        if (fill) { c.fillStyle = fill; c.fillRect(x, y, w, h); }
        if (stroke) { c.strokeStyle = stroke; c.lineWidth = 1; c.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1); }
      },
      shape: function (kind, x, y, r, fill, stroke) {
        c.beginPath();
        shapePoints(kind, x, y, r, function (px, py, first) { if (first) c.moveTo(px, py); else c.lineTo(px, py); },
                    function () { c.arc(x, y, r, 0, 2 * Math.PI); });
        c.closePath(); c.fillStyle = fill; c.fill(); c.strokeStyle = stroke; c.lineWidth = 1; c.stroke();
      }
    };
  }
  function svgPainter(root, measure) {
    function add(tag, a) { var e = svgEl(tag, a); root.appendChild(e); return e; }
    return {
      text: function (x, y, t, size, color, weight) {
        var e = add("text", { x: x.toFixed(1), y: y.toFixed(1), "font-size": size, fill: color });
        if (weight) e.setAttribute("font-weight", weight);
        e.textContent = t;
      },
      width: measure.width,
      line: function (x1, y1, x2, y2, color, w, dash) {
        var a = { x1: x1.toFixed(1), y1: y1.toFixed(1), x2: x2.toFixed(1), y2: y2.toFixed(1), stroke: color, "stroke-width": w };
        if (dash) a["stroke-dasharray"] = dash;
        add("line", a);
      },
      rect: function (x, y, w, h, fill, stroke) {
        add("rect", { x: x, y: y, width: w, height: h, fill: fill || "none", stroke: stroke || "none" });
      },
      shape: function (kind, x, y, r, fill, stroke) {
        var pts = [], circle = false;
        shapePoints(kind, x, y, r, function (px, py) { pts.push(px.toFixed(1) + "," + py.toFixed(1)); }, function () { circle = true; });
        if (circle) add("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1), fill: fill, stroke: stroke });
        else add("polygon", { points: pts.join(" "), fill: fill, stroke: stroke });
      }
    };
  }
  // the outline of a vis-network shape of radius r at (x, y)
  function shapePoints(kind, x, y, r, to, circle) {
    var k, pts = [];
    if (kind === "square") pts = [[-r, -r], [r, -r], [r, r], [-r, r]];
    else if (kind === "diamond") pts = [[0, -r * 1.3], [r * 1.3, 0], [0, r * 1.3], [-r * 1.3, 0]];
    else if (kind === "triangle") pts = [[0, -r * 1.15], [r, r * 0.75], [-r, r * 0.75]];
    else if (kind === "hexagon") for (k = 0; k < 6; k++) pts.push([r * Math.cos(Math.PI / 3 * k + Math.PI / 6), r * Math.sin(Math.PI / 3 * k + Math.PI / 6)]);
    else if (kind === "star") for (k = 0; k < 10; k++) {
      var rr = k % 2 ? r * 0.5 : r * 1.2, a = -Math.PI / 2 + Math.PI / 5 * k;
      pts.push([rr * Math.cos(a), rr * Math.sin(a)]);
    }
    else return circle();
    pts.forEach(function (p, q) { to(x + p[0], y + p[1], q === 0); });
  }
  // the line style of a confidence code (style.py LINE_STYLES: by the credibility digit)
  function lineOf(conf) {
    var c = parseInt(String(conf).slice(1), 10);
    var hit = (DATA.legend.lines || []).filter(function (l) { return l.creds.indexOf(c) >= 0; })[0];
    return hit ? hit.id : "solid";
  }
  function asOfText() {
    var per = META.period || {};
    if (year !== null) return "as of the end of " + year;
    if (per.as_of) return "as of " + per.as_of;
    return "as of " + META.generated + " (the data on that day)";
  }
  // what the view shows: its entities, lines and the sources they cite
  function shownNow() {
    var nodes = network.body.nodeIndices.slice(), edges = network.body.edgeIndices.slice();
    var groups = {}, natures = {}, lines = {}, cited = new Set();
    nodes.forEach(function (i) {
      groups[groupOf(NODES[i])] = (groups[groupOf(NODES[i])] || 0) + 1;
      (NODES[i].cites || []).forEach(function (c) { cited.add(c.s); });
    });
    edges.forEach(function (j) {
      var e = EDGES[j], r = RTYPES[e.type];
      if (r && r.nature) natures[r.nature] = (natures[r.nature] || 0) + 1;
      if (e.conf) lines[lineOf(e.conf)] = 1;
      (e.cites || []).forEach(function (c) { cited.add(c.s); });
    });
    return { nodes: nodes, edges: edges, groups: groups, natures: natures, lines: lines, cited: Array.from(cited) };
  }
  function sourcesText(cited) {
    var names = [], seen = new Set();
    cited.sort(function (a, b) { return a - b; }).forEach(function (s) {
      var row = SOURCES[s]; if (!row) return;
      var n = row.publisher || row.title;
      if (!seen.has(n)) { seen.add(n); names.push(n); }
    });
    return "Sources (" + fmt(cited.length) + " cited): " + names.join("; ");
  }
  function fitText(P, t, size, maxW, tail) {
    tail = tail == null ? "…" : tail;
    if (P.width(t, size) <= maxW) return t;
    var lo = 0, hi = t.length;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (P.width(t.slice(0, mid) + tail, size) <= maxW) lo = mid; else hi = mid - 1; }
    return t.slice(0, lo) + tail;
  }
  // the frame around the map: title, legend, as-of and sources lines; returns the legend's rows
  function drawFrame(P, W, H, mapW, mapH, shown) {
    var X = EXPORT, legendX = X.pad + mapW + X.pad;
    P.rect(0, 0, W, H, "#ffffff");
    P.text(X.pad, 28, fitText(P, META.title, 20, W - 2 * X.pad), 20, "#000000", "bold");
    if (META.subtitle) P.text(X.pad, 48, fitText(P, META.subtitle, 13, W - 2 * X.pad), 13, "#444444");
    P.rect(X.pad, X.headH, mapW, mapH, null, "#d0d0d6");
    var y = X.headH + 16, rows = [];
    function head(t) { y += 6; P.text(legendX, y, t, 12.5, "#333333", "bold"); y += 8; rows.push(t); }
    function row(t) { rows.push(t); }
    head(AGG ? "Groups" : "Entities");
    GROUPS.forEach(function (g) {
      if (!shown.groups[g.id]) return;
      y += 10; P.shape(g.shape || "dot", legendX + 9, y, 6, g.color, g.border);
      P.text(legendX + 24, y + 4.5, g.label + " (" + fmt(shown.groups[g.id]) + ")", 12, "#111111"); y += 10; row(g.label);
    });
    var natures = (DATA.legend.natures || []).filter(function (n) { return shown.natures[n.id]; });
    if (natures.length) {
      y += 6; head("Relations (colour: nature)");
      natures.forEach(function (n) {
        y += 10; P.line(legendX, y, legendX + 20, y, n.color, 3);
        P.text(legendX + 26, y + 4.5, n.label + (n.criminal ? " · criminal tie" : "") + " (" + fmt(shown.natures[n.id]) + ")", 12, "#111111");
        y += 10; row(n.label);
      });
    } else if (AGG && shown.edges.length) {
      y += 6; head("Lines: relations between groups");
    }
    var lines = (DATA.legend.lines || []).filter(function (l) { return shown.lines[l.id]; });
    if (lines.length) {
      y += 6; head("Confidence (line style)");
      lines.forEach(function (l) {
        y += 10; P.line(legendX, y, legendX + 20, y, "#444444", 1.6, l.dash);
        P.text(legendX + 26, y + 4.5, fitText(P, l.label, 11.5, X.legendW - 30), 11.5, "#111111"); y += 10; row(l.label);
      });
    }
    var c = shown;
    var fy = X.headH + mapH + 18;
    P.text(X.pad, fy, fitText(P, asOfText() + " · " + plural(c.nodes.length, AGG ? "group" : "entity", AGG ? "groups" : "entities") + ", " +
           plural(c.edges.length, AGG ? "line" : "relation") + " shown · crimegraph, generated " + META.generated, 12, W - 2 * X.pad), 12, "#333333");
    P.text(X.pad, fy + 18, fitText(P, sourcesText(c.cited), 11.5, W - 2 * X.pad, "… (all in the map's panel)"), 11.5, "#444444");
    return rows;
  }
  function exportSize() {
    var mapW = container.clientWidth, mapH = container.clientHeight;
    var W = EXPORT.pad + mapW + EXPORT.pad + EXPORT.legendW + EXPORT.pad;
    return { W: W, H: EXPORT.headH + mapH + EXPORT.footH, mapW: mapW, mapH: mapH };
  }
  function exportPNG() {
    var sz = exportSize(), src = container.querySelector("canvas");
    var ratio = src.width / sz.mapW || 1;
    var out = document.createElement("canvas");
    out.width = Math.round(sz.W * ratio); out.height = Math.round(sz.H * ratio);
    var c = out.getContext("2d");
    c.scale(ratio, ratio);
    var shown = shownNow();
    var rows = drawFrame(canvasPainter(c), sz.W, sz.H, sz.mapW, sz.mapH, shown);
    c.drawImage(src, EXPORT.pad, EXPORT.headH, sz.mapW, sz.mapH);
    return { canvas: out, legend: rows, width: out.width, height: out.height };
  }
  function exportSVG() {
    var sz = exportSize(), shown = shownNow();
    var svg = svgEl("svg", { xmlns: "http://www.w3.org/2000/svg", width: sz.W, height: sz.H, viewBox: "0 0 " + sz.W + " " + sz.H,
                             "font-family": "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif" });
    var title = svgEl("title", {}); title.textContent = META.title; svg.appendChild(title);
    var measure = canvasPainter(document.createElement("canvas").getContext("2d"));
    var rows = drawFrame(svgPainter(svg, measure), sz.W, sz.H, sz.mapW, sz.mapH, shown);
    var clipDefs = svgEl("defs", {}), clip = svgEl("clipPath", { id: "cg-map-clip" });
    clip.appendChild(svgEl("rect", { x: 0, y: 0, width: sz.mapW, height: sz.mapH }));
    clipDefs.appendChild(clip); svg.appendChild(clipDefs);
    var g = svgEl("g", { transform: "translate(" + EXPORT.pad + "," + EXPORT.headH + ")", "clip-path": "url(#cg-map-clip)" });
    svg.appendChild(g);
    var P = svgPainter(g, measure), scale = network.getScale();
    function at(i) { return network.canvasToDOM(network.getPosition(i)); }
    var pos = {};
    shown.nodes.forEach(function (i) { pos[i] = at(i); });
    shown.edges.forEach(function (j) {
      var v = edgesDS.get(j), e = EDGES[j], a = pos[e.from], b = pos[e.to];
      if (!a || !b) return;
      var col = typeof v.color === "object" ? v.color.color : v.color;
      var dash = Array.isArray(v.dashes) ? v.dashes.map(function (d) { return d * scale; }).join(",") : "";
      P.line(a.x, a.y, b.x, b.y, col, Math.max(0.6, (v.width || 1.4) * scale), dash);
      if (v.arrows !== "" && !AGG) {
        var dx = b.x - a.x, dy = b.y - a.y, L = Math.sqrt(dx * dx + dy * dy) || 1;
        var rr = (VIS.nodes[e.to].size || 10) * scale, al = Math.max(3, 8 * scale), tx = b.x - dx / L * rr, ty = b.y - dy / L * rr;
        var px = -dy / L * al * 0.45, py = dx / L * al * 0.45, bx = tx - dx / L * al, by = ty - dy / L * al;
        g.appendChild(svgEl("polygon", { points: [tx, ty, bx + px, by + py, bx - px, by - py].map(function (q) { return q.toFixed(1); }).join(" "), fill: col }));
      }
    });
    shown.nodes.forEach(function (i) {
      var st = GROUP[groupOf(NODES[i])] || {}, p = pos[i];
      P.shape(st.shape || "hexagon", p.x, p.y, Math.max(1.5, (VIS.nodes[i].size || 10) * scale), st.color || "#9e9e9e", st.border || "#555555");
    });
    lastLabels.forEach(function (b, k) {
      var i = lastLabelIds[k], strong = lastLabelStrong[k];
      var t = svgEl("text", { x: (b[0] + 2).toFixed(1), y: (b[1] + 1 + (strong ? 13.5 : 12) * 0.85).toFixed(1), "font-size": strong ? 13.5 : 12,
                              fill: "#000000", stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke", "stroke-linejoin": "round" });
      if (strong) t.setAttribute("font-weight", "600");
      t.textContent = nodeLabel(i);
      g.appendChild(t);
    });
    return { svg: new XMLSerializer().serializeToString(svg), legend: rows, width: sz.W, height: sz.H };
  }
  function download(name, href) {
    var a = el("a", { download: (norm(META.title).replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "map") + "." + name });
    a.href = href;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  document.getElementById("cg-png").addEventListener("click", function () {
    download("png", exportPNG().canvas.toDataURL("image/png"));
  });
  document.getElementById("cg-svg").addEventListener("click", function () {
    var url = URL.createObjectURL(new Blob([exportSVG().svg], { type: "image/svg+xml" }));
    download("svg", url);
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  });
  // the compact layout (map.css, a narrow frame): the Legend button opens the legend and panel
  var panelsBtn = document.getElementById("cg-panels");
  function setPanels(open) {
    document.body.classList.toggle("cg-legend-open", open);
    document.body.classList.toggle("cg-panel-open", open);
    panelsBtn.setAttribute("aria-pressed", open ? "true" : "false");
  }
  panelsBtn.addEventListener("click", function () { setPanels(panelsBtn.getAttribute("aria-pressed") !== "true"); });
  network.on("click", function (params) {
    if ((params.nodes && params.nodes.length) || (params.edges && params.edges.length)) document.body.classList.add("cg-panel-open");
  });
  // print the view as it is, the canvas redrawn at the printed size
  window.addEventListener("beforeprint", function () { network.redraw(); });
  var physicsBox = document.getElementById("cg-physics");
  if (N > META.physicsMaxNodes) {
    physicsBox.disabled = true;
    document.getElementById("cg-physics-label").title = "Too many entities for a live layout; the positions were computed in advance.";
  }
  physicsBox.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: physicsBox.checked, stabilization: { enabled: false } } });
  });

  // ------------------------------------------------------------------ ready
  var api = {
    ready: false,
    readyAt: null,
    timings: T,
    network: network,
    data: DATA,
    drawnCounts: function () {
      return { nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length };
    },
    shownCounts: function () {
      var n = 0, m = 0;
      for (var i = 0; i < N; i++) n += nodeOn[i];
      for (var j = 0; j < M; j++) m += edgeOn[j];
      return { nodes: n, edges: m };
    },
    timeCounts: function () { return timeCounts; },
    edgeStates: function () { return Array.from(edgeState); },
    labelBoxes: function () { return lastLabels.map(function (b) { return b.slice(0, 4); }); },
    showLabels: function (on) { labelsOn = !!on; network.redraw(); },
    indexOf: function (id) { for (var i = 0; i < N; i++) if (NODES[i].id === id) return i; return -1; },
    edgeIndexOf: function (id) { for (var j = 0; j < M; j++) if (EDGES[j].id === id) return j; return -1; },
    nodeScreenPosition: function (i) {
      var p = network.canvasToDOM(network.getPosition(i));
      var r = container.getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    },
    edgeScreenPosition: function (j) {
      var e = EDGES[j];
      var a = network.getPosition(e.from), b = network.getPosition(e.to);
      var p = network.canvasToDOM({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
      var r = container.getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    },
    focus: function (i) { focusNode(i, false); },
    selectEdge: selectEdge,
    setYear: function (y) { setYear(y); applyFilters(); },
    labelIds: function () { return lastLabelIds.slice(); },
    hideRelationType: function (t, hide) {
      document.querySelectorAll("#cg-legend-relations label").forEach(function (row) {
        var box = row.querySelector("input");
        if (row.dataset.key === t && box && box.checked === !!hide) box.click();
      });
    },
    exportPNG: function () { var x = exportPNG(); return { dataUrl: x.canvas.toDataURL("image/png"), legend: x.legend, width: x.width, height: x.height }; },
    exportSVG: exportSVG
  };
  window.crimegraphMap = api;

  function markReady() {
    if (api.ready) return;
    network.once("afterDrawing", function () {
      api.ready = true;
      api.readyAt = T.ready = performance.now();
      document.documentElement.setAttribute("data-ready", "true");
    });
    network.redraw();
  }
  if (META.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit({ animation: false });
      markReady();
    });
  } else {
    network.fit({ animation: false });
    markReady();
  }

  recompute();
  updateCounts();
  showPanel(overview, false);
  T.script = performance.now();
})();
