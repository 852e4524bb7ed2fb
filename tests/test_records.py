"""Records normalise what every stage reads."""

import pytest

from recruitwatch.records import Document


@pytest.mark.parametrize("given, stored", [
    ("14.05.2023", "2023-05-14"), ("2023-05-14T10:30:00+03:00", "2023-05-14"), ("2023-05", "2023-05"),
    ("Sun, 14 May 2023 10:30:00 +0300", "2023-05-14"), ("soon", None), (None, None), ("2023-02-30", None),
])
def test_a_documents_publication_date_is_normalised_once(given, stored):
    assert Document(id="d", origin="o", text="t", published=given).published == stored
