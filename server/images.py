"""Uploaded images made safe to publish: decoded, bounded and re-encoded without metadata.

A photo's metadata can say where it was taken (EXIF GPS), with which phone,
and by whom; a thumbnail taken at a shelter must not give its place away. So
an upload is never stored as sent: it is decoded by Pillow (only as JPEG, PNG
or WebP, so no other parser ever sees it), turned upright, and only its pixels
are encoded again, into a new image that carries nothing else.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# A phone photo is 12 to 24 megapixels; a decoded pixel takes 4 bytes, so this
# bounds what one upload can make the server hold in memory.
MAX_PIXELS = 25_000_000
# Pillow's name for each format: (extension, content type, save options).
FORMATS = {
    "JPEG": ("jpg", "image/jpeg", {"quality": 88, "optimize": True}),
    "PNG": ("png", "image/png", {"compress_level": 9}),
    "WEBP": ("webp", "image/webp", {"quality": 88, "method": 4}),
}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageRefused(Exception):
    """The upload is not an image this site publishes; the message says why."""


@dataclass(frozen=True)
class CleanImage:
    ext: str
    content_type: str
    body: bytes


def clean_image(body: bytes) -> CleanImage:
    """The image in `body` re-encoded with its pixels only (upright, sRGB, no metadata)."""
    try:
        with Image.open(io.BytesIO(body), formats=list(FORMATS)) as image:
            _check_size(image)
            image.load()
            pixels = _upright_srgb(image)
            # Phones add depth maps or previews to JPEGs (MPO); the first picture is the photo.
            fmt = "JPEG" if image.format == "MPO" else image.format or ""
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        raise ImageRefused(_too_many_pixels()) from bomb
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as broken:
        raise ImageRefused("The file is not a JPEG, PNG or WebP image.") from broken
    ext, content_type, options = FORMATS[fmt]
    # A new image from the bare pixels: savers fall back to the source's own
    # metadata (a JPEG comment, a PNG's profile) unless there is none to find.
    fresh = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    if fmt == "JPEG":
        fresh = fresh.convert("RGB")
    out = io.BytesIO()
    fresh.save(out, fmt, **options)
    return CleanImage(ext, content_type, out.getvalue())


def _check_size(image: Image.Image) -> None:
    # Checked from the header, before a single pixel is decoded.
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageRefused(_too_many_pixels(f" (this one is {width} × {height})"))


def _too_many_pixels(detail: str = "") -> str:
    return (
        f"The image has too many pixels{detail}: at most {MAX_PIXELS // 1_000_000} megapixels."
        " Make it smaller and upload it again."
    )


def _upright_srgb(image: Image.Image) -> Image.Image:
    """The pixels as they are meant to be seen: EXIF rotation applied, colours in sRGB."""
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    profile = image.info.get("icc_profile")
    if profile and upright.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            target = "RGBA" if upright.mode == "RGBA" else "RGB"
            upright = ImageCms.profileToProfile(upright, source, _SRGB, outputMode=target)
        except (ImageCms.PyCMSError, OSError):
            pass  # a profile LittleCMS cannot read: the pixels are taken as sRGB, as browsers do
    return upright.convert("RGBA" if has_alpha else "RGB")
