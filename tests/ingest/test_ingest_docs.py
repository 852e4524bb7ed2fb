"""docs/ingest.md documents every reader and every supported extension."""

from pathlib import Path

from recruitwatch.ingest import READERS
from recruitwatch.ingest.folder import supported_extensions

DOC = Path(__file__).resolve().parents[2] / "docs" / "ingest.md"


def test_every_format_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for name in READERS:
        assert f"`{name}`" in text, name


def test_every_extension_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = [ext for ext in supported_extensions() if f"`{ext}`" not in text]
    assert missing == []
