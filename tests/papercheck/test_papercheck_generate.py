"""The page generator: every type, every kind of damage, reproducible."""

from __future__ import annotations

import numpy as np
from papergen import DAMAGE_KINDS, generate_page, generate_pages

from recruitwatch.papercheck.results import PAGE_TYPES


def test_every_type_and_damage_kind_renders():
    pages = list(generate_pages(seed=1, per_type=1, damage=DAMAGE_KINDS))
    assert len(pages) == len(PAGE_TYPES) * len(DAMAGE_KINDS)
    for page in pages:
        assert page.image.width > 500 and page.image.height > 500
        assert page.text.strip()
        ink = (np.asarray(page.image.convert("L")) < 128).mean()
        assert 0.002 < ink < 0.6, (page.type, page.damage, ink)


def test_same_seed_same_page_other_seed_other_page():
    a = generate_page("call_up_notice", 5, "photo")
    b = generate_page("call_up_notice", 5, "photo")
    c = generate_page("call_up_notice", 6, "photo")
    assert a.text == b.text and a.image.tobytes() == b.image.tobytes()
    assert a.text != c.text


def test_partial_pages_are_cropped():
    full = generate_page("employment_contract", 2, "clean")
    part = generate_page("employment_contract", 2, "clean", partial=True)
    assert part.image.height < full.image.height


def test_the_generator_is_not_in_the_runtime_package():
    from pathlib import Path

    import recruitwatch

    src = Path(recruitwatch.__file__).parent
    assert not (src / "papercheck" / "generate.py").exists()
    for path in src.rglob("*.py"):
        text = path.read_text("utf-8")
        assert "papergen" not in text.replace("``tests/papergen.py``", "") and "papercheck.generate" not in text, path
