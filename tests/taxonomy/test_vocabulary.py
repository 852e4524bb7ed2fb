"""The package's coded vocabulary must equal the tables of the shared taxonomy spec."""

import re
from pathlib import Path

import pytest

from recruitwatch.taxonomy import ACTORS, OUTCOMES, STATUSES, TACTICS, label

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "taxonomy.md"

HEADINGS = {"victim status": STATUSES, "actor types": ACTORS, "tactics": TACTICS, "outcomes": OUTCOMES}


def spec_tables(text: str) -> dict[str, list[str]]:
    """Codes listed in the first column of each `## heading` table of the spec."""
    tables: dict[str, list[str]] = {}
    heading = None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip().lower()
            tables.setdefault(heading, [])
            continue
        m = re.match(r"\|\s*`([a-z_]+)`\s*\|", line)
        if heading and m:
            tables[heading].append(m.group(1))
    return tables


@pytest.mark.skipif(not SPEC.exists(), reason="the shared taxonomy spec is not beside the repository")
@pytest.mark.parametrize("heading", sorted(HEADINGS))
def test_codes_equal_the_spec(heading):
    tables = spec_tables(SPEC.read_text(encoding="utf-8"))
    assert list(HEADINGS[heading]) == tables[heading]


def test_every_code_has_labels_and_a_definition():
    for table in HEADINGS.values():
        for code, entry in table.items():
            assert entry.code == code
            assert entry.label_en and entry.label_ru and entry.definition
            assert re.search("[а-яё]", entry.label_ru), code


def test_label_falls_back_to_the_code():
    assert label("tactics", "document_seizure", "ru") == "изъятие документов"
    assert label("tactics", "no_such_code") == "no_such_code"


def test_the_taxonomy_doc_is_generated_from_the_vocabulary():
    from recruitwatch.taxonomy.markdown import vocabulary_markdown

    doc = Path(__file__).resolve().parents[2] / "docs" / "taxonomy.md"
    assert doc.read_text(encoding="utf-8") == vocabulary_markdown(), "run: recruitwatch taxonomy --markdown > docs/taxonomy.md"
