"""The redaction rules of public exports and the public dashboard (docs/publishing.md).

One place for every rule, so the export, the dashboard and the tests apply the same ones:

* :func:`public_place`: a place code generalised to a region (a Russian or Ukrainian
  subdivision) or a country (everywhere else);
* :func:`public_date`: a date generalised to its month (or year, when only the year is known);
* :func:`public_source`: a source shown only when it is a published web page (news or an
  official text with an http(s) URL), never a testimony, a social post or a local file;
* :func:`publishable`: rejected incidents are never published;
* :func:`min_count`: the suppression threshold (``--min-count``, ``RECRUITWATCH_PUBLIC_MIN_COUNT``,
  default 5).

Public rows never carry a summary, evidence text, a document text or title, an author, an
incident or document id (ids are hashes of the text: anyone holding a testimony could confirm
it is in the store), a confidence, or an exact day.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from recruitwatch.errors import ConfigError

#: Countries whose first-level subdivisions (ISO 3166-2) are kept as the region in public data.
SUBDIVIDED = ("RU", "UA")
#: Default threshold: an aggregated count below it is never published.
DEFAULT_MIN_COUNT = 5
MIN_COUNT_ENV = "RECRUITWATCH_PUBLIC_MIN_COUNT"
#: Document kinds whose URL and outlet a public row may name: they were published by someone else.
PUBLISHED_KINDS = ("news", "official")
#: Verification states never published.
UNPUBLISHED_STATES = ("rejected",)


def min_count(explicit: int | None = None) -> int:
    """The suppression threshold: ``explicit`` > ``$RECRUITWATCH_PUBLIC_MIN_COUNT`` > 5 (never below 1)."""
    value: int | str | None = explicit
    if value is None:
        value = os.environ.get(MIN_COUNT_ENV, "").strip() or DEFAULT_MIN_COUNT
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{MIN_COUNT_ENV}={value!r} is not a whole number; set it to the smallest count to publish, e.g. 5") from None
    if number < 1:
        raise ConfigError(f"the minimum public count must be at least 1, not {number}")
    return number


def public_place(code: str) -> str:
    """``RU-SPE`` -> ``RU-SPE``; a finer code under it -> ``RU-SPE``; ``UZ-TO`` -> ``UZ``; ``RU`` -> ``RU``."""
    parts = code.strip().upper().split("-")
    if parts[0] in SUBDIVIDED and len(parts) >= 2 and parts[1]:
        return f"{parts[0]}-{parts[1]}"
    return parts[0]


def public_places(codes: Iterable[str]) -> list[str]:
    """Generalised places, each once, in their first order."""
    return list(dict.fromkeys(public_place(c) for c in codes if c and c.strip()))


def public_date(date: str | None) -> str | None:
    """``2023-05-14`` -> ``2023-05``; ``2023-05`` -> ``2023-05``; ``2023`` -> ``2023``; no date -> None."""
    if not date:
        return None
    return date[:7] if len(date) >= 7 else date[:4]


def public_source(kind: str | None, url: str | None, outlet: str | None) -> tuple[str | None, str | None] | None:
    """(outlet, url) of a published web page, or None when the source must not be named."""
    if (kind or "news") not in PUBLISHED_KINDS or not url:
        return None
    if not url.lower().startswith(("http://", "https://")):
        return None
    return (outlet or None, url)


def publishable(verification: str | None) -> bool:
    return (verification or "reported") not in UNPUBLISHED_STATES
