"""Turning bytes of unknown encoding into text, or saying clearly why not.

The cascade, cheapest first:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) decides;
2. strict UTF-8 (almost every modern report);
3. charset-normalizer, for legacy Cyrillic code pages (cp1251, KOI8-R, cp866) and the like,
   but only when the bytes are not damaged UTF-8: mojibake is worse than an error.

Binary content (NUL bytes, many control characters) is refused before any guessing.
"""

from __future__ import annotations

import codecs
import re

from recruitwatch.errors import ReadError

# Order matters: the UTF-32 LE mark starts with the UTF-16 LE mark.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters that never occur in text (tab, newlines, form feed and ESC-free text).
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_SNIFF_BYTES = 64 * 1024


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding named by a byte-order mark and the mark's length, or None."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def looks_binary(data: bytes) -> bool:
    """True when the start of ``data`` is not text in any byte encoding (NUL bytes, control codes).

    Call it only on data without a UTF-16/32 byte-order mark (those legitimately hold NULs).
    """
    head = data[:_SNIFF_BYTES]
    if not head:
        return False
    if b"\x00" in head:
        return True
    return len(_CONTROL.findall(head)) > max(2, len(head) // 100)


def _damaged_utf8(data: bytes) -> bool:
    """True when the bytes are mostly valid UTF-8 with some broken sequences.

    Legacy single-byte Cyrillic (cp1251, KOI8-R) almost never forms valid multi-byte UTF-8
    sequences, so many such sequences mean the file is UTF-8 that was cut or corrupted.
    """
    decoded = data.decode("utf-8", errors="replace")
    broken = decoded.count("\ufffd")
    good = sum(1 for ch in decoded if ord(ch) > 0x7F and ch != "\ufffd")
    return good >= 2 * broken


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``; raise ReadError naming ``source`` if impossible.

    The text has its byte-order mark removed; line endings are left alone.
    """
    found = bom_encoding(data)
    if found:
        name, skip = found
        try:
            return data[skip:].decode(name), name
        except UnicodeDecodeError as exc:
            raise ReadError(source, f"starts with a {name} byte-order mark but is not valid {name} "
                                    f"(bad byte at offset {exc.start + skip})") from None
    if looks_binary(data):
        raise ReadError(source, "binary content, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if _damaged_utf8(data):
        raise ReadError(
            source,
            f"not valid UTF-8 (invalid byte 0x{data[first_bad]:02x} at offset {first_bad}) "
            "and no other encoding fits",
            "the file looks like damaged UTF-8; re-export or repair it",
        )
    from charset_normalizer import from_bytes  # imported late: only legacy files need it

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ReadError(source, f"not valid UTF-8 (invalid byte 0x{data[first_bad]:02x} at offset "
                                f"{first_bad}) and no other encoding fits")
    text = str(best)
    if len(_CONTROL_TEXT.findall(text)) > max(2, len(text) // 100):
        raise ReadError(source, "binary content, not text")
    return text, best.encoding


def decode_declared(data: bytes, declared: str | None, source: str) -> tuple[str, str]:
    """Decode with a declared charset (HTTP header, ``<meta charset>``) when it works, else detect."""
    if declared and not bom_encoding(data):
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            codec = None
        if codec and not codec.startswith(("utf-16", "utf-32")):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                pass  # the declared encoding is wrong: guess it from the bytes
    return decode_text(data, source)
