"""How records look on a page: labels for codes, place names beside codes, evidence marked in the source text.

Everything here returns plain values or :class:`markupsafe.Markup` built from escaped text, so a
document's text can never inject markup into a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from recruitwatch.records import Document, Evidence, Incident
from recruitwatch.store.confidential import is_sealed
from recruitwatch.taxonomy import label as code_label
from recruitwatch.taxonomy.places import place_name

#: Incident fields in the order the detail page shows them: (record attribute, evidence field, taxonomy table).
FIELDS = (
    ("date", "date", None), ("places", "places", None), ("nationalities", "nationalities", None),
    ("status", "status", "status"), ("count", "count", None), ("actors", "actors", "actors"),
    ("tactics", "tactics", "tactics"), ("outcome", "outcome", "outcome"),
)  # fmt: skip
#: Document text shorter than this is shown whole; longer text as excerpts around the evidence.
WHOLE_TEXT = 20_000
CONTEXT = 300  # characters of text either side of an evidence span in an excerpt


def N_(message: str) -> str:
    return message


#: Verification states in the interface's words (translated through the workbench catalogue).
STATES = {"reported": N_("reported"), "corroborated": N_("corroborated"), "verified": N_("verified"),
          "disputed": N_("disputed"), "rejected": N_("rejected")}


def state_label(state: str, lang: str) -> str:
    from recruitwatch.web.i18n import gettext_for

    return gettext_for(lang)(STATES[state]) if state in STATES else state


def value_label(attr: str, code: str, lang: str) -> str:
    """A human label for one value of a field (``code`` for the codes no table knows)."""
    if attr == "verification":
        return state_label(code, lang)
    if attr in ("places", "place", "nationalities", "nationality"):
        return place_name(code, lang)
    table = {"status": "status", "actors": "actors", "actor": "actors", "tactics": "tactics", "tactic": "tactics",
             "outcome": "outcome"}.get(attr)
    return code_label(table, code, lang) if table else code


def with_code(attr: str, code: str, lang: str) -> str:
    """``Moscow (RU-MOW)``: the name beside the code, or the code alone when it has no name."""
    name = value_label(attr, code, lang)
    return f"{name} ({code})" if name != code else code


@dataclass(slots=True)
class FieldView:
    attr: str
    values: list[tuple[str, str]]  # (code, label)
    confidence: float | None
    evidence: list[tuple[int, Evidence]]  # (index into the incident's evidence, span)


def field_views(incident: Incident, lang: str) -> list[FieldView]:
    confidence = incident.field_confidence()
    out = []
    for attr, ev_field, _table in FIELDS:
        value = getattr(incident, attr)
        show = with_code if attr in ("places", "nationalities") else value_label  # names beside place codes only
        if isinstance(value, list):
            values = [(v, show(attr, v, lang)) for v in value]
        elif value is None or value == "":
            values = []
        else:
            values = [(str(value), show(attr, str(value), lang) if _table or attr != "date" else str(value))]
        spans = [(i, e) for i, e in enumerate(incident.evidence) if e.field in (ev_field, attr)]
        out.append(FieldView(attr, values, confidence.get(ev_field, confidence.get(attr)), spans))
    return out


@dataclass(slots=True)
class MarkedText:
    document: Document | None
    document_id: str
    html: Markup  # the text (or excerpts of it) with <mark> around evidence
    excerpted: bool
    spans: int = 0
    problems: list[str] = field(default_factory=list)


def _valid(e: Evidence, text: str) -> bool:
    return 0 <= e.start < e.end <= len(text)


def mark(text: str, spans: list[tuple[int, Evidence]], *, whole: bool | None = None) -> tuple[Markup, bool]:
    """``text`` escaped, with each evidence span wrapped in ``<mark id="ev-N" title="field">``; overlapping
    spans become one mark. Long text is cut to excerpts around the spans (returns whether it was)."""
    good = sorted(((i, e) for i, e in spans if _valid(e, text)), key=lambda p: (p[1].start, p[1].end))
    merged: list[list] = []  # [start, end, [indexes], [fields]]
    for i, e in good:
        if merged and e.start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], e.end)
            last[2].append(i)
            last[3].append(e.field)
        else:
            merged.append([e.start, e.end, [i], [e.field]])
    if whole is None:
        whole = len(text) <= WHOLE_TEXT
    windows: list[tuple[int, int]] = [(0, len(text))]
    if not whole:
        windows = []
        for start, end, _, _ in merged:
            lo, hi = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], hi))
            else:
                windows.append((lo, hi))
        if not windows:
            windows = [(0, min(len(text), 2 * CONTEXT))]
    parts: list[str] = []
    for w, (lo, hi) in enumerate(windows):
        if w or lo > 0:
            parts.append('<span class="gap">…</span>')
        pos = lo
        for start, end, indexes, fields in merged:
            if start < lo or end > hi:
                continue
            parts.append(str(escape(text[pos:start])))
            anchors = "".join(f'<span id="ev-{i}"></span>' for i in indexes[1:])
            title = escape(", ".join(dict.fromkeys(fields)))
            parts.append(f'<mark id="ev-{indexes[0]}" title="{title}">{anchors}{escape(text[start:end])}</mark>')
            pos = end
        parts.append(str(escape(text[pos:hi])))
        if hi < len(text) and w == len(windows) - 1:
            parts.append('<span class="gap">…</span>')
    return Markup("".join(parts)), not whole


def sources_text(incident: Incident, documents: dict[str, Document | None]) -> list[MarkedText]:
    """Each source document of the incident's evidence, with that evidence marked in its text."""
    by_doc: dict[str, list[tuple[int, Evidence]]] = {}
    for i, e in enumerate(incident.evidence):
        by_doc.setdefault(e.document_id or incident.document_id, []).append((i, e))
    by_doc.setdefault(incident.document_id, [])
    out = []
    for doc_id, spans in by_doc.items():
        doc = documents.get(doc_id)
        if doc is None:
            out.append(MarkedText(None, doc_id, Markup(""), False, len(spans), ["the document is not in the store"]))
            continue
        if is_sealed(doc.text):  # the offsets point into the encrypted account: nothing to mark here
            out.append(MarkedText(doc, doc_id, Markup(escape(doc.text)), False, len(spans), []))
            continue
        html, cut = mark(doc.text, spans)
        bad = [e for _, e in spans if not _valid(e, doc.text)]
        problems = [f"evidence for {e.field} ({e.start}–{e.end}) lies outside the text" for e in bad]
        out.append(MarkedText(doc, doc_id, html, cut, len(spans), problems))
    return out


def percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"
