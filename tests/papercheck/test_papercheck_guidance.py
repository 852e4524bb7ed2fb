"""Guidance texts: complete in all six languages, every statement traceable to its source."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from recruitwatch.papercheck.guidance import (
    COUNTRIES,
    LANGS,
    SOURCE_NAMES,
    build_report,
    source_host,
    source_label,
    statements,
    texts,
)
from recruitwatch.papercheck.results import MILITARY_TYPES, PAGE_TYPES, FileResult, PageResult

SPEC = Path("/work/shared/spec/paper-check.md")


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_every_text(lang):
    t, en = texts(lang), texts("en")
    assert set(t["ui"]) == set(en["ui"])
    assert set(t["types"]) == set(PAGE_TYPES)
    assert set(t["rights"]) == set(statements()["rights"])
    assert set(t["actions"]) == set(statements()["actions"])
    assert set(COUNTRIES) | {"intro", "dual"} == set(t["risks"])
    assert set(t["verdict"]) == set(en["verdict"])
    for key in ("military", "unreadable", "mentions", "failed"):
        assert "{n}" in t["verdict"][key]
    assert "{n}" in t["ui"]["too_many"]


def test_every_rights_and_risk_statement_has_a_source():
    s = statements()
    for group in ("rights", "risks"):
        for key, meta in s[group].items():
            assert meta["sources"], f"{group}.{key} has no source"
            assert meta["ref"].startswith("paper-check.md")
    for type_ in MILITARY_TYPES:
        assert s["type_rights"][type_]
        # what signing each military page means is a statement too
        assert s["types"][type_]["sources"] and s["types"][type_]["ref"].startswith("paper-check.md")


@pytest.mark.skipif(not SPEC.exists(), reason="the shared spec lives outside the repository")
def test_sources_are_the_ones_cited_in_the_spec():
    spec = SPEC.read_text("utf-8")
    s = statements()
    urls = [u for group in ("rights", "risks", "actions") for m in s[group].values() for u in m["sources"]]
    urls += [u for o in s["organisations"] for u in o["sources"]]
    urls += [u for m in s["types"].values() for u in m["sources"]]
    # the data cites the same pages on their public https address (the spec has a few http:// and staging. ones)
    variants = lambda u: {u, u.replace("https://", "http://", 1), u.replace("https://www.", "https://staging.", 1)}  # noqa: E731
    missing = [u for u in urls if not any(v in spec for v in variants(u))]
    assert not missing


def _all_source_urls() -> list[str]:
    s = statements()
    urls = [u for group in ("rights", "risks", "actions") for m in s[group].values() for u in m["sources"]]
    urls += [u for o in s["organisations"] for u in o["sources"]]
    return urls + [u for m in s["types"].values() for u in m["sources"]]


def test_every_source_is_a_public_https_page_with_a_name():
    for url in _all_source_urls():
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.hostname, url
        assert not re.search(r"(^|\.)(staging|dev|test|internal|local|localhost)(\.|$)", parts.hostname), url
        assert parts.hostname.count(".") >= 1 and not parts.hostname.replace(".", "").isdigit(), url
        assert source_host(url) in SOURCE_NAMES, f"no reader-facing name for {url}"
        assert "://" not in source_label(url)


def test_organisations_carry_no_contact_without_a_source():
    # names only, as the facts give them; a way to reach one is listed only with a public source for it
    for org in statements()["organisations"]:
        assert org["sources"], org["name"]
        assert set(org) <= {"name", "ref", "sources", "contact"}
        if "contact" in org:
            assert org["contact"]["sources"] and all(u.startswith("https://") for u in org["contact"]["sources"])


def test_links_hide_the_internal_reference():
    report = build_report([FileResult("a.pdf", [page("military_service_contract", True)])], "ru")
    for st in report.rights + report.risks + report.actions + report.organisations:
        for label, url in st.links:
            assert url.startswith("https://") and "paper-check" not in label
    assert report.military_pages[0].links[0][0] in SOURCE_NAMES.values()


def page(type_, military, readable=True):
    return PageResult(file="a.pdf", page=1, type=type_, military=military, confidence=0.9, cues=["ПОВЕСТКА"],
                      readable=readable)


@pytest.mark.parametrize("lang", LANGS)
def test_report_for_a_call_up_notice(lang):
    report = build_report([FileResult("a.pdf", [page("call_up_notice", True)])], lang, "kg")
    assert report.alarm and report.military_pages[0].type == "call_up_notice"
    assert [r.id for r in report.rights][:2] == ["foreigners_not_mobilised", "dual_citizens"]
    assert [r.id for r in report.risks] == ["kg", "dual"]
    assert all(r.sources for r in report.rights + report.risks)
    assert re.search(r"\b1\b", report.verdicts[0])


def test_report_when_nothing_military():
    report = build_report([FileResult("a.pdf", [page("employment_contract", False), page("other", False, False)])])
    assert not report.alarm and not report.rights and not report.risks
    assert len(report.verdicts) == 2  # clear + one unreadable page


def test_military_pages_carry_the_source_of_their_meaning():
    report = build_report([FileResult("a.pdf", [page("military_service_contract", True)])], "ru")
    (mp,) = report.military_pages
    assert mp.meaning and mp.ref.startswith("paper-check.md A1") and mp.sources
    assert report.verdict_kinds == ["alarm"]


@pytest.mark.parametrize("lang", LANGS)
def test_report_names_files_that_could_not_be_checked_and_pages_about_military_service(lang):
    memo = PageResult(file="memo.pdf", page=1, type="other", military=False, confidence=0.8, mentions_military=True)
    results = [FileResult("memo.pdf", [memo]), FileResult("broken.pdf", error="broken.pdf: not a readable PDF")]
    report = build_report(results, lang)
    assert not report.alarm
    assert report.verdict_kinds == ["clear", "note", "note"]
    assert report.verdicts[1] == texts(lang)["verdict"]["failed"].format(n=1)
    assert report.verdicts[2] == texts(lang)["verdict"]["mentions"].format(n=1)


def test_when_no_file_could_be_read_nothing_is_called_clear():
    report = build_report([FileResult("broken.pdf", error="broken.pdf: not a readable PDF")])
    assert report.verdict_kinds == ["note"] and "could not be checked" in report.verdicts[0]
