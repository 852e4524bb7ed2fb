"""Records the paper check produces: one ``PageResult`` per page, one ``FileResult`` per file.

Both have a plain dict form so the CLI can print them as JSON and the web app can render them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

#: Page types that are military documents (signing or receiving them has military consequences).
MILITARY_TYPES = (
    "military_service_contract",
    "volunteer_formation_contract",
    "call_up_notice",
    "contract_service_application",
    "military_medical_commission",
)
#: Ordinary documents a migrant signs that must not be mistaken for military ones.
CIVIL_TYPES = (
    "arrival_notification",
    "patent_application",
    "employment_contract",
    "medical_certificate",
    "fingerprint_record",
    "citizenship_application",
)
OTHER = "other"
PAGE_TYPES = MILITARY_TYPES + CIVIL_TYPES + (OTHER,)


@dataclass(slots=True)
class Cue:
    """A phrase that counted towards a page type: the key phrase and the text it matched."""

    phrase: str
    matched: str
    weight: float
    type: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(slots=True)
class Classification:
    type: str
    military: bool
    confidence: float
    cues: list[Cue] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    #: the page talks about military papers (a news story, memo, leaflet) but is not one
    mentions_military: bool = False
    #: on a page that is not a military paper: the military phrases that scored enough to count
    warning_cues: list[Cue] = field(default_factory=list)


@dataclass(slots=True)
class PageResult:
    """The verdict for one page of one file."""

    file: str
    page: int  # 1-based
    type: str
    military: bool
    confidence: float
    cues: list[str] = field(default_factory=list)
    source: str = "ocr"  # "text-layer" (PDF text used directly) or "ocr"
    readable: bool = True  # False: blank or unreadable; the user must look at it by hand
    ocr_confidence: float | None = None  # Tesseract's mean word confidence, 0-100
    rotation: int = 0  # degrees the page was turned before OCR
    skew: float = 0.0  # degrees of skew corrected
    chars: int = 0  # characters of text found
    scores: dict[str, float] = field(default_factory=dict)
    #: type "other", but the page talks about military papers (an article, memo or leaflet)
    mentions_military: bool = False
    #: rectangles around the deciding phrases (:class:`~recruitwatch.papercheck.marks.Box`), in pixels
    #: of the page as read: upright and straightened, ``page_size`` (width, height) pixels
    boxes: list = field(default_factory=list)
    page_size: tuple[int, int] | None = None
    #: the page image, downscaled and encoded in memory (:class:`~recruitwatch.papercheck.marks.PageView`);
    #: only while a result is being shown, never in the dict form
    view: Any = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in ("view", "boxes")}
        out["scores"] = dict(self.scores)
        out["cues"] = list(self.cues)
        out["boxes"] = [b.to_dict() for b in self.boxes]
        out["page_size"] = list(self.page_size) if self.page_size else None
        return out


@dataclass(slots=True)
class FileResult:
    """All pages of one file, or the reason the file could not be read."""

    file: str
    pages: list[PageResult] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def military_pages(self) -> list[PageResult]:
        return [p for p in self.pages if p.military]

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "error": self.error, "pages": [p.to_dict() for p in self.pages]}
