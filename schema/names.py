"""Names as people read them: Unicode NFC, without invisible formatting characters.

A name that differs from another only by characters nobody can see (a zero-width
space, a byte-order mark, a right-to-left override) would look the same on every
page and still not match it, or match where it should not. Entity names and
aliases are therefore cleaned when they are validated: composed to NFC, and
stripped of every invisible *format* character (Unicode category ``Cf``: the
zero-width space, word joiner, byte-order mark, soft hyphen, and the
bidirectional embeddings, overrides, isolates and marks; a zero-width joiner or
non-joiner only where it joins nothing: inside an emoji sequence or between two
letters of a script that uses it, it is part of the name). The seed loader warns
at ``file:line`` where a name changed; a name with nothing left is an error.

>>> clean_name("\\ufeffTren de Aragua")
'Tren de Aragua'
>>> clean_name("Sendero\\u200b Luminoso")
'Sendero Luminoso'
>>> clean_name("Apuri\\u0301mac") == "Apurímac"
True
>>> removed("\\u202eTren\\u200b")
['U+202E RIGHT-TO-LEFT OVERRIDE', 'U+200B ZERO WIDTH SPACE']
>>> clean_name("\\U0001f468\\u200d\\U0001f469 family") == "\\U0001f468\\u200d\\U0001f469 family"
True
>>> clean_name("Fake\\u200d gang")
'Fake gang'

"""

from __future__ import annotations

import unicodedata


#: the zero-width joiner and non-joiner: part of the text between two characters of a script
#: or an emoji sequence (👨\u200d👩), noise anywhere else
_JOINERS = frozenset("\u200c\u200d")


def _joins(prev: str, nxt: str) -> bool:
    return (not prev.isascii() and not nxt.isascii() and not prev.isspace() and not nxt.isspace()
            and unicodedata.category(prev)[0] in "LMS" and unicodedata.category(nxt)[0] in "LMS")


def _removed_at(text: str) -> list[int]:
    """Indexes of the format characters to remove (a joiner that joins two characters stays)."""
    out = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) != "Cf":
            continue
        if ch in _JOINERS and 0 < i < len(text) - 1 and _joins(text[i - 1], text[i + 1]):
            continue
        out.append(i)
    return out


def clean_name(text: str) -> str:
    """``text`` in NFC, without invisible format characters, stripped of surrounding whitespace.

    A zero-width joiner or non-joiner between two letters of a script, or inside an emoji
    sequence, is part of the text and stays; anywhere else (next to a space or a Latin
    letter, at either end) it is removed like every other format character.
    """
    if text.isascii():  # no ASCII character is a format character, and ASCII is NFC
        return text
    gone = set(_removed_at(text))
    kept = "".join(ch for i, ch in enumerate(text) if i not in gone) if gone else text
    return unicodedata.normalize("NFC", kept).strip()


def removed(text: str) -> list[str]:
    """The format characters :func:`clean_name` removes from ``text``, as ``U+XXXX NAME``."""
    if text.isascii():
        return []
    out = []
    for i in _removed_at(text):
        ch = text[i]
        label = f"U+{ord(ch):04X} {unicodedata.name(ch, 'FORMAT CHARACTER')}"
        if label not in out:
            out.append(label)
    return out


def change(text: str) -> str:
    """What cleaning does to ``text``, in words ('' when nothing changes)."""
    stripped = text.strip()
    if clean_name(stripped) == stripped:
        return ""
    gone = removed(stripped)
    if gone:
        return "invisible characters removed (" + ", ".join(gone) + ")"
    return "composed to Unicode NFC"
