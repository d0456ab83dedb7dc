"""Dereferencing at full speed: representations already in the cache are served before routing.

A pure ASGI middleware. For ``GET``/``HEAD {prefix}/id|relation|source/{name}``
without a query string it negotiates the media type exactly as the route
does (:mod:`crimegraph.api.conneg`, the same offers and extensions) and, when
the cache holds that representation, answers at once with the same headers
(``Vary``, ``Content-Location``, ``Link``, ``ETag``, ``304`` on
``If-None-Match``). Anything else (a cache miss, a 406, a 404, a query
string) goes through the application as usual, which fills the cache.
"""

from __future__ import annotations

import re

from .conneg import negotiate
from .documents import cached_response
from .resources import ALIASES, EXTENSIONS, OFFERS, split_name


class CachedRepresentations:
    def __init__(self, app, state):
        self.app = app
        self.state = state
        self.pattern = re.compile("^" + re.escape(state.prefix) + r"/(id|relation|source)/([^/]+)$")

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and not scope.get("query_string"):
            m = self.pattern.match(scope["path"])
            if m is not None:
                response = self.lookup(m.group(1), m.group(2), scope["headers"])
                if response is not None:
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def lookup(self, kind: str, name: str, raw_headers):
        accept = inm = None
        for k, v in raw_headers:
            if k == b"accept":
                accept = v.decode("latin-1")
            elif k == b"if-none-match":
                inm = v.decode("latin-1")
        ident, ext = split_name(name)
        if ext is not None:
            media = EXTENSIONS.get(ext)
        else:
            media = negotiate(accept, OFFERS)
            media = ALIASES.get(media, media)
        if media is None:
            return None
        rep = self.state.cache.get((kind, ident, media))
        if rep is None:
            return None
        return cached_response(rep, vary=ext is None, if_none_match=inm)
