"""Deciding that two reports tell one case (pure functions, no store)."""

from __future__ import annotations

import pytest
from reports import english, english_follow_up, other_case_same_city_month, russian, vague

from recruitwatch.link.documents import (
    DUPLICATE_CONTAINMENT,
    DUPLICATE_JACCARD,
    MIN_CONTAINED,
    band_keys,
    components,
    fingerprint,
    jaccard,
    near_duplicate,
    shingles,
)
from recruitwatch.link.features import incident_keys, skeleton
from recruitwatch.link.match import is_vague, match

pytestmark = pytest.mark.issue(8)


def keyed(r):
    return r.incident, incident_keys(r.incident, r.document.text, r.document.published)


def test_names_meet_across_scripts():
    assert skeleton("Джамшеда")[:5] == skeleton("Jamshed")[:5]
    assert skeleton("Рахимова")[:5] == skeleton("Rahimov")[:5]
    assert skeleton("Ходжаев") == skeleton("Khodjaev")


def test_an_english_and_a_russian_report_of_one_case_match():
    en, ru = keyed(english()), keyed(russian())
    m = match(*en, *ru)
    assert m is not None and m.score >= 0.8
    assert m.fields["people"] == 1.0 and m.fields["date"] == 1.0
    assert match(*ru, *en) == m  # symmetric


def test_a_different_case_in_the_same_city_and_month_does_not_match():
    other = keyed(other_case_same_city_month())
    assert match(*keyed(english()), *other) is None
    assert match(*keyed(english_follow_up()), *other) is None


def test_a_follow_up_with_a_coarser_date_still_matches_on_the_people():
    assert match(*keyed(english()), *keyed(english_follow_up())) is not None


def test_a_vague_incident_never_matches_a_specific_one():
    v = vague()
    assert is_vague(v.incident)
    assert match(*keyed(english()), *keyed(v)) is None
    assert match(*keyed(v), *keyed(vague())) is None  # nor another vague one


def test_a_country_alone_is_not_a_shared_place():
    en = english(places=["RU"])
    assert match(*keyed(en), *keyed(russian())) is None


def test_incompatible_dates_or_nationalities_do_not_match():
    assert match(*keyed(english(date="2024-04-10")), *keyed(russian())) is None
    assert match(*keyed(english(nationalities=["UZ"])), *keyed(russian())) is None


def test_a_repost_with_one_added_line_shares_bands_and_passes_the_exact_check():
    base = " ".join(f"word{i} shared text of a report about a detention number {i}" for i in range(30))
    repost = base + " The editors asked the police for comment."
    a, b = shingles(base), shingles(repost)
    assert jaccard(a, b) >= DUPLICATE_JACCARD
    assert set(band_keys(a)) & set(band_keys(b))
    assert len(band_keys(a)) == len(set(band_keys(a)))  # every band its own key
    unrelated = shingles("a completely different story about the weather in Bishkek and early snow " * 3)
    assert jaccard(a, unrelated) < 0.1


@pytest.mark.issue(11)
def test_fingerprints_count_what_the_shingle_sets_count():
    base = " ".join(f"word{i} shared text of a report about a detention number {i}" for i in range(30))
    texts = [base, base + " The editors asked the police for comment.", base[: len(base) // 2],
             base.replace("detention", "raid", 12), "Short text.", ""]
    for x in texts:
        fx = fingerprint(shingles(x))
        assert len(fx) == 8 * len(shingles(x))
        for y in texts:
            a, b, fy = shingles(x), shingles(y), fingerprint(shingles(y))
            expected = None
            if a and b:
                score = jaccard(a, b)
                contained = min(len(a), len(b)) >= MIN_CONTAINED and len(a & b) / min(len(a), len(b)) >= DUPLICATE_CONTAINMENT
                expected = score if score >= DUPLICATE_JACCARD or contained else None
            assert near_duplicate(fx, fy) == expected


def test_components_do_not_depend_on_edge_order():
    edges = [("c", "d"), ("a", "b"), ("b", "c")]
    one = sorted(map(sorted, components("abcdef", edges)))
    two = sorted(map(sorted, components("fedcba", list(reversed(edges)))))
    assert one == two == [["a", "b", "c", "d"], ["e"], ["f"]]


def test_a_source_without_an_outlet_name_is_called_by_its_host():
    from recruitwatch.link.cases import Source, outlet_name

    fields = {f: None for f in Source.__dataclass_fields__}
    named = Source(**{**fields, "document_id": "a", "outlet": "Radio Ozodi", "url": "https://www.ozodi.org/a/1"})
    hosted = Source(**{**fields, "document_id": "b", "url": "https://www.ozodi.org/a/2"})
    unknown = Source(**{**fields, "document_id": "c"})
    assert (outlet_name(named), outlet_name(hosted), outlet_name(unknown)) == ("Radio Ozodi", "ozodi.org", "")
