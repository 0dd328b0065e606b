"""Thumbnails are published as pixels only: no place, camera or comment travels with them."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms

from server.images import MAX_PIXELS
from server.publishing import publish_draft

VIDEO = "video-hiatus-house"
CAMERA = "ShelterCam 3000"
COMMENT = b"taken at the back door of the shelter"


def photo_with_metadata() -> bytes:
    """A JPEG as a phone writes it: GPS position, camera, orientation, comment, colour profile."""
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, 10, 20))  # a blue band on the left edge
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.Model] = "Model S"
    exif[ExifTags.Base.Orientation] = 6  # shown turned a quarter clockwise
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (42.0, 18.0, 17.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (83.0, 2.0, 11.0),
    }
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=COMMENT, icc_profile=profile, quality=95)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb."""
    buffer = io.BytesIO()
    Image.new("L", (8, 8)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


async def upload(app, admin, body: bytes, filename: str = "t.jpg"):
    row = await app.state.store.get_record("videos", VIDEO)
    return await admin.post(
        f"/admin/thumbnails/{VIDEO}",
        {"revision": str(row.revision)},
        files={"thumbnail": (filename, body, "application/octet-stream")},
    )


def media_count(app) -> int:
    db = sqlite3.connect(app.state.settings.db_path)
    try:
        return db.execute("SELECT count(*) FROM media").fetchone()[0]
    finally:
        db.close()


async def test_a_published_photo_carries_no_metadata_and_stands_upright(app, admin, seeded):
    original = photo_with_metadata()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    response = await upload(app, admin, original)
    assert response.status_code == 303, response.text[:500]
    name = (await app.state.store.get_record("videos", VIDEO)).data["thumbnail"]
    await publish_draft(app.state.store, app.state.theme, seeded, actor="pat")
    await app.state.live.refresh()
    published = await admin.http.get(f"/media/{name}")
    assert published.status_code == 200 and published.headers["content-type"] == "image/jpeg"
    body = published.content
    image = Image.open(io.BytesIO(body))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    for key in ("exif", "icc_profile", "xmp", "comment", "photoshop"):
        assert key not in image.info, key
    assert CAMERA.encode() not in body and COMMENT not in body and b"Exif" not in body
    # The rotation the phone asked for is applied to the pixels themselves.
    assert image.size == (20, 40)
    top = image.convert("RGB").getpixel((10, 2))
    assert top[2] > 150 and top[0] < 100, "the blue band is now at the top"
    assert name.startswith(hashlib.sha256(body).hexdigest()[:32])


async def test_a_png_loses_its_text_chunks_and_keeps_its_pixels(app, admin):
    from PIL import PngImagePlugin

    image = Image.new("RGBA", (12, 7), (10, 120, 90, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "the shelter on Elm Street")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)
    assert (await upload(app, admin, buffer.getvalue(), "t.png")).status_code == 303
    name = (await app.state.store.get_record("videos", VIDEO)).data["thumbnail"]
    assert name.endswith(".png")
    body = (await admin.get(f"/admin/media/{name}")).content
    assert b"Elm Street" not in body
    stored = Image.open(io.BytesIO(body))
    assert "Location" not in stored.info
    assert stored.mode == "RGBA" and stored.tobytes() == image.tobytes()


async def test_a_phone_jpeg_with_extra_pictures_keeps_only_the_photo(app, admin):
    photo, depth_map = Image.new("RGB", (16, 9), (200, 30, 30)), Image.new("RGB", (16, 9))
    buffer = io.BytesIO()
    photo.save(buffer, "MPO", save_all=True, append_images=[depth_map])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    assert (await upload(app, admin, buffer.getvalue())).status_code == 303
    name = (await app.state.store.get_record("videos", VIDEO)).data["thumbnail"]
    stored = Image.open(io.BytesIO((await admin.get(f"/admin/media/{name}")).content))
    assert stored.format == "JPEG" and getattr(stored, "n_frames", 1) == 1
    assert stored.getpixel((8, 4))[0] > 150, "the photo, not the depth map"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff\xd8\xff" + b"<html><script>alert(1)</script></html>", "not a JPEG, PNG or WebP"),
        (b"\x89PNG\r\n\x1a\n" + b"<svg onload=alert(1)>", "not a JPEG, PNG or WebP"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 <html>", "not a JPEG, PNG or WebP"),
        (photo_with_metadata()[:400], "not a JPEG, PNG or WebP"),  # cut short
        (b"GIF89a" + b"\x00" * 40, "not a JPEG, PNG or WebP"),
        (png_claiming(30_000, 30_000), "too many pixels"),  # past Pillow's own bomb limit
        (png_claiming(6_000, 5_000), "too many pixels"),  # past ours
    ],
    ids=["jpeg-then-html", "png-then-svg", "webp-then-html", "cut-short", "gif", "bomb", "big"],
)
async def test_fakes_and_bombs_are_refused_and_nothing_is_stored(app, admin, body, message):
    before = await app.state.store.get_record("videos", VIDEO)
    stored = media_count(app)
    response = await upload(app, admin, body)
    assert response.status_code == 400, response.text[:300]
    assert message in response.text
    assert media_count(app) == stored
    assert await app.state.store.get_record("videos", VIDEO) == before


def test_the_pixel_bound_is_below_pillows_own():
    assert MAX_PIXELS < Image.MAX_IMAGE_PIXELS
