"""Text files in, as UTF-8: one decoder for every reader, with the place of the first bad byte.

Seed YAML, FtM JSON lines and CSV sheets are read as UTF-8 (a UTF-8 byte-order
mark is allowed and dropped). A UTF-16 or UTF-32 file is named as such from its
byte-order mark; any other byte that is not UTF-8 is reported at its line and
column (:class:`NotUTF8`), so that a binary file, or text saved in another
encoding, gives one located error instead of a crash.

>>> decode_utf8("año".encode("utf-8"))
'año'
>>> try:
...     decode_utf8(b"id: a\\nname: Pe\\xf1a\\n")
... except NotUTF8 as exc:
...     exc.line, exc.col
(2, 9)
"""

from __future__ import annotations

from typing import Optional

_BOMS = ((b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe\x00\x00", "UTF-32"),
         (b"\xfe\xff", "UTF-16"), (b"\xff\xfe", "UTF-16"))
UTF8_BOM = b"\xef\xbb\xbf"


class NotUTF8(ValueError):
    """Bytes that are not UTF-8 text: ``line`` and ``col`` (1-based) of the first bad byte, and why."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(f"{line}:{col}: {message}")
        self.line, self.col, self.message = line, col, message


def other_encoding(head: bytes) -> Optional[str]:
    """``"UTF-16"`` or ``"UTF-32"`` when ``head`` starts with that byte-order mark, else None."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return None


def decode_utf8(data: bytes, *, hint: str = "is this a binary file, or text in another encoding?",
                line_offset: int = 0) -> str:
    """``data`` as text; raises :class:`NotUTF8` (located) when it is not UTF-8.

    ``line_offset``: lines before ``data`` (for a file decoded line by line).
    """
    if line_offset == 0:
        encoding = other_encoding(data)
        if encoding is not None:
            raise NotUTF8(1, 1, f"this file is {encoding} text (it starts with a {encoding} byte-order "
                                f"mark); it must be UTF-8: convert it, e.g. iconv -f {encoding} -t UTF-8")
        if data.startswith(UTF8_BOM):
            data = data[len(UTF8_BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1 + line_offset
        col = len(data[line_start:exc.start].decode("utf-8", "replace")) + 1
        raise NotUTF8(line, col, f"not UTF-8 text: byte 0x{data[exc.start]:02x} ({exc.reason}); {hint}") from None
