"""HTML pages: an entity with its relations and their sources, a relation, a source, the home page,
the SPARQL query page, the API docs, and RDF documents (ontology, shapes, VoID) for reading.

Every page is one self-contained document: CSS and JavaScript inline, no
request to any other host (a Content-Security-Policy header says so too, see
:data:`CSP`). Every string that comes from data is escaped with
:func:`html.escape`; data handed to a script travels as JSON inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped
(:func:`crimegraph.visualizations.render.safe_json`), and scripts write it
into the page with ``textContent`` only.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from crimegraph.schema.models import Citation, Entity, Relation, Source
from crimegraph.schema.types import CREDIBILITY, RELIABILITY
from crimegraph.schema.vocab import RELATION_TYPES

#: the Content-Security-Policy of every page: nothing may be loaded from anywhere else
CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'")
#: the CSP of a rendered map (its own page forbids every request; it may be framed by ours)
MAP_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
           "font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")


def esc(value) -> str:
    """``html.escape`` of anything, quotes included."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_json(obj) -> str:
    from crimegraph.visualizations.render import safe_json as _safe

    return _safe(obj)


@dataclass(frozen=True)
class Site:
    """What every page needs to know: the path prefix, the base IRI and the dataset title."""

    prefix: str
    base: str
    title: str = "crimegraph"

    def url(self, path: str) -> str:
        return f"{self.prefix}/{path.lstrip('/')}"

    def entity(self, slug: str) -> str:
        return self.url(f"id/{slug}")

    def relation(self, rid: str) -> str:
        return self.url(f"relation/{rid}")

    def source(self, sid: str) -> str:
        return self.url(f"source/{sid}")


CSS = """
:root{--fg:#1d232a;--mute:#5b6570;--line:#d9dee3;--bg:#fbfbfa;--acc:#8a1c1c;--chip:#eef1f4}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#20262d;color:#fff;padding:.55rem 1.2rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:baseline}
header a{color:#e8ecef;text-decoration:none;margin-right:.9rem}header a:hover{text-decoration:underline}
header .brand{font-weight:700;color:#fff;margin-right:1.4rem}
main{max-width:1100px;margin:0 auto;padding:1rem 1.2rem 3rem}
h1{font-size:1.7rem;margin:.6rem 0 .1rem}h2{font-size:1.2rem;margin:1.8rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
a{color:var(--acc)}code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#fff;border:1px solid var(--line);padding:.7rem;overflow:auto;white-space:pre-wrap;word-break:break-word}
.meta{color:var(--mute);margin:.1rem 0 .6rem}.chip{display:inline-block;background:var(--chip);border-radius:3px;padding:0 .4rem;margin:0 .2rem .2rem 0;font-size:.85rem}
.iri{font-size:.9rem;color:var(--mute);word-break:break-all}.formats a{margin-right:.6rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.5rem 0}dt{color:var(--mute)}dd{margin:0}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid var(--line);text-align:left;vertical-align:top;padding:.4rem .5rem}
th{font-size:.85rem;color:var(--mute);font-weight:600;background:#f4f5f6}
td.conf{white-space:nowrap}td.period{white-space:nowrap}
ol.cites,ul.cites{margin:.1rem 0;padding-left:1.1rem}.cites li{margin:.15rem 0}
q{color:#3d454d;font-style:italic}.small{font-size:.85rem;color:var(--mute)}
iframe.map{width:100%;height:min(82vh,760px);min-height:520px;border:1px solid var(--line);background:#fff}
input[type=search],input[type=text],select,textarea{font:inherit;padding:.35rem .5rem;border:1px solid #b9c1c9;border-radius:3px}
button{font:inherit;padding:.35rem .9rem;border:0;border-radius:3px;background:var(--acc);color:#fff;cursor:pointer}
textarea{width:100%;min-height:14rem;font:13px/1.45 ui-monospace,monospace}
.problem{border-left:4px solid var(--acc);background:#fff4f4;padding:.5rem .8rem}
.num{text-align:right;font-variant-numeric:tabular-nums}
footer{color:var(--mute);font-size:.8rem;text-align:center;padding:2rem 0}
"""


def layout(site: Site, title: str, body: str, *, head: str = "", scripts: str = "") -> str:
    nav = "".join(f'<a href="{esc(site.url(p))}">{esc(label)}</a>' for p, label in (
        ("", "Home"), ("sparql", "SPARQL"), ("docs", "API"), ("void", "VoID"), ("ontology/", "Ontology"),
        ("dump.ttl", "Dump")))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="referrer" content="no-referrer">\n<link rel="icon" href="data:,">\n'
            f"<title>{esc(title)} — {esc(site.title)}</title>\n<style>{CSS}</style>\n{head}</head>\n<body>\n"
            f'<header><a class="brand" href="{esc(site.url(""))}">crimegraph</a><nav>{nav}</nav></header>\n'
            f"<main>\n{body}\n</main>\n<footer>crimegraph · every relation carries its period, confidence "
            f"and sources</footer>\n{scripts}</body>\n</html>\n")


# ---------------------------------------------------------------- pieces
def entity_link(site: Site, slug: str, name: str, *, current: Optional[str] = None) -> str:
    if slug == current:
        return f"<strong>{esc(name)}</strong>"
    return f'<a href="{esc(site.entity(slug))}">{esc(name)}</a>'


def external_link(url: Optional[str], text: Optional[str] = None) -> str:
    """A link to a source's URL (http/https only), or nothing."""
    if not url or not url.startswith(("http://", "https://")):
        return ""
    return (f'<a href="{esc(url)}" rel="noopener noreferrer nofollow" target="_blank">'
            f"{esc(text or url)}</a>")


def citation_html(site: Site, c: Citation, sources) -> str:
    s: Optional[Source] = sources.get(c.source) if sources is not None else None
    if s is None:
        head = f'<a href="{esc(site.source(c.source))}">{esc(c.source)}</a>'
    else:
        words = ", ".join(esc(p) for p in (s.publisher, s.title) if p)
        head = f'<a href="{esc(site.source(s.id))}">{words}</a>'
        if s.date:
            head += f" ({esc(s.date)})"
        head += (f' <span class="chip" title="{esc(RELIABILITY.get(s.reliability, ""))}">'
                 f"{esc(s.reliability)}</span>")
    if c.page:
        head += f", p. {esc(c.page)}"
    if c.quote:
        head += f"<br><q>{esc(c.quote)}</q>"
    return head


def citations_html(site: Site, citations: Iterable[Citation], sources) -> str:
    items = "".join(f"<li>{citation_html(site, c, sources)}</li>" for c in citations)
    return f'<ul class="cites">{items}</ul>'


def relation_phrase(site: Site, r: Relation, names, *, current: Optional[str] = None) -> str:
    decl = RELATION_TYPES[r.type]
    arrow = f" —{esc(decl.label)}— " if decl.symmetric else f" —{esc(decl.label)}→ "
    return (entity_link(site, r.subject, names.get(r.subject, r.subject), current=current) + arrow
            + entity_link(site, r.object, names.get(r.object, r.object), current=current))


def confidence_html(r: Relation) -> str:
    c = r.confidence
    return f'<span class="chip" title="{esc(c.describe())}">{esc(c.code)}</span>'


def formats_html(site: Site, path: str) -> str:
    links = [(f"{path}.ttl", "Turtle"), (f"{path}.nt", "N-Triples"), (f"{path}.jsonld", "JSON-LD"),
             (f"{path}.json", "JSON")]
    return '<span class="formats">' + "".join(
        f'<a href="{esc(site.url(p))}">{esc(label)}</a>' for p, label in links) + "</span>"


def alternates_head(site: Site, path: str) -> str:
    return "".join(f'<link rel="alternate" type="{t}" href="{esc(site.url(path + ext))}">\n' for ext, t in (
        (".ttl", "text/turtle"), (".nt", "application/n-triples"), (".jsonld", "application/ld+json"),
        (".json", "application/json")))


def _facts(e: Entity) -> str:
    rows = []
    if e.aliases:
        rows.append(("Also known as", ", ".join(
            esc(a.name) + (f' <span class="small">({esc(a.lang)})</span>' if a.lang else "") for a in e.aliases)))
    if e.description:
        rows.append(("Description", esc(e.description)))
    if e.status:
        rows.append(("Status", esc(e.status)))
    date = getattr(e, "date", None)
    if date is not None:
        rows.append(("Date", esc(date)))
    figures = getattr(e, "figures", None)
    if figures is not None:
        bits = [f"{esc(k)}: {esc(v)}" for k, v in figures.model_dump(exclude_none=True).items()]
        if bits:
            rows.append(("Figures", "; ".join(bits)))
    coords = getattr(e, "coordinates", None)
    if coords is not None:
        rows.append(("Coordinates", f"{esc(coords.lat)}, {esc(coords.lon)}"))
    for k, v in e.external_ids.items():
        rows.append((esc(k), esc(v)))
    if not rows:
        return ""
    return "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


# ---------------------------------------------------------------- entity
def entity_page(site: Site, e: Entity, relations: Sequence[Relation], names: dict, sources, *,
                map_url: Optional[str] = None) -> str:
    iri = f"{site.base}id/{e.id}"
    head = [f"<h1>{esc(e.name)}</h1>",
            f'<p class="meta">{esc(e.type_label)} · {esc(e.kind.value)}'
            + (f" · {esc(e.status)}" if e.status else "") + "</p>",
            f'<p class="iri">IRI <code>{esc(iri)}</code> · {formats_html(site, f"id/{e.id}")}</p>',
            _facts(e),
            "<h3>Sources for this entity</h3>" + citations_html(site, e.citations, sources)]
    n = len(relations)
    rows = []
    for r in relations:
        rows.append(
            "<tr>"
            f"<td>{relation_phrase(site, r, names, current=e.id)}"
            f'<div class="small"><a href="{esc(site.relation(r.id))}">{esc(r.id)}</a>'
            + (f" · {esc(r.notes)}" if r.notes else "") + "</div></td>"
            f'<td class="period">{esc(r.period) or "—"}</td>'
            f'<td class="conf">{confidence_html(r)}</td>'
            f"<td>{citations_html(site, r.citations, sources)}</td>"
            "</tr>")
    table = ("<table><thead><tr><th>Relation</th><th>Period</th><th>Confidence</th><th>Sources</th>"
             "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>") if rows else "<p>No relations.</p>"
    body = "\n".join(head) + f"\n<h2>Relations ({n})</h2>\n{table}\n"
    if map_url:
        body += (f'<h2>Map</h2>\n<iframe class="map" src="{esc(map_url)}" loading="lazy" '
                 f'sandbox="allow-scripts" title="Network map around {esc(e.name)}"></iframe>\n'
                 f'<p class="small">The entity and its neighbours; <a href="{esc(map_url)}">open the map '
                 "on its own page</a>.</p>\n")
    return layout(site, e.name, body, head=alternates_head(site, f"id/{e.id}"))


# ---------------------------------------------------------------- relation
def relation_page(site: Site, r: Relation, subject: Entity, obj: Entity, sources) -> str:
    names = {subject.id: subject.name, obj.id: obj.name}
    decl = RELATION_TYPES[r.type]
    c = r.confidence
    rows = [("Type", f"{esc(decl.label)} <code>{esc(r.type)}</code>" + (" (symmetric)" if decl.symmetric else "")),
            ("Subject", entity_link(site, subject.id, subject.name)),
            ("Object", entity_link(site, obj.id, obj.name)),
            ("Period", esc(r.period) or "unknown"),
            ("Confidence", f"{esc(c.code)}: {esc(c.describe())}")]
    if r.notes:
        rows.append(("Notes", esc(r.notes)))
    body = (f"<h1>{relation_phrase(site, r, names)}</h1>\n"
            f'<p class="iri">IRI <code>{esc(site.base)}relation/{esc(r.id)}</code> · '
            f'{formats_html(site, f"relation/{r.id}")}</p>\n'
            "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>\n"
            f"<h2>Evidence ({len(r.citations)} citation{'s' if len(r.citations) != 1 else ''})</h2>\n"
            + citations_html(site, r.citations, sources))
    title = f"{subject.name} {decl.label} {obj.name}"
    return layout(site, title, body, head=alternates_head(site, f"relation/{r.id}"))


# ---------------------------------------------------------------- source
def source_page(site: Site, support) -> str:
    """A source and what it supports (a :class:`crimegraph.queries.SourceSupport`), with the quotes."""
    s, relations, entities, names = support.source, support.relations, support.entities, support.names
    rows = [("Title", esc(s.title))]
    if s.publisher:
        rows.append(("Publisher", esc(s.publisher)))
    if s.date:
        rows.append(("Date", esc(s.date)))
    if s.url:
        rows.append(("URL", external_link(s.url) or esc(s.url)))
    rows.append(("Reliability", f"{esc(s.reliability)}: {esc(RELIABILITY.get(s.reliability, ''))}"))
    if s.notes:
        rows.append(("Notes", esc(s.notes)))

    def quotes(citations) -> str:
        qs = [c for c in citations if c.source == s.id and c.quote]
        if not qs:
            return ""
        return "<ul>" + "".join(f"<li><q>{esc(c.quote)}</q>" + (f" (p. {esc(c.page)})" if c.page else "")
                                + "</li>" for c in qs) + "</ul>"

    rel_items = "".join(
        f"<li>{relation_phrase(site, r, names)} <span class=\"small\">({esc(r.period) or 'undated'}; "
        f'<a href="{esc(site.relation(r.id))}">{esc(r.id)}</a>)</span>{quotes(r.citations)}</li>'
        for r in relations)
    ent_items = "".join(f"<li>{entity_link(site, e.id, e.name)} <span class=\"small\">"
                        f"{esc(e.type_label)}</span>{quotes(e.citations)}</li>" for e in entities)
    body = (f"<h1>{esc(s.title)}</h1>\n"
            f'<p class="iri">IRI <code>{esc(site.base)}source/{esc(s.id)}</code> · '
            f'{formats_html(site, f"source/{s.id}")}</p>\n'
            "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>\n"
            f"<h2>Relations citing it ({len(relations)})</h2>\n<ul>{rel_items}</ul>\n"
            f"<h2>Entities citing it ({len(entities)})</h2>\n<ul>{ent_items}</ul>\n")
    return layout(site, s.title, body, head=alternates_head(site, f"source/{s.id}"))


# ---------------------------------------------------------------- home
def home_page(site: Site, meta, counts: dict, *, query: Optional[str] = None,
              hits: Optional[list] = None, example: Optional[str] = None) -> str:
    title = (meta.title if meta is not None and meta.title else "crimegraph")
    parts = [f"<h1>{esc(title)}</h1>"]
    if meta is not None and meta.description:
        parts.append(f"<p>{esc(meta.description)}</p>")
    if meta is not None and meta.license:
        parts.append(f'<p class="small">License: {esc(meta.license)}</p>')
    parts.append(f'<form method="get" action="{esc(site.url(""))}"><input type="search" name="q" '
                 f'maxlength="200" placeholder="Search a name or alias" value="{esc(query or "")}" '
                 'size="40"> <button>Search</button></form>')
    if query is not None:
        if hits:
            items = "".join(f'<li>{entity_link(site, h["id"], h["name"])} <span class="small">'
                            f'{esc(h["type"])} · {esc(h["reason"])} · score {esc(h["score"])}</span></li>'
                            for h in hits)
            parts.append(f"<h2>Results for “{esc(query)}”</h2><ol>{items}</ol>")
        else:
            parts.append(f"<h2>Results for “{esc(query)}”</h2><p>Nothing matches.</p>")
    kinds = "".join(f'<tr><td>{esc(k)}</td><td class="num">{esc(v)}</td></tr>'
                    for k, v in counts.get("by_kind", {}).items())
    parts.append("<h2>Contents</h2><table style=\"max-width:28rem\"><tbody>"
                 f'<tr><td>entities</td><td class="num">{esc(counts.get("entities"))}</td></tr>{kinds}'
                 f'<tr><td>relations</td><td class="num">{esc(counts.get("relations"))}</td></tr>'
                 f'<tr><td>sources</td><td class="num">{esc(counts.get("sources"))}</td></tr>'
                 f'<tr><td>citations</td><td class="num">{esc(counts.get("citations"))}</td></tr>'
                 "</tbody></table>")
    links = [
        ("id/" + (example or "shining-path"), "An entity", f"{site.base}id/{example or 'shining-path'}: "
         "ask for text/turtle, application/ld+json, application/n-triples, application/json or text/html"),
        ("sparql", "SPARQL endpoint", "SPARQL 1.1 Protocol, read-only; a query page for browsers"),
        ("docs", "API documentation", "the query endpoints under /api/ and everything else (OpenAPI)"),
        ("void", "VoID description", "what the dataset holds and where to get it"),
        ("ontology/", "Ontology", "OWL, generated from the schema"),
        ("shapes/", "SHACL shapes", "what every export conforms to"),
        ("ontology/context.jsonld", "JSON-LD context", ""),
        ("dump.ttl", "Dump: Turtle", ""), ("dump.nt", "Dump: N-Triples", ""),
        ("dump.jsonld", "Dump: JSON-LD", ""), ("dump.trig", "Dump: TriG", ""),
    ]
    parts.append("<h2>Linked data</h2><ul>" + "".join(
        f'<li><a href="{esc(site.url(p))}">{esc(label)}</a>' + (f' <span class="small">— {esc(d)}</span>' if d else "")
        + "</li>" for p, label, d in links) + "</ul>")
    return layout(site, title, "\n".join(parts))


# ---------------------------------------------------------------- RDF documents for reading
def rdf_page(site: Site, title: str, intro: str, text: str, formats: Sequence[tuple[str, str]]) -> str:
    links = " ".join(f'<a href="{esc(site.url(p))}">{esc(label)}</a>' for p, label in formats)
    body = (f"<h1>{esc(title)}</h1>\n<p>{esc(intro)}</p>\n<p class=\"formats\">{links}</p>\n"
            f"<pre>{esc(text)}</pre>")
    return layout(site, title, body)


def problems_page(site: Site, types) -> str:
    items = "".join(
        f'<h2 id="{esc(t.slug)}">{esc(t.title)} <span class="small">({esc(t.status)}, '
        f"<code>{esc(site.base)}problems/{esc(t.slug)}</code>)</span></h2><p>{esc(t.description)}</p>"
        for t in types)
    body = ("<h1>Problem types</h1><p>Errors are sent as RFC 9457 problem details "
            "(<code>application/problem+json</code>); their <code>type</code> is one of these.</p>" + items)
    return layout(site, "Problem types", body)


# ---------------------------------------------------------------- SPARQL
SPARQL_JS = r"""
(function(){
  var cfg = JSON.parse(document.getElementById('cfg').textContent);
  var ta = document.getElementById('query'), out = document.getElementById('out');
  var sel = document.getElementById('examples'), fmt = document.getElementById('fmt');
  cfg.examples.forEach(function(ex, i){ var o = document.createElement('option'); o.value = i;
    o.textContent = ex.name; sel.appendChild(o); });
  sel.addEventListener('change', function(){ var ex = cfg.examples[sel.value]; if (ex) ta.value = ex.query; });
  if (!ta.value && cfg.examples.length) ta.value = cfg.examples[0].query;
  function clear(){ while (out.firstChild) out.removeChild(out.firstChild); }
  function el(tag, text, cls){ var e = document.createElement(tag); if (text != null) e.textContent = text;
    if (cls) e.className = cls; return e; }
  function term(t){ if (!t) return ''; if (t.type === 'literal') return t.value + (t['xml:lang'] ? ' @' + t['xml:lang'] : '');
    if (t.type === 'bnode') return '_:' + t.value; if (t.type === 'triple') return '<< … >>'; return t.value; }
  function cell(t){ var td = document.createElement('td'); if (t && t.type === 'uri' && t.value.indexOf(cfg.base) === 0) {
      var a = document.createElement('a'); a.href = cfg.prefix + '/' + t.value.slice(cfg.base.length); a.textContent = t.value;
      td.appendChild(a); } else { td.textContent = term(t); } return td; }
  document.getElementById('run').addEventListener('click', function(ev){
    ev.preventDefault(); clear(); var t0 = performance.now();
    out.appendChild(el('p', 'Running…', 'small'));
    fetch(cfg.endpoint, {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded',
      'Accept': fmt.value}, body: new URLSearchParams({query: ta.value})}).then(function(r){
      return r.text().then(function(text){ return {r: r, text: text}; }); }).then(function(res){
      clear(); var ms = Math.round(performance.now() - t0), ct = res.r.headers.get('content-type') || '';
      if (!res.r.ok) { var box = el('div', null, 'problem'); var p = null;
        try { p = JSON.parse(res.text); } catch (e) {}
        box.appendChild(el('strong', p && p.title ? p.title : ('HTTP ' + res.r.status)));
        box.appendChild(el('p', p && p.detail ? p.detail : res.text)); out.appendChild(box); return; }
      if (ct.indexOf('sparql-results+json') >= 0) { var data = JSON.parse(res.text);
        if (data.boolean !== undefined) { out.appendChild(el('p', 'ASK: ' + data.boolean)); return; }
        var vars = data.head.vars, rows = data.results.bindings;
        out.appendChild(el('p', rows.length + ' row' + (rows.length === 1 ? '' : 's') + ' in ' + ms + ' ms', 'small'));
        var table = document.createElement('table'), tr = document.createElement('tr');
        vars.forEach(function(v){ tr.appendChild(el('th', '?' + v)); }); var thead = document.createElement('thead');
        thead.appendChild(tr); table.appendChild(thead); var tb = document.createElement('tbody');
        rows.forEach(function(b){ var tr = document.createElement('tr'); vars.forEach(function(v){ tr.appendChild(cell(b[v])); });
          tb.appendChild(tr); }); table.appendChild(tb); out.appendChild(table);
      } else { out.appendChild(el('p', ct + ' in ' + ms + ' ms', 'small')); out.appendChild(el('pre', res.text)); }
    }).catch(function(e){ clear(); out.appendChild(el('p', String(e), 'problem')); });
  });
})();
"""


def sparql_page(site: Site, endpoint: str, examples: list[dict], limits: dict) -> str:
    cfg = {"endpoint": endpoint, "examples": examples, "base": site.base, "prefix": site.prefix}
    formats = [("application/sparql-results+json", "table (SELECT, ASK)"),
               ("text/turtle", "Turtle (CONSTRUCT, DESCRIBE)"),
               ("application/sparql-results+xml", "XML results"), ("text/csv", "CSV"),
               ("text/tab-separated-values", "TSV"), ("application/ld+json", "JSON-LD"),
               ("application/n-triples", "N-Triples")]
    opts = "".join(f'<option value="{esc(v)}">{esc(label)}</option>' for v, label in formats)
    body = (
        "<h1>SPARQL</h1>"
        f'<p>SPARQL 1.1 Protocol at <code>{esc(site.base)}sparql</code> (GET, form POST, or '
        "<code>application/sparql-query</code> POST). Read-only: updates and <code>SERVICE</code> are "
        f"refused. Limits: {esc(limits['timeout'])} s per query, {esc(limits['max_results'])} results. "
        "The prefixes <code>cg: skos: dcterms: prov: schema: rdf: rdfs: xsd: owl: id: rel: src:</code> "
        "are predeclared; the ontology and the shapes are in the named graphs "
        f"<code>{esc(site.base)}ontology/</code> and <code>{esc(site.base)}shapes/</code>.</p>"
        '<form id="form"><p><label>Example <select id="examples"><option value="">—</option></select></label></p>'
        '<textarea id="query" name="query" spellcheck="false" maxlength="65536"></textarea>'
        f'<p><label>Result <select id="fmt">{opts}</select></label> <button id="run">Run</button></p></form>'
        '<div id="out"></div>')
    scripts = (f'<script type="application/json" id="cfg">{safe_json(cfg)}</script>\n'
               f"<script>{SPARQL_JS}</script>\n")
    return layout(site, "SPARQL", body, scripts=scripts)


# ---------------------------------------------------------------- API docs
DOCS_JS = r"""
(function(){
  var spec = JSON.parse(document.getElementById('spec').textContent);
  var root = document.getElementById('ops'), toc = document.getElementById('toc');
  function el(tag, text, cls){ var e = document.createElement(tag); if (text != null) e.textContent = text;
    if (cls) e.className = cls; return e; }
  function resolve(s){ if (s && s.$ref) { var name = s.$ref.split('/').pop();
    return (spec.components && spec.components.schemas && spec.components.schemas[name]) || {}; } return s || {}; }
  function typeOf(s){ s = resolve(s); if (s.anyOf) return s.anyOf.map(typeOf).filter(function(t){ return t !== 'null'; }).join(' | ');
    if (s.type === 'array') return 'array of ' + typeOf(s.items || {}); if (s.enum) return (s.type || '') + ' (' + s.enum.join(', ') + ')';
    return s.type || (s.$ref ? s.$ref.split('/').pop() : 'any'); }
  function limits(s){ s = resolve(s); var out = [], parts = s.anyOf ? s.anyOf.map(resolve) : [s];
    parts.forEach(function(p){ ['minimum','maximum','minLength','maxLength','maxItems','pattern','default'].forEach(function(k){
      if (p[k] !== undefined) out.push(k + ' ' + JSON.stringify(p[k])); });
      if (p.items) { ['maxLength','pattern'].forEach(function(k){ if (p.items[k] !== undefined) out.push('each ' + k + ' ' + JSON.stringify(p.items[k])); }); } });
    if (s.default !== undefined && !parts.length) out.push('default ' + JSON.stringify(s.default)); return out.join('; '); }
  var groups = {};
  Object.keys(spec.paths).forEach(function(path){ var item = spec.paths[path];
    Object.keys(item).forEach(function(method){ var op = item[method]; var tag = (op.tags && op.tags[0]) || 'other';
      (groups[tag] = groups[tag] || []).push({path: path, method: method, op: op}); }); });
  var tagDocs = {}; (spec.tags || []).forEach(function(t){ tagDocs[t.name] = t.description; });
  Object.keys(groups).forEach(function(tag){
    var li = el('li'); var a = el('a', tag); a.href = '#tag-' + tag; li.appendChild(a); toc.appendChild(li);
    var h = el('h2', tag); h.id = 'tag-' + tag; root.appendChild(h);
    if (tagDocs[tag]) root.appendChild(el('p', tagDocs[tag]));
    groups[tag].forEach(function(x){
      var box = el('section', null, 'op'); var title = el('h3');
      title.appendChild(el('span', x.method.toUpperCase() + ' ', 'method')); title.appendChild(el('code', x.path));
      box.appendChild(title); if (x.op.summary) box.appendChild(el('p', x.op.summary));
      if (x.op.description) x.op.description.split(/\n\n+/).forEach(function(par){ box.appendChild(el('p', par, 'small')); });
      var params = x.op.parameters || [];
      if (params.length) { var t = el('table'); var hr = el('tr');
        ['parameter','in','type','required','limits','description'].forEach(function(c){ hr.appendChild(el('th', c)); });
        var th = el('thead'); th.appendChild(hr); t.appendChild(th); var tb = el('tbody');
        params.forEach(function(p){ var r = el('tr'); r.appendChild(el('td', p.name)); r.appendChild(el('td', p.in));
          r.appendChild(el('td', typeOf(p.schema))); r.appendChild(el('td', p.required ? 'yes' : ''));
          r.appendChild(el('td', limits(p.schema))); r.appendChild(el('td', p.description || resolve(p.schema).description || ''));
          tb.appendChild(r); }); t.appendChild(tb); box.appendChild(t); }
      if (x.op.requestBody && x.op.requestBody.content) box.appendChild(el('p', 'Request body: ' + Object.keys(x.op.requestBody.content).join(', '), 'small'));
      var resp = x.op.responses || {}; var ul = el('ul', null, 'small');
      Object.keys(resp).forEach(function(code){ var r = resp[code]; var types = r.content ? ' — ' + Object.keys(r.content).join(', ') : '';
        ul.appendChild(el('li', code + ': ' + (r.description || '') + types)); }); box.appendChild(ul);
      if (x.method === 'get') { var form = el('form'); var inputs = [];
        params.forEach(function(p){ if (p.in !== 'path' && p.in !== 'query') return; var lab = el('label', p.name + ' ');
          var inp = document.createElement('input'); inp.type = 'text'; inp.size = 18; inp.name = p.name;
          var ex = p.example !== undefined ? p.example : (p.schema && p.schema.example);
          if (ex !== undefined) inp.value = ex; lab.appendChild(inp); form.appendChild(lab); form.appendChild(document.createTextNode(' '));
          inputs.push({p: p, inp: inp}); });
        var btn = el('button', 'Try'); form.appendChild(btn); var pre = el('pre'); pre.hidden = true;
        form.addEventListener('submit', function(ev){ ev.preventDefault(); var path = x.path, q = new URLSearchParams();
          inputs.forEach(function(i){ var v = i.inp.value; if (i.p.in === 'path') path = path.replace('{' + i.p.name + '}', encodeURIComponent(v));
            else if (v !== '') q.append(i.p.name, v); });
          var url = path + (q.toString() ? '?' + q.toString() : ''); pre.hidden = false; pre.textContent = 'GET ' + url + ' …';
          fetch(url).then(function(r){ return r.text().then(function(t){ pre.textContent = 'GET ' + url + '\n' + r.status + ' ' +
            (r.headers.get('content-type') || '') + '\n\n' + (t.length > 20000 ? t.slice(0, 20000) + '\n…' : t); }); })
            .catch(function(e){ pre.textContent = String(e); }); });
        box.appendChild(form); box.appendChild(pre); }
      root.appendChild(box); }); });
})();
"""

DOCS_CSS = ("<style>section.op{background:#fff;border:1px solid var(--line);padding:.3rem .9rem .6rem;margin:.8rem 0}"
            "section.op h3{margin:.4rem 0}.method{color:var(--acc);font-weight:700}"
            "form label{margin-right:.5rem;font-size:.9rem}#toc{columns:3}</style>\n")


def docs_page(site: Site, spec: dict) -> str:
    info = spec.get("info", {})
    body = (f"<h1>{esc(info.get('title', 'API'))} <span class=\"small\">{esc(info.get('version', ''))}</span></h1>"
            f"<p>{esc(info.get('summary') or '')}</p>"
            f'<p class="small">The OpenAPI document: <a href="{esc(site.url("openapi.json"))}">openapi.json</a>. '
            "This page renders it without loading anything from elsewhere.</p>"
            '<ul id="toc"></ul><div id="ops"></div>')
    scripts = (f'<script type="application/json" id="spec">{safe_json(spec)}</script>\n'
               f"<script>{DOCS_JS}</script>\n")
    return layout(site, "API documentation", body, head=DOCS_CSS, scripts=scripts)


__all__ = ["CSP", "MAP_CSP", "Site", "esc", "entity_page", "relation_page", "source_page", "home_page",
           "sparql_page", "docs_page", "rdf_page", "problems_page", "CREDIBILITY"]
