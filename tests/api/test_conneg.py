"""Accept-header parsing and negotiation (RFC 9110 12.5.1), without a server."""

from __future__ import annotations

import pytest

from crimegraph.api.conneg import negotiate, parse_accept, quality
from crimegraph.api.resources import OFFERS

LD = list(OFFERS)


@pytest.mark.parametrize("accept, expected", [
    (None, "text/turtle"),
    ("", "text/turtle"),
    ("*/*", "text/turtle"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("application/json", "application/json"),
    ("text/html", "text/html"),
    # q-values decide
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
    ("application/ld+json;q=0.1, text/turtle", "text/turtle"),
    ("text/html;q=0.9, application/n-triples;q=0.95", "application/n-triples"),
    # the most specific range sets an offer's quality
    ("text/*;q=0.9, text/turtle;q=0.1", "text/html"),
    ("text/*, text/html;q=0", "text/turtle"),
    ("*/*;q=0.1, application/json", "application/json"),
    # a browser: explicit HTML beats the wildcard at equal q
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("text/html, */*", "text/html"),
    # case, spaces, parameters
    ("  TEXT/Turtle ; charset=utf-8 ", "text/turtle"),
    ('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted, x"', "application/ld+json"),
    # aliases
    ("application/x-turtle", "application/x-turtle"),
])
def test_negotiate(accept, expected):
    assert negotiate(accept, LD) == expected


@pytest.mark.parametrize("accept", ["image/png", "text/turtle;q=0, */*;q=0", "application/xml", "text/plain",
                                    "*/*;q=0"])
def test_nothing_acceptable(accept):
    assert negotiate(accept, LD) is None


@pytest.mark.parametrize("accept", ["garbage", ";;;", "text/turtle;q=2", "text/turtle;q=abc", "*/html",
                                    "text/turtle;q=0.1234", "x" * 10000])
def test_malformed_entries_are_ignored(accept):
    ranges = parse_accept(accept)
    assert all(r.type != "*" or r.subtype == "*" for r in ranges)
    # a header with no valid entry accepts anything
    assert negotiate(accept, LD) == "text/turtle"


def test_malformed_entry_beside_a_valid_one():
    assert negotiate("bogus, application/ld+json", LD) == "application/ld+json"
    assert negotiate("text/turtle;q=7, application/n-triples", LD) == "application/n-triples"


def test_quality_and_specificity():
    ranges = parse_accept("text/*;q=0.3, text/html;q=0.7, */*;q=0.1")
    assert quality(ranges, "text/html") == (0.7, 2)
    assert quality(ranges, "text/turtle") == (0.3, 1)
    assert quality(ranges, "application/json") == (0.1, 0)


def test_long_headers_are_bounded():
    header = ", ".join(f"application/x-{i};q=0.{i % 10}" for i in range(500)) + ", text/html"
    assert len(parse_accept(header)) <= 64
