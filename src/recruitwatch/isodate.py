"""Publication dates from the many forms sources give them, as ISO ``YYYY-MM-DD`` strings.

:class:`~recruitwatch.records.Document` normalises its ``published`` with :func:`iso_date`, so
every reader and stage sees one form.

Only explicit, machine-written dates are handled here (metadata fields, feed dates, export
timestamps). Dates inside report text are the extract stage's job. A date that cannot be read
becomes ``None``: a wrong publication date would mislead date resolution downstream.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from email.utils import parsedate as parsedate_tuple

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T\s].*)?)?)?$")
_COMPACT = re.compile(r"^\s*(?:D:)?(\d{4})(\d{2})(\d{2})")  # PDF "D:20230522..." and 20230522
_DOTTED = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[T\s,].*)?$")  # 22.05.2023 (day first)


def _valid(year: int, month: int | None = None, day: int | None = None) -> bool:
    if not 1900 <= year <= 2100:
        return False
    if month is None:
        return True
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return False
    return True


def iso_date(value: object) -> str | None:
    """``YYYY-MM-DD`` (or ``YYYY-MM`` / ``YYYY`` when only that is given) for ``value``, else None.

    Accepts ``date``/``datetime``, ``time.struct_time``, Unix timestamps (int or digit string
    of 9-10 digits), and strings in ISO 8601, RFC 822 (feeds), PDF (``D:YYYYMMDD...``) or
    ``DD.MM.YYYY`` form. A time of day and a zone are ignored: the date is the one written.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, time.struct_time):
        return iso_date(dt.date(value.tm_year, value.tm_mon, value.tm_mday)) if _valid(
            value.tm_year, value.tm_mon, value.tm_mday) else None
    if isinstance(value, (int, float)):
        try:
            return dt.datetime.fromtimestamp(value, tz=dt.UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit() and len(text) in (9, 10):
        return iso_date(int(text))
    m = _ISO.match(text)
    if m:
        year, month, day = (int(g) if g else None for g in m.groups())
        if not _valid(year, month, day):
            return None
        if day is not None:
            return f"{year:04d}-{month:02d}-{day:02d}"
        if month is not None:
            return f"{year:04d}-{month:02d}"
        return f"{year:04d}"
    m = _COMPACT.match(text)
    if m:
        year, month, day = (int(g) for g in m.groups())
        return f"{year:04d}-{month:02d}-{day:02d}" if _valid(year, month, day) else None
    m = _DOTTED.match(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        return f"{year:04d}-{month:02d}-{day:02d}" if _valid(year, month, day) else None
    parsed = parsedate_tuple(text)
    if parsed and _valid(parsed[0], parsed[1], parsed[2]):
        return f"{parsed[0]:04d}-{parsed[1]:02d}-{parsed[2]:02d}"
    return None
