"""Words of a text, as the search engine indexes and matches them: folded, stemmed, with stopwords.

Folding is case- and accent-insensitive and drops invisible format characters
(zero-width spaces and joiners, soft hyphens), so that ``"Apurímac"``,
``"APURIMAC"`` and ``"apu\u200brimac"`` give the same word. Stems are the
Snowball (Porter2) English and Spanish stems of a word, taken both from the
word as written and from its folded form (Spanish stemming reads accents:
``minería`` and ``mineria`` stem differently, and a query may have either).

The same rules run in the map's JavaScript (``visualizations/search.js``);
the constants it needs travel in the map's index (:func:`crimegraph.graph.search.SearchEngine.export`).
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: words left out of matching unless a query has nothing else (English and Spanish)
STOPWORDS = frozenset("""
a al an and as at by de del e el en for from in into is la las lo los of on or
por the to un una y
""".split())

_SPLIT = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case, no accents, no invisible characters, words separated by one space.

    >>> fold("  Sendero   LUMINOSO ")
    'sendero luminoso'
    >>> fold("Apurímac-Ene"), fold("apu\u200brimac"), fold("'Ndrangheta")
    ('apurimac ene', 'apurimac', 'ndrangheta')
    """
    return " ".join(words(text))


def words(text: str) -> list[str]:
    """The folded words of a text, in order (stopwords included).

    >>> words("Cártel de Sinaloa")
    ['cartel', 'de', 'sinaloa']
    """
    return [_fold_word(w) for w in _raw_words(text)]


def raw_words(text: str) -> list[str]:
    """The words of a text lower-cased but with their accents (what the Spanish stemmer reads)."""
    return _raw_words(text)


def _raw_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return [w for w in _SPLIT.split(text) if w]


@functools.lru_cache(maxsize=200_000)
def _fold_word(w: str) -> str:
    if w.isascii():
        return w
    d = unicodedata.normalize("NFKD", w)
    return unicodedata.normalize("NFC", "".join(c for c in d if not unicodedata.combining(c)))


fold_word = _fold_word


@functools.lru_cache(maxsize=1)
def _stemmers():
    # snowballstemmer hands out PyStemmer's C stemmers when PyStemmer is installed (a
    # dependency: 200 times faster), its own pure-Python ones otherwise; both are generated
    # from the same Snowball algorithms as visualizations/vendor/snowball.js
    import snowballstemmer

    return snowballstemmer.stemmer("english"), snowballstemmer.stemmer("spanish")


@functools.lru_cache(maxsize=400_000)
def stems(raw: str) -> tuple[str, ...]:
    """The stems of one lower-cased word (with or without accents), folded, sorted, distinct.

    >>> stems("minería")
    ('min', 'mineri', 'mineria')
    >>> stems("frogs")
    ('frog', 'frogs')
    """
    en, es = _stemmers()
    folded = _fold_word(raw)
    out = {en.stemWord(folded), es.stemWord(folded)}
    if folded != raw:
        out.add(_fold_word(es.stemWord(raw)))
    return tuple(sorted(out))
