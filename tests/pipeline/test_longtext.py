"""Long texts are read window by window, with evidence offsets exact in the whole text."""

from __future__ import annotations

from recruitwatch.longtext import LONG_TEXT, WINDOW, windows
from recruitwatch.pipeline import analyse
from recruitwatch.records import Document

REPORT = ("A migrant from {country} says officers at the migration centre in {city} took his passport "
          "in March and made him sign a military contract. He was sent to the front a week later.")
CASES = [("Tajikistan", "Kazan"), ("Uzbekistan", "Yekaterinburg"), ("Kyrgyzstan", "Novosibirsk"),
         ("Kazakhstan", "Samara"), ("Turkmenistan", "Omsk")]
FILLER = "The city council met on Tuesday to discuss road repairs and the budget for schools. "


def test_windows_cover_the_text_in_order_and_cut_at_breaks():
    text = ("Para one. " * 3000 + "\n\n") * 10
    spans = windows(text, 5000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a == b for (_, a), (b, _) in zip(spans, spans[1:]))
    assert all(0 < end - start <= 5000 for start, end in spans)
    assert all(text[end - 1] in " \n" for _, end in spans[:-1])


def test_a_single_line_without_breaks_is_still_cut():
    text = "x" * 25_000
    assert windows(text, 10_000) == [(0, 10_000), (10_000, 20_000), (20_000, 25_000)]


def test_a_long_document_keeps_exact_evidence_and_every_case():
    parts, size, reports = [], 0, []
    while size < LONG_TEXT + WINDOW:
        report = ""
        if len(parts) % 7 == 0:  # a different case each time (another origin and city)
            country, city = CASES[len(reports) % len(CASES)]
            report = REPORT.format(country=country, city=city) + "\n\n"
            reports.append(report)
        chunk = FILLER * 40 + "\n\n" + report
        parts.append(chunk)
        size += len(chunk)
    text = "".join(parts)
    result = analyse(Document(id="long", origin="test", text=text, lang="en", published="2024-05-01"))
    assert result.document.relevant
    assert len(result.incidents) >= len(reports) - 1
    for incident in result.incidents:
        assert incident.document_id == "long"
        for e in incident.evidence:
            assert text[e.start:e.end] == e.text
    assert any("windows" in r for r in result.document.reasons)
