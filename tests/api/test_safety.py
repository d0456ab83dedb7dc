"""Safety: problem details everywhere and never a traceback; CORS off by default; escaping; offline pages."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from crimegraph.visualizations import check_offline

BASE = "http://testserver/"


def assert_problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert {"type", "title", "status"} <= set(body) and body["status"] == status
    assert body["type"] == "about:blank" or body["type"].startswith(BASE + "problems/")
    for text in (r.text, *(str(v) for v in body.values())):
        assert "Traceback" not in text and 'File "' not in text and ".py" not in text
    return body


@pytest.mark.parametrize("method, path, kwargs, status", [
    ("GET", "/nothing/here", {}, 404),
    ("GET", "/id/nobody", {}, 404),
    ("DELETE", "/id/shining-path", {}, 405),
    ("PUT", "/sparql", {}, 405),
    ("GET", "/id/shining-path", {"headers": {"Accept": "image/gif"}}, 406),
    ("GET", "/api/ego/peru?depth=99", {}, 422),
    ("GET", "/api/ego/peru?as_of=2019-02-31", {}, 400),
    ("GET", "/sparql?query=SELECT", {}, 400),
    ("POST", "/sparql", {"data": {"update": "CLEAR ALL"}}, 403),
    ("POST", "/sparql", {"content": b"x", "headers": {"Content-Type": "text/plain"}}, 415),
    ("POST", "/sparql", {"content": b"q" * 100_000, "headers": {"Content-Type": "application/sparql-query"}}, 413),
])
def test_errors_are_problem_details(client, method, path, kwargs, status):
    assert_problem(client.request(method, path, **kwargs), status)


def test_a_bug_is_a_500_problem_without_details(client, app_state, monkeypatch):
    class Broken:
        def __init__(self, store):
            self._store = store

        def __getattr__(self, name):
            return getattr(self._store, name)

        def relations(self, *args, **kwargs):
            raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(app_state, "store", Broken(app_state.store))
    app_state.cache.clear()
    try:
        r = client.get("/id/peru", headers={"Accept": "text/turtle"})
        body = assert_problem(r, 500)
        assert body["type"] == BASE + "problems/internal-error"
        assert "secret" not in r.text and "RuntimeError" not in r.text and body["incident"]
        body = assert_problem(client.get("/api/entity/peru"), 500)
    finally:
        app_state.cache.clear()
        app_state.answers.clear()


def test_problem_types_are_documented(client):
    body = client.get("/id/nobody").json()
    page = client.get(body["type"][len(BASE) - 1:])
    assert page.status_code == 200 and "Not found" in page.text
    assert client.get("/problems/").status_code == 200
    assert_problem(client.get("/problems/nope"), 404)


def test_cors_is_off_by_default(client):
    r = client.get("/id/peru", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    pre = client.options("/sparql", headers={"Origin": "https://evil.example",
                                              "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in pre.headers


def test_cors_when_configured(peru_store):
    from tests.api.conftest import make_client

    with make_client(peru_store, cors_origins=("https://ok.example",)) as c:
        r = c.get("/id/peru", headers={"Origin": "https://ok.example"})
        assert r.headers["access-control-allow-origin"] == "https://ok.example"
        assert "Content-Location" in r.headers["access-control-expose-headers"]
        other = c.get("/id/peru", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        pre = c.options("/sparql", headers={"Origin": "https://ok.example",
                                            "Access-Control-Request-Method": "POST"})
        assert pre.status_code == 200 and "POST" in pre.headers["access-control-allow-methods"]


def test_security_headers(client):
    r = client.get("/id/peru.html")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert client.get("/health").headers["x-content-type-options"] == "nosniff"


def test_health(client):
    h = client.get("/health").json()
    assert h["status"] == "ok" and h["store"] == "memory" and h["entities"] == 135
    assert h["sparql"]["workers"] == 1


# ---------------------------------------------------------------- HTML: escaping and offline
class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    p = Tags()
    p.feed(html)
    return p.tags


def assert_inert(html: str, *, scripts_allowed: bool = False) -> None:
    """No element or attribute that data could have injected."""
    for tag, attrs in tags(html):
        assert tag not in ("img", "svg", "object", "embed", "base"), (tag, attrs)
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
        assert not any(str(v or "").lower().lstrip().startswith("javascript:") for v in attrs.values()), attrs
        if tag == "script":
            assert scripts_allowed and "src" not in attrs, attrs
        if tag == "iframe":
            assert attrs.get("src", "").startswith("/map/") and attrs.get("sandbox") == "allow-scripts"
    assert html.count("<style>") <= 2


XSS_STRINGS = ["<img src=x onerror=alert(1)>", "</script><script>alert('description')</script>",
               "\"><svg onload=alert('quote')>", "<style>body{display:none}</style>",
               "<script>alert('notes')</script>", "<img src=x onerror=alert('publisher')>"]


def test_hostile_strings_stay_text_in_pages(xss_client):
    import html as h

    pages = {
        "/id/evil-actor.html": ["<img src=x onerror=alert(1)>", "</script><script>alert('description')</script>",
                                "\"><svg onload=alert('quote')>", "<script>alert('notes')</script>"],
        "/id/other-actor.html": ["<style>body{display:none}</style>"],
        "/source/src-evil.html": ["<img src=x onerror=alert('publisher')>"],
        "/relation/evil-actor--operates-in--plain-place.html": ["<script>alert('notes')</script>"],
    }
    for path, strings in pages.items():
        r = xss_client.get(path)
        assert r.status_code == 200, path
        assert_inert(r.text)
        for s in strings:
            assert s not in r.text, (path, s)
            assert h.escape(s, quote=True) in r.text, (path, s)
    home = xss_client.get("/", params={"q": "<script>alert('q')</script>"}, headers={"Accept": "text/html"})
    assert "<script>alert('q')</script>" not in home.text
    assert_inert(home.text)


def test_hostile_url_stays_in_its_attribute(xss_client):
    page = xss_client.get("/source/src-evil.html").text
    links = [a for t, a in tags(page) if t == "a" and "example.org" in a.get("href", "")]
    assert links and all(a["href"].startswith("https://example.org/") for a in links)
    assert all(a.get("rel") == "noopener noreferrer nofollow" for a in links)


def test_hostile_strings_in_rdf_and_json_are_data(xss_client):
    import json

    import pyoxigraph as ox

    r = xss_client.get("/id/evil-actor", headers={"Accept": "text/turtle"})
    names = [q.object.value for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)
             if q.subject.value == BASE + "id/evil-actor" and q.predicate.value.endswith("prefLabel")]
    assert names == ["<img src=x onerror=alert(1)>"]
    data = json.loads(xss_client.get("/id/evil-actor.json").content)
    assert data["entity"]["name"] == "<img src=x onerror=alert(1)>"


PAGES = ["/", "/?q=shining", "/id/shining-path.html", "/relation/shining-path--operates-in--vraem.html",
         "/source/insightcrime-peru-profile.html", "/sparql", "/docs", "/void.html", "/ontology.html",
         "/ontology/operatesIn.html", "/shapes.html", "/problems/", "/map/shining-path"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_elsewhere(client, path):
    r = client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert check_offline(html) == []
    for tag, attrs in tags(html):
        for key in ("src", "href", "action", "data"):
            v = attrs.get(key) or ""
            if tag in ("a",) and key == "href":
                continue  # links to sources are navigation, not loads
            assert not v.startswith(("http:", "https:", "//")), (tag, attrs)
    assert "cdn" not in html.lower() or path == "/map/shining-path"
    if path != "/map/shining-path":
        assert_inert(html, scripts_allowed=path in ("/sparql", "/docs"))


def test_docs_are_offline_and_describe_the_api(client):
    html = client.get("/docs").text
    assert "swagger" not in html.lower() and "redoc" not in html.lower()
    assert '<script type="application/json" id="spec">' in html
    assert "/api/connections" in html and "/sparql" in html
    assert client.get("/redoc").status_code == 404
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    params = {p["name"]: p for p in spec["paths"]["/api/ego/{ref}"]["get"]["parameters"]}
    assert params["depth"]["schema"]["maximum"] == 3 and params["ref"]["schema"]["maxLength"] == 200
    problem = spec["paths"]["/api/ego/{ref}"]["get"]["responses"]["422"]["content"]
    assert "application/problem+json" in problem
    assert "HTTPValidationError" not in str(spec)
