"""Limits on hostile or careless input, in one place: bytes per file, per line, per page image...

Every reader, the paper check and the web upload take their limits from one :class:`Limits`
record. The defaults keep any single input within about 1 GB of memory; each limit can be
changed with an environment variable (``RECRUITWATCH_MAX_FILE_BYTES=300MB``) or, for one run,
with ``--limit NAME=VALUE`` on ``recruitwatch ingest``, ``papercheck`` and ``serve``.

Sizes accept a unit: ``500KB``, ``200MB``, ``2GB`` (powers of 1000), ``64MiB`` (powers of
1024) or plain bytes; counts accept ``60M``/``60000000``. An input over a limit is refused with
an error that names the file (or the line, the page) and the limit, and the rest of the batch
goes on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace

from recruitwatch.errors import ConfigError

MB = 1_000_000


@dataclass(frozen=True, slots=True)
class Limit:
    """One row of the settings table: the field, its environment variable, its unit and what it bounds."""

    name: str
    env: str
    unit: str  # "bytes" or "count"
    help: str


#: The table of limits (name, environment variable, unit, what it bounds), for the docs and the CLI.
LIMITS: tuple[Limit, ...] = (
    Limit("file_bytes", "RECRUITWATCH_MAX_FILE_BYTES", "bytes",
          "one input file (ingest, paper check); larger files are refused without being opened"),
    Limit("line_bytes", "RECRUITWATCH_MAX_LINE_BYTES", "bytes",
          "one JSON Lines line (one record); a longer line is skipped and reported, the others are read"),
    Limit("parse_bytes", "RECRUITWATCH_MAX_PARSE_BYTES", "bytes",
          "a file parsed whole (a feed, a JSON array, a Telegram export, CSV): parsing takes several "
          "times the file's size in memory"),
    Limit("page_bytes", "RECRUITWATCH_MAX_PAGE_BYTES", "bytes",
          "one HTML page (a file, or an archived page in a WARC) before parsing: the HTML parser "
          "takes about 15 times the page's size in memory"),
    Limit("document_chars", "RECRUITWATCH_MAX_DOCUMENT_CHARS", "count",
          "characters in the text of one document; a longer one is reported, not screened (screening and "
          "extraction time grow with the text: 20 million characters take about two minutes)"),
    Limit("record_bytes", "RECRUITWATCH_MAX_RECORD_BYTES", "bytes",
          "one archived page inside a WARC file, after decompression (guards against gzip bombs)"),
    Limit("image_pixels", "RECRUITWATCH_MAX_IMAGE_PIXELS", "count",
          "one page image (a photo, a scan, an image inside a PDF page), checked before it is decoded"),
    Limit("pdf_pages", "RECRUITWATCH_MAX_PDF_PAGES", "count",
          "pages in one PDF (ingest and paper check)"),
    Limit("check_pages", "RECRUITWATCH_MAX_CHECK_PAGES", "count",
          "pages in one web paper check, over all its files"),
    Limit("check_images", "RECRUITWATCH_MAX_CHECK_IMAGES", "count",
          "page images (with the deciding words boxed) shown in one web paper-check result, pages with "
          "boxes first; each adds about 100 KB to the page"),
    Limit("upload_bytes", "RECRUITWATCH_MAX_UPLOAD_BYTES", "bytes",
          "one web paper-check request, all files together; refused while it streams in"),
    Limit("sitemap_pages", "RECRUITWATCH_MAX_SITEMAP_PAGES", "count",
          "pages fetched from one sitemap URL by `ingest` (newest first by lastmod); the rest are reported, "
          "not fetched"),
)


@dataclass(frozen=True, slots=True)
class Limits:
    """What one input may cost. Frozen: pass a changed copy (:meth:`with_overrides`) instead."""

    file_bytes: int = 200 * MB
    line_bytes: int = 10 * MB
    parse_bytes: int = 100 * MB
    page_bytes: int = 20 * MB
    document_chars: int = 20_000_000
    record_bytes: int = 50 * MB
    image_pixels: int = 60_000_000  # A4 at 600 dpi is 35 Mpx
    pdf_pages: int = 1_000
    check_pages: int = 100
    check_images: int = 30
    upload_bytes: int = 100 * MB
    sitemap_pages: int = 500

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, changed by any ``RECRUITWATCH_MAX_*`` variables that are set."""
        environ = os.environ if environ is None else environ
        changes = {}
        for limit in LIMITS:
            raw = environ.get(limit.env, "").strip()
            if raw:
                changes[limit.name] = _parse(raw, limit, f"${limit.env}")
        return replace(cls(), **changes)

    def with_overrides(self, assignments: Iterable[str]) -> Limits:
        """A copy with ``NAME=VALUE`` assignments applied (the CLI's ``--limit`` options)."""
        known = {limit.name: limit for limit in LIMITS}
        changes = {}
        for assignment in assignments:
            name, sep, value = assignment.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or name not in known:
                raise ConfigError(f"--limit {assignment!r}: expected NAME=VALUE with NAME one of "
                                  f"{', '.join(known)} (e.g. --limit line_bytes=20MB)")
            changes[name] = _parse(value.strip(), known[name], f"--limit {name}")
        return replace(self, **changes)

    def to_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_env(self) -> dict[str, str]:
        """The ``RECRUITWATCH_MAX_*`` variables that give these limits to another process
        (:meth:`from_env` there reads them back)."""
        return {limit.env: str(getattr(self, limit.name)) for limit in LIMITS}


DEFAULT_LIMITS = Limits()

_VALUE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(I?)(B?)\s*$", re.I)
_SCALE = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}


def check_parse_size(path, source: str, limits: Limits, what: str) -> None:
    """Refuse a file parsed whole (``what``: "a feed", "a CSV file"...) when it is above ``parse_bytes``."""
    from recruitwatch.errors import ReadError
    from recruitwatch.ingest.markup import human_size

    size = path.stat().st_size
    if size > limits.parse_bytes:
        raise ReadError(source, f"file is {human_size(size)}, above the {human_size(limits.parse_bytes)} limit for "
                                f"{what}, which is parsed whole (parse_bytes)",
                        "split it, or raise the limit with --limit parse_bytes=...")


def parse_size(text: str) -> int:
    """``"200MB"`` -> 200_000_000, ``"64MiB"`` -> 67_108_864, ``"60M"`` -> 60_000_000, ``"512"`` -> 512."""
    m = _VALUE.match(text)
    if not m:
        raise ValueError(text)
    number, prefix, binary, _ = m.groups()
    prefix = prefix.upper()
    if binary and not prefix:
        raise ValueError(text)
    scale = 1024 ** ("KMGT".index(prefix) + 1) if binary else _SCALE[prefix]
    return int(float(number) * scale)


def _parse(raw: str, limit: Limit, where: str) -> int:
    try:
        value = parse_size(raw)
    except ValueError:
        example = "200MB" if limit.unit == "bytes" else "500"
        raise ConfigError(f"{where}={raw!r} is not a valid {limit.unit} value (e.g. {example})") from None
    if value < 1:
        raise ConfigError(f"{where}={raw!r} must be at least 1")
    return value
