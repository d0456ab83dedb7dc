"""Native overrides: a backend may answer a query helper itself (Cypher, SPARQL, igraph).

Every helper in :mod:`crimegraph.queries` is written once on the Store protocol
and decorated with :func:`native`. When the store has a method named
``native_<helper>`` (``native_connections``, ``native_actors_in`` ...), the
helper calls it with the same arguments, the store itself left out, and returns
what it returns; the method must build the same result type (the conformance
suite compares them). It may return ``NotImplemented`` to fall back to the
generic version, for example for a parameter it does not support natively.

An :class:`~crimegraph.queries.view.AsOfView` is unwrapped first: the helper
(and any native method) sees the underlying store and ``as_of=<the view's date>``.

An as-of answer that lists relations (:attr:`~crimegraph.queries.answer.Answer.LISTS_LEFT_OUT`)
also gets its :attr:`~crimegraph.queries.answer.Answer.left_out`: the helper is asked
once more without the date, natively where the store can, and what that adds is
listed with its state and reason. Written here once, it holds for every store.
"""

from __future__ import annotations

import functools
import inspect
from typing import Callable, TypeVar

from .params import coerce_as_of

F = TypeVar("F", bound=Callable)


def native(fn: F) -> F:
    """Decorate a helper ``fn(store, ...)`` so that ``store.native_<name>`` can replace it."""
    name = fn.__name__
    takes_as_of = "as_of" in inspect.signature(fn).parameters

    def call(store, args, kwargs):
        impl = getattr(store, "native_" + name, None)
        if impl is not None:
            result = impl(*args, **kwargs)
            if result is not NotImplemented:
                return result
        return fn(store, *args, **kwargs)

    @functools.wraps(fn)
    def helper(store, *args, **kwargs):
        if takes_as_of:
            kwargs["as_of"] = coerce_as_of(kwargs.get("as_of"))
        store, kwargs = unwrap(store, kwargs, takes_as_of)
        result = call(store, args, kwargs)
        day = kwargs.get("as_of") if takes_as_of else None
        if day is not None and getattr(result, "LISTS_LEFT_OUT", False) and not result.left_out:
            from .answer import left_out

            undated = call(store, args, {**kwargs, "as_of": None})
            names = {**undated._names(), **result._names()}
            result.left_out = left_out(result.shown_relations(), undated.shown_relations(), day,
                                       names, store.entity)
        return result

    helper.generic = fn  # type: ignore[attr-defined]
    return helper  # type: ignore[return-value]


def unwrap(store, kwargs: dict, takes_as_of: bool):
    """Peel :class:`AsOfView` wrappers off ``store``, moving their date into ``as_of``.

    A view whose date differs from an explicit ``as_of`` stays wrapped: the generic
    helper then reads through it and keeps only relations valid on both dates.
    """
    from .view import AsOfView

    while isinstance(store, AsOfView):
        if not takes_as_of:
            store = store.store
            continue
        given = kwargs.get("as_of")
        if given is not None and given != store.date:
            break
        kwargs["as_of"] = store.date
        store = store.store
    return store, kwargs
