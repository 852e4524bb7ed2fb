"""Image clean-up before OCR: size, illumination, skew.

Phone photos of paper come in at any size, with shadows and a tilt; scans come in at low
resolution. Each step is a plain function from image to image so it can be tested alone.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter, ImageOps

#: The longest side OCR works on. About 200 dpi for A4: small enough for < 2 s a page.
TARGET_LONG_SIDE = 2000
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
    """Shrink big photos and enlarge small scans towards :data:`TARGET_LONG_SIDE`."""
    long_side = max(image.size)
    if long_side > TARGET_LONG_SIDE:
        factor = TARGET_LONG_SIDE / long_side
    elif long_side < MIN_LONG_SIDE:
        factor = min(MIN_LONG_SIDE / long_side, 3.0)
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


def estimate_skew(image: Image.Image, limit: float = 12.0) -> float:
    """Skew angle in degrees (PIL's counter-clockwise sense) that makes text lines horizontal.

    Projection profile: the angle at which row sums of ink are sharpest.
    """
    width = 700
    # the middle of the page: the sheet's edges and the table around a photographed page mislead
    w, h = image.size
    image = image.crop((w // 8, h // 8, w - w // 8, h - h // 8))
    if image.width > width:
        small = image.resize((width, max(1, round(image.height * width / image.width))), Image.BILINEAR)
    else:
        small = image
    arr = np.asarray(small, dtype=np.uint8)
    threshold = min(160, int(arr.mean()) - 30)
    binary = Image.fromarray(((arr < threshold) * 255).astype(np.uint8), "L")
    if (np.asarray(binary) > 0).mean() < 0.002:
        return 0.0  # nearly blank
    coarse = max(np.arange(-limit, limit + 0.1, 1.0), key=lambda a: _profile_score(binary, a))
    fine = max(np.arange(coarse - 1.0, coarse + 1.01, 0.2), key=lambda a: _profile_score(binary, a))
    return round(float(fine), 1)


def deskew(image: Image.Image, angle: float) -> Image.Image:
    if abs(angle) < 0.3:
        return image
    return image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)


def ink_fraction(image: Image.Image) -> float:
    """Share of dark pixels: near zero for a blank page."""
    arr = np.asarray(image.resize((max(1, image.width // 4), max(1, image.height // 4))), dtype=np.uint8)
    return float((arr < 128).mean())
