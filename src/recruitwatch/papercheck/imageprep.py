"""Image clean-up before OCR: size, illumination, skew.

Phone photos of paper come in at any size, with shadows and a tilt; scans come in at low
resolution. Each step is a plain function from image to image so it can be tested alone.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter, ImageOps

#: Pixels OCR works on: about A4 at 220 dpi. Enough for 9-point print in a photo that also shows
#: the table around the sheet, small enough for < 2 s a page.
TARGET_PIXELS = 4_500_000
MIN_LONG_SIDE = 1500


def to_gray(image: Image.Image) -> Image.Image:
    """Grey-scale, upright by EXIF, with transparency flattened on white."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return image.convert("L")


def rescale(image: Image.Image) -> Image.Image:
    """Shrink big photos to :data:`TARGET_PIXELS` and enlarge small scans."""
    pixels = image.width * image.height
    if pixels > TARGET_PIXELS:
        factor = (TARGET_PIXELS / pixels) ** 0.5
    elif max(image.size) < MIN_LONG_SIDE:
        factor = min(MIN_LONG_SIDE / max(image.size), 3.0)
    else:
        return image
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.LANCZOS)


def flatten_illumination(image: Image.Image) -> Image.Image:
    """Divide by a blurred background estimate: removes shadows and uneven light from photos."""
    small = image.resize((max(1, image.width // 16), max(1, image.height // 16)), Image.BILINEAR)
    # a max filter removes the text from the background estimate
    background = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(2))
    background = background.resize(image.size, Image.BILINEAR)
    page = np.asarray(image, dtype=np.float32)
    bg = np.maximum(np.asarray(background, dtype=np.float32), 1.0)
    flat = np.clip(page / bg * 255.0, 0, 255)
    return Image.fromarray(flat.astype(np.uint8), "L")


def _profile_score(binary: Image.Image, angle: float) -> float:
    rotated = binary.rotate(angle, resample=Image.NEAREST, expand=False, fillcolor=0)
    rows = np.asarray(rotated, dtype=np.float32).sum(axis=1)
    return float(np.square(np.diff(rows)).sum())


def _binary_middle(image: Image.Image, width: int) -> Image.Image | None:
    """Ink mask of the middle of the page (the sheet's edges and the table around it mislead)."""
    w, h = image.size
    image = image.crop((w // 8, h // 8, w - w // 8, h - h // 8))
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.BILINEAR)
    arr = np.asarray(image, dtype=np.uint8)
    threshold = min(160, int(arr.mean()) - 30)
    mask = arr < threshold
    if mask.mean() < 0.002:
        return None  # nearly blank
    return Image.fromarray((mask * 255).astype(np.uint8), "L")


def estimate_alignment(image: Image.Image, limit: float = 44.0) -> tuple[int, float]:
    """How to turn a page so its text lines run horizontally: (quarter turn 0 or 90, skew angle).

    Projection profile: row sums of ink are sharpest when lines are horizontal. Trying the page
    as it is and turned by 90 degrees, over skews of +-44 degrees, finds lines at any angle; whether
    the page is upside down is left to OSD, which is reliable once lines are straight.
    Angles are in PIL's counter-clockwise sense.
    """
    coarse_mask = _binary_middle(image, 500)
    if coarse_mask is None:
        return 0, 0.0
    best = (-1.0, 0, 0.0)
    for quarter in (0, 90):
        mask = coarse_mask.rotate(quarter, expand=True) if quarter else coarse_mask
        for angle in np.arange(-limit, limit + 0.1, 2.0):
            score = _profile_score(mask, float(angle))
            if score > best[0]:
                best = (score, quarter, float(angle))
    _, quarter, coarse = best
    fine_mask = _binary_middle(image.rotate(quarter, expand=True) if quarter else image, 800)
    if fine_mask is None:
        return quarter, 0.0
    fine = max(np.arange(coarse - 2.0, coarse + 2.01, 0.25), key=lambda a: _profile_score(fine_mask, float(a)))
    return quarter, round(float(fine), 2)


def deskew(image: Image.Image, angle: float) -> Image.Image:
    if abs(angle) < 0.3:
        return image
    return image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)


def ink_fraction(image: Image.Image) -> float:
    """Share of dark pixels: near zero for a blank page.

    Samples every third pixel instead of shrinking the image: shrinking averages thin strokes of
    small print into light grey and makes a dense page look blank.
    """
    arr = np.asarray(image, dtype=np.uint8)[::3, ::3]
    return float((arr < 140).mean())
