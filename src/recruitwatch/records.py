"""The typed records that pass between pipeline stages.

Every record has a plain dict form (``to_dict`` / ``from_dict``) so it can cross a process
boundary, land in the store or be written to an export unchanged.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from recruitwatch.isodate import iso_date

DOCUMENT_KINDS = ("news", "testimony", "official", "social", "paper")
DATE_PRECISIONS = ("day", "month", "year")
VERIFICATION_STATES = ("reported", "corroborated", "verified", "disputed", "rejected")

_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """NFC, case-folded, whitespace-collapsed text: the basis of stable document ids."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


def canonical_url(url: str | None) -> str | None:
    """The form of a web address that identifies a page: lower-case scheme and host, no fragment, no
    tracking parameters (``utm_*``, ``fbclid``, ``gclid``), no trailing slash. None for a non-URL."""
    if not url or "://" not in url:
        return None
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not k.lower().startswith("utm_") and k.lower() not in ("fbclid", "gclid")])
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), host, parts.path.rstrip("/") or "/", query, ""))


def document_id(text: str, url: str | None = None) -> str:
    """A document's identity: its normalised content and, for a web page, its canonical URL.

    Where the text was read from (a path, a mount, a symlink) is not part of it: the same report
    found twice is one document with two origins, and re-ingesting anything is a no-op. (Stores
    older than migration 0003 keep their documents' old ids and map them to this key.)
    """
    digest = hashlib.sha256()
    digest.update(normalise_text(text).encode("utf-8"))
    canonical = canonical_url(url)
    if canonical:
        digest.update(b"\x00")
        digest.update(canonical.encode("utf-8"))
    return digest.hexdigest()[:24]


class _Record:
    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(slots=True)
class Evidence(_Record):
    """Where a field value came from: a character span of one document."""

    field: str
    value: str
    start: int
    end: int
    text: str
    document_id: str = ""
    confidence: float | None = None  # 0..1; None for values a person entered or for the summary


@dataclass(slots=True)
class Document(_Record):
    """One report: a news article, post, testimony, official text or paper page."""

    id: str
    origin: str  # path or URL (for a message inside an export: file#message-id)
    text: str
    kind: str = "news"
    lang: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date YYYY-MM-DD (or YYYY-MM / YYYY)
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    relevance: float | None = None
    relevant: bool | None = None
    reasons: list[str] = field(default_factory=list)
    pipeline_version: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # One form for every stage: "14.05.2023", a timestamp or an RFC 822 date become
        # "2023-05-14"; what is not a date becomes None (a wrong date would mislead extraction).
        if self.published is not None:
            self.published = iso_date(self.published)

    @classmethod
    def create(cls, *, text: str, origin: str, **kwargs: Any) -> Document:
        """A Document with its id computed from its text (and URL, for a web page); ``origin`` is
        where this copy was found."""
        return cls(id=document_id(text, kwargs.get("url")), origin=origin, text=text, **kwargs)


@dataclass(slots=True)
class Incident(_Record):
    """One case or recruitment drive reported by a document, each field backed by evidence."""

    document_id: str
    date: str | None = None
    date_precision: str | None = None  # day | month | year
    places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    status: str = "unknown"
    count: int | None = None
    actors: list[str] = field(default_factory=list)
    tactics: list[str] = field(default_factory=list)
    outcome: str = "unknown"
    evidence: list[Evidence] = field(default_factory=list)
    summary: str = ""  # the short span that best supports the incident as a whole
    verification: str = "reported"
    sensitivity: str = "normal"
    confidence: float | None = None  # the least confident field value: reviewers start with the lowest
    pipeline_version: str | None = None
    id: str = ""
    case_id: str = ""  # the canonical incident of the case this report belongs to (linking sets it)
    version: int = 1  # +1 per reviewer's change; an edit names the version it read (optimistic concurrency)

    def __post_init__(self) -> None:
        self.evidence = [e if isinstance(e, Evidence) else Evidence.from_dict(e) for e in self.evidence]
        if not self.id:
            self.id = incident_id(self)
        if not self.case_id:
            self.case_id = self.id

    def field_confidence(self) -> dict[str, float]:
        """Each field's confidence: the lowest over its values' evidence."""
        out: dict[str, float] = {}
        for e in self.evidence:
            if e.confidence is not None and e.field != "summary":
                out[e.field] = min(out.get(e.field, 1.0), e.confidence)
        return out

    def to_gold(self) -> dict[str, Any]:
        """The incident in the gold JSONL format of the taxonomy spec."""
        return {
            "date": self.date,
            "places": list(self.places),
            "nationalities": list(self.nationalities),
            "status": self.status,
            "count": self.count,
            "actors": list(self.actors),
            "tactics": list(self.tactics),
            "outcome": self.outcome,
            "evidence": self.summary,
        }


def incident_id(incident: Incident) -> str:
    """Stable id of an incident: its document plus the span of its summary evidence."""
    anchor = min((e.start for e in incident.evidence), default=0)
    raw = f"{incident.document_id}|{anchor}|{incident.summary}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class CueHit:
    """A span of text that a lexicon cue (or, with ``lang`` ``"model"``, the sentence classifier)
    marks with a category and a code."""

    category: str
    code: str
    start: int
    end: int
    text: str
    lang: str

    def describe(self) -> str:
        return f"{self.category} cue '{self.text.lower()}' ({self.code})"


@dataclass(slots=True, frozen=True)
class Mention:
    """A span ``text[start:end]`` that names a coded value.

    ``kind`` says what the value codes: ``place`` (a toponym), ``place_adj`` (an adjective
    naming a country, "российский", "Russian"), ``nationality``, ``date`` (the text fixes the
    year) or ``date_relative`` (the year or day comes from the document's publication date).
    ``value`` is the code: ISO 3166-2 / ISO 3166-1 alpha-2 for places and nationalities, an
    ISO 8601 date for dates.
    """

    start: int
    end: int
    text: str
    value: str
    kind: str


@dataclass(slots=True, frozen=True)
class DateMention(Mention):
    """A date mention; ``value`` is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as ``precision`` says."""

    precision: str  # "day" | "month" | "year"


M = TypeVar("M", bound=Mention)


def mentions_within(mentions: list[M], start: int, end: int) -> list[M]:
    """The mentions (sorted by start) that start in [start, end)."""
    return mentions[bisect_left(mentions, start, key=_mention_start):bisect_left(mentions, end, key=_mention_start)]


def _mention_start(m: Mention) -> int:
    return m.start


@dataclass(slots=True)
class DocumentMentions:
    """Every place, nationality and date a document names, found once, each list sorted by
    position: what extraction's choices are made from (pure functions of this record)."""

    text: str
    published: str | None
    places: list[Mention]
    nationalities: list[Mention]
    dates: list[DateMention]

    @property
    def published_year(self) -> str | None:
        return self.published[:4] if self.published else None

    def date_precision(self, start: int, end: int, value: str) -> str | None:
        """The precision of the date mention at [start, end) with that value."""
        return next((m.precision for m in mentions_within(self.dates, start, start + 1)
                     if m.end == end and m.value == value), None)


@dataclass(slots=True)
class TextAnalysis:
    """What screening read of a text and hands to extraction, computed once: the language,
    the sentences, the cue hits, and the rule score and features of relevance."""

    text: str
    lang: str
    hits: list[CueHit]
    sentence_spans: list[tuple[int, int]]
    rule_score: float = 0.0
    rule_reasons: list[str] = field(default_factory=list)
    features: set[str] | None = None  # the document classifier's features, once computed

    def cue_codes(self) -> list[tuple[str, str]]:
        return [(h.category, h.code) for h in self.hits]

    def sentence_cue_codes(self) -> list[list[tuple[str, str]]]:
        """The (category, code) of the cues that start in each sentence."""
        out: list[list[tuple[str, str]]] = [[] for _ in self.sentence_spans]
        i = 0
        spans = self.sentence_spans
        for h in self.hits:
            while i < len(spans) - 1 and h.start >= spans[i][1]:
                i += 1
            if spans and spans[i][0] <= h.start < spans[i][1]:
                out[i].append((h.category, h.code))
        return out


@dataclass(slots=True)
class ReadFailure(_Record):
    """A source (or part of one) that could not be read, with the reason."""

    source: str
    problem: str


@dataclass(slots=True)
class PersonDetails(_Record):
    """The person behind a testimony. Every field is confidential: the store keeps them sealed
    under the person's own data key (see docs/encryption.md) and never logs or exports them.

    ``contacts`` are phone numbers, messenger handles, e-mail addresses, as given. ``birth_date``
    is ``YYYY-MM-DD`` (or ``YYYY-MM`` / ``YYYY``) as the person gave it. ``consent`` is what the
    person agreed to, in their words or the form's; ``consent_date`` when (ISO date).
    """

    name: str = ""
    contacts: list[str] = field(default_factory=list)
    birth_date: str | None = None
    address: str | None = None
    consent: str = ""
    consent_date: str | None = None

    def __repr__(self) -> str:  # a stray log line or traceback must not carry the details
        return "PersonDetails(<confidential>)"

    __str__ = __repr__
