"""Sticker sheets: real page sizes, codes where the labels are, and clear refusals."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from server.publishing import publish_document
from server.settings import ROOT
from tests.conftest import BASE_URL
from tests.stickers_fixture import (
    INACTIVE_SERVICE,
    TWELVE,
    WITHDRAWN,
    publish_sticker_catalogue,
    sticker_catalogue,
)

DPI = 200
INCH = 72.0
MM = 72.0 / 25.4
# Each sheet's geometry as its maker publishes it, in points, written out
# here independently of server/labels.py: (page w, page h, left, top,
# pitch x, pitch y, label w, label h, columns).
SHEETS = {
    "avery-5160": (612, 792, 0.1875 * INCH, 0.5 * INCH, 2.75 * INCH, INCH, 2.625 * INCH, INCH, 3),
    "avery-l7160": (
        210 * MM,
        297 * MM,
        7.25 * MM,
        15.15 * MM,
        66 * MM,
        38.1 * MM,
        63.5 * MM,
        38.1 * MM,
        3,
    ),
    "round-2in-20": (
        612,
        792,
        0.15625 * INCH,
        0.375 * INCH,
        2.0625 * INCH,
        2.0625 * INCH,
        2 * INCH,
        2 * INCH,
        4,
    ),
    "round-2in-12": (
        612,
        792,
        0.625 * INCH,
        0.6 * INCH,
        2.625 * INCH,
        2.6 * INCH,
        2 * INCH,
        2 * INCH,
        3,
    ),
}


@pytest.fixture
async def stickers(app, catalogue_copy):
    return await publish_sticker_catalogue(app, catalogue_copy)


def item_urls(doc: dict, collection: str) -> list[str]:
    (col,) = [c for c in doc["collections"] if c["code"] == collection]
    by_id = {(k[:-1], r["id"]): r for k in ("videos", "services", "needs") for r in doc[k]}
    return [f"{BASE_URL}/s/{by_id[(i['kind'], i['id'])]['code']}" for i in col["items"]]


def decode_box(image: Image.Image, left: float, top: float, width: float, height: float):
    """Codes found in one rectangle (in points) of a page image: (text, x0, y0, x1, y1)."""
    scale = DPI / 72
    crop = image.crop(
        (
            round(left * scale),
            round(top * scale),
            round((left + width) * scale),
            round((top + height) * scale),
        )
    )
    found = []
    for result in zxingcpp.read_barcodes(crop):
        p = result.position
        corners = (p.top_left, p.top_right, p.bottom_left, p.bottom_right)
        xs = [left + c.x / scale for c in corners]
        ys = [top + c.y / scale for c in corners]
        found.append((result.text, min(xs), min(ys), max(xs), max(ys)))
    return found


def render(page) -> Image.Image:
    return page.render(scale=DPI / 72).to_pil().convert("L")


def decoded(page) -> list[tuple[str, float, float, float, float]]:
    w, h = page.get_size()
    return decode_box(render(page), 0, 0, w, h)


@pytest.mark.parametrize("layout", list(SHEETS))
async def test_a_sheet_for_twelve_items_puts_each_code_on_its_label(admin, stickers, layout):
    response = await admin.get(
        f"/admin/stickers/sheet.pdf?collection={TWELVE}&layout={layout}&lang=en"
    )
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    pdf = pdfium.PdfDocument(response.content)
    assert len(pdf) == 1  # every one of these sheets holds 12 labels or more
    page_w, page_h, left, top, pitch_x, pitch_y, label_w, label_h, columns = SHEETS[layout]
    assert pdf[0].get_size() == pytest.approx((page_w, page_h), abs=0.01)
    expected = item_urls(stickers, TWELVE)
    assert len(expected) == 12
    image = render(pdf[0])
    for index, url in enumerate(expected):
        row, column = divmod(index, columns)
        label_x, label_y = left + column * pitch_x, top + row * pitch_y
        # The label the sheet's maker puts at this place holds exactly this item's code.
        found = decode_box(image, label_x, label_y, label_w, label_h)
        assert [text for text, *_ in found] == [url], (layout, index, found)
        ((text, x0, y0, x1, y1),) = found
        assert label_x - 1 <= x0 < x1 <= label_x + label_w + 1, (layout, text, x0, x1)
        assert label_y - 1 <= y0 < y1 <= label_y + label_h + 1, (layout, text, y0, y1)
        if layout.startswith("round"):
            cx, cy, r = label_x + label_w / 2, label_y + label_h / 2, label_w / 2
            corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
            assert all((x - cx) ** 2 + (y - cy) ** 2 < r**2 for x, y in corners), text
        # Codes big enough to scan: at least 0.5 in across on every layout.
        assert x1 - x0 >= 0.5 * INCH


async def test_the_svg_page_has_the_real_size_and_the_same_codes(admin, stickers):
    response = await admin.get(
        f"/admin/stickers/sheet.svg?collection={TWELVE}&layout=avery-l7160&lang=fr"
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg = response.text
    assert 'width="8.268in" height="11.693in"' in svg
    assert 'viewBox="0 0 595.276 841.89"' in svg
    # The link typed under each code, in the chosen language.
    assert "testserver/fr/s/" in svg
    assert svg.count(">Renseignements</text>") == 12


async def test_a_withdrawn_service_is_left_out_with_a_note(admin, stickers):
    page = await admin.get(f"/admin/stickers?collection={WITHDRAWN}&layout=avery-5160&lang=en")
    assert page.status_code == 200, page.text[:300]
    assert "2 stickers on 1 page" in page.text
    assert "Left out: Hiatus House" in page.text and "no longer offered" in page.text
    response = await admin.get(
        f"/admin/stickers/sheet.pdf?collection={WITHDRAWN}&layout=avery-5160&lang=en"
    )
    assert response.status_code == 200
    pdf = pdfium.PdfDocument(response.content)
    found = decoded(pdf[0])
    inactive = next(s["code"] for s in stickers["services"] if s["id"] == INACTIVE_SERVICE)
    assert len(found) == 2 and all(inactive not in text for text, *_ in found)
    text = pdf[0].get_textpage().get_text_range()
    assert "Left out: Hiatus House" in text


async def test_a_full_sheet_of_one_collection_code(admin, stickers):
    response = await admin.get(
        f"/admin/stickers/sheet.pdf?collection={WITHDRAWN}&mode=fill&layout=round-2in-12"
    )
    assert response.status_code == 200
    found = decoded(pdfium.PdfDocument(response.content)[0])
    assert [t for t, *_ in found] == [f"{BASE_URL}/s/{WITHDRAWN}"] * 12


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("collection=T3ST&layout=avery-9999", "There is no label layout called “avery-9999”"),
        ("codes=ZZZZ&layout=avery-5160", "Unknown or missing short codes: ZZZZ"),
        ("collection=NOPE&layout=avery-5160", "There is no published collection “NOPE”"),
        (
            "collection=T3ST&layout=avery-5160&line=" + "Information" * 3,
            "does not fit on this label",
        ),
        ("collection=T3ST&layout=avery-5160&line=" + "x" * 61, "keep it to 60"),
        ("collection=T3ST&layout=avery-5160&lang=xx", "not one of the published languages"),
        ("collection=T3ST&layout=avery-5160&skip=99", "must be a whole number from 1 to 80"),
        ("collection=T3ST&layout=avery-5160&line=Info%00rmation", "contains a control character"),
        ("collection=T3ST&layout=avery-5160&line=%01Help", "contains a control character"),
        (
            "collection=T3ST&layout=avery-5160&line=%E2%80%AEpleH",
            "contains a bidirectional override character",
        ),
    ],
)
async def test_bad_input_gets_a_clear_error_never_a_broken_sheet(admin, stickers, query, message):
    for path in ("/admin/stickers/sheet.pdf", "/admin/stickers/sheet.svg", "/admin/stickers"):
        response = await admin.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        assert response.headers["content-type"].startswith("text/html")
        assert message in response.text, response.text[:400]


async def test_arabic_text_is_refused_in_the_pdf_and_printed_in_the_svg(admin, stickers):
    query = f"collection={TWELVE}&layout=avery-l7160&lang=ar"
    pdf = await admin.get(f"/admin/stickers/sheet.pdf?{query}")
    assert pdf.status_code == 400
    assert "The line “معلومات”" in pdf.text and "Use the SVG sheet" in pdf.text
    svg = await admin.get(f"/admin/stickers/sheet.svg?{query}")
    assert svg.status_code == 200 and ">معلومات</text>" in svg.text


async def test_the_refusal_names_the_characters_the_pdf_cannot_print(admin, stickers):
    query = f"collection={TWELVE}&layout=avery-5160&line=Help+%E2%9C%93+here"
    pdf = await admin.get(f"/admin/stickers/sheet.pdf?{query}")
    assert pdf.status_code == 400
    assert "The line “Help ✓ here”" in pdf.text and "cannot print: ✓" in pdf.text
    assert (await admin.get(f"/admin/stickers/sheet.svg?{query}")).status_code == 200


async def test_a_note_naming_a_record_in_arabic_does_not_stop_the_pdf(app, admin, catalogue_copy):
    doc = sticker_catalogue(catalogue_copy)
    inactive = next(s for s in doc["services"] if s["id"] == INACTIVE_SERVICE)
    inactive["name"]["en"] = "Hiatus House بيت هياتوس"
    state = app.state
    await publish_document(state.store, state.theme, state.settings, doc, actor="test")
    await state.live.refresh()
    query = f"collection={WITHDRAWN}&layout=avery-5160&lang=en&line=Information"
    response = await admin.get(f"/admin/stickers/sheet.pdf?{query}")
    assert response.status_code == 200, response.text[:400]
    margin = pdfium.PdfDocument(response.content)[0].get_textpage().get_text_range()
    code = inactive["code"]
    assert f"Left out: {code} is no longer offered" in margin
    page = await admin.get(f"/admin/stickers?{query}")
    assert "Left out: Hiatus House بيت هياتوس" in page.text, "the admin page keeps the name"


async def test_sticker_pages_need_a_session(client):
    response = await client.get("/admin/stickers/sheet.pdf?collection=T3ST&layout=avery-5160")
    assert response.status_code == 303


def test_the_layouts_are_documented_data():
    from server.labels import LAYOUTS

    assert set(LAYOUTS) == set(SHEETS)
    assert (ROOT / "server" / "labels.py").read_text().count("Layout(") >= 4
