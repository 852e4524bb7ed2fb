"""What the learned layer adds to the cues: sentence labels as hits, confidences, and the
mention classifier's adjustments of the rules' places and dates."""

from __future__ import annotations

import numpy as np

from recruitwatch.extract import extract
from recruitwatch.extract.learned import MODEL_LANG, MentionScores, label_sentences
from recruitwatch.learn.model import Linear, Model
from recruitwatch.learn.train import SENTENCE_LABELS
from recruitwatch.records import Document, TextAnalysis
from recruitwatch.screen import screen_document


def _model_knowing(word: str, label: str) -> Model:
    """A model whose sentence classifier gives ``label`` to sentences with ``word`` and nothing else."""
    labels = SENTENCE_LABELS
    weights = np.zeros((1, len(labels)), dtype=np.float32)
    weights[0, labels.index(label)] = 12.0
    sentence = Linear({f"w|{word}": 0}, weights, np.full(len(labels), -6.0, dtype=np.float32), labels,
                      np.full(len(labels), 0.5, dtype=np.float32))
    return Model(sentence, sentence, sentence, sentence, sentence, sentence, sentence)


def test_a_code_can_come_from_the_sentence_classifier_alone_with_its_sentence_as_evidence():
    text = "He went to the market. The bosses quietly pocketed his papers for good. Then he left."
    analysis = TextAnalysis(text, "en", [], [(0, 22), (23, 71), (72, 86)])
    labels = label_sentences(text, analysis, _model_knowing("pocketed", "tactics:document_seizure"))
    (hit,) = labels.hits
    assert (hit.category, hit.code, hit.lang) == ("tactic", "document_seizure", MODEL_LANG)
    assert text[hit.start:hit.end] == "The bosses quietly pocketed his papers for good."
    assert labels.probability("tactics", "document_seizure", 0, len(text)) > 0.99
    assert labels.probability("tactics", "document_seizure", 0, 22) < 0.01


def test_without_a_model_nothing_is_labelled():
    analysis = TextAnalysis("A text.", "en", [], [(0, 7)])
    labels = label_sentences("A text.", analysis, None)
    assert labels.hits == [] and labels.probability("tactics", "document_seizure", 0, 7) == 0.0


def test_every_value_of_an_extracted_incident_has_evidence_and_a_confidence():
    doc, analysis = screen_document(Document(
        id="c", origin="test", published="2024-05-02",
        text="A Tajik migrant says police in Kazan took his passport in April and told him to sign a military "
             "contract or be deported. He signed and was sent to the front."))
    assert doc.relevant
    incidents = extract(doc, analysis)
    assert incidents
    for incident in incidents:
        assert incident.confidence is not None and 0.0 <= incident.confidence <= 1.0
        fields = incident.field_confidence()
        for e in incident.evidence:
            assert doc.text[e.start:e.end] == e.text
            if e.field != "summary":
                assert e.confidence is not None and 0.0 <= e.confidence <= 1.0
        assert {"tactics", "places", "nationalities"} <= set(fields)
        assert incident.confidence == min(fields.values())


def _scores(*mentions):
    scores = {("place", a, b, v): p for a, b, v, p in mentions}
    return MentionScores(scores, {"place": sorted(mentions)})


def test_the_mention_classifier_adds_what_it_is_sure_of_and_drops_what_it_doubts():
    scores = _scores((10, 16, "RU-TA", 0.95), (30, 36, "RU-MOW", 0.05), (50, 56, "RU-SPE", 0.3))
    chosen, added = scores.adjust("place", {"RU-MOW": (30, 36)}, 0, 100)
    assert chosen == {"RU-TA": (10, 16)} and added == {"RU-TA"}


def test_a_mention_the_rules_read_is_not_added_again_as_another_code():
    # "near Moscow": the rules read the mention as the Moscow region
    scores = _scores((5, 11, "RU-MOW", 0.9))
    chosen, added = scores.adjust("place", {"RU-MOS": (5, 11)}, 0, 100)
    assert chosen == {"RU-MOS": (5, 11)} and not added


def test_a_country_gives_way_to_a_region_of_it():
    scores = _scores((5, 11, "RU-SVE", 0.9), (20, 26, "RU", 0.9))
    chosen, _ = scores.adjust("place", {"RU": (20, 26)}, 0, 100)
    assert chosen == {"RU-SVE": (5, 11)}


def test_of_several_nationalities_the_rules_chose_each_must_be_likely():
    # "a Kyrgyz worker ... the centre serves Tajiks and Uzbeks": the victims' origin stays
    from recruitwatch.extract.learned import DROP, SEVERAL

    doubtful = (DROP["nationality"] + SEVERAL["nationality"]) / 2  # kept alone, not beside likelier ones
    mentions = [(5, 11, "KG", 0.9), (40, 46, "TJ", doubtful), (50, 56, "UZ", 0.8)]
    scores = MentionScores({("nationality", a, b, v): p for a, b, v, p in mentions}, {"nationality": mentions})
    chosen, _ = scores.adjust("nationality", {"KG": (5, 11), "TJ": (40, 46), "UZ": (50, 56)}, 0, 100)
    assert chosen == {"KG": (5, 11), "UZ": (50, 56)}
    # a doubtful nationality the rules chose alone is not dropped for that
    alone = MentionScores({("nationality", 40, 46, "TJ"): doubtful}, {"nationality": [(40, 46, "TJ", doubtful)]})
    chosen, _ = alone.adjust("nationality", {"TJ": (40, 46)}, 0, 100)
    assert chosen == {"TJ": (40, 46)}


def test_the_cases_of_a_document_keep_only_dates_they_are_sure_of():
    from recruitwatch.extract.learned import DATE_SEVERAL, doubtful_dates
    from recruitwatch.records import Evidence, Incident

    def case(date, confidence):
        return Incident(document_id="d", date=date, date_precision="month", evidence=[
            Evidence(field="date", value=date, start=0, end=4, text="date", document_id="d", confidence=confidence)])

    sure, doubtful, other = case("2023-05", 0.9), case("2024-02", DATE_SEVERAL / 2), case("2023-05", 0.1)
    doubtful_dates([sure, doubtful, other])
    assert sure.date == "2023-05" and doubtful.date is None and not doubtful.evidence
    assert other.date == "2023-05"  # the same date as the surest case's: not a second date


def test_a_doubted_date_gives_way_to_the_likeliest_other_date_of_the_case():
    from recruitwatch.extract.learned import DROP, FALLBACK
    from recruitwatch.records import DateMention, DocumentMentions

    text = "In 2021 he came to work. In May 2023 he was taken to the enlistment office."
    dates = [DateMention(3, 7, "2021", "2021", "date", "year"), DateMention(28, 36, "May 2023", "2023-05", "date", "month")]
    found = DocumentMentions(text, "2024-01-10", [], [], dates)

    def scores(p_other):
        rows = [(3, 7, "2021", DROP["date"] / 2), (28, 36, "2023-05", p_other)]
        return MentionScores({("date", a, b, v): p for a, b, v, p in rows}, {"date": rows})

    date, precision, span, learned = scores(FALLBACK + 0.05).adjust_date("2021", "year", (3, 7), 0, len(text), found, text)
    assert (date, precision, span, learned) == ("2023-05", "month", (28, 36), True)
    # nothing likely enough: no date rather than one the model doubts
    assert scores(FALLBACK - 0.05).adjust_date("2021", "year", (3, 7), 0, len(text), found, text)[0] is None
