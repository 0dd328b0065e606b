"""Sticker sheets for printing: a collection or any codes, on a chosen label sheet."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import share
from server.admin import admin_view, render
from server.catalogue import Catalogue, localized
from server.forms import whole_number
from server.labels import LAYOUTS
from server.routes.public import current_site
from server.sticker_pdf import sheet_pdf
from server.sticker_svg import page_svg
from server.stickers import Sheet, Sticker, StickerError, build_sheet, get_layout, pick_records
from server.stickers import typed_link as typed

MAX_COPIES = 30


@dataclass(frozen=True)
class Choice:
    """What the form asks for, read from the query string."""

    collection: str
    codes: str
    mode: str
    layout: str
    lang: str
    line: str
    skip: int
    copies: int

    def query(self, **extra: str) -> str:
        fields = {
            "collection": self.collection,
            "codes": self.codes,
            "mode": self.mode,
            "layout": self.layout,
            "lang": self.lang,
            "line": self.line,
            "skip": str(self.skip + 1),
            "copies": str(self.copies),
        }
        return urlencode(fields | extra)


def _number(raw: str, default: int, low: int, high: int, what: str) -> int:
    if not raw.strip():
        return default
    value = whole_number(raw.strip())
    if value is None or not low <= value <= high:
        raise StickerError(f"{what} must be a whole number from {low} to {high}.")
    return value


def read_choice(request: Request, catalogue: Catalogue) -> Choice:
    q = request.query_params
    lang = q.get("lang", "en")
    if lang not in catalogue.site.languages:
        raise StickerError(f"“{lang}” is not one of the published languages.")
    line = q["line"] if "line" in q else localized(catalogue.site.share_subject, lang)[0] or ""
    mode = q.get("mode", "items")
    if mode not in ("items", "fill"):
        raise StickerError("Choose one sticker per item, or a full sheet of the collection.")
    return Choice(
        collection=q.get("collection", "").strip(),
        codes=q.get("codes", "").strip()[:400],
        mode=mode,
        layout=q.get("layout", "avery-5160"),
        lang=lang,
        line=line.strip(),
        skip=_number(q.get("skip", ""), 1, 1, 80, "The first label") - 1,
        copies=_number(q.get("copies", ""), 1, 1, MAX_COPIES, "Copies of each"),
    )


def make_sheet(request: Request) -> tuple[Choice, Sheet]:
    site = current_site(request)
    catalogue = site.catalogue
    choice = read_choice(request, catalogue)
    layout = get_layout(choice.layout)
    if not choice.collection and not choice.codes:
        raise StickerError("Choose a collection, or type the short codes to print.")
    codes, notes = pick_records(catalogue, choice.collection, choice.codes, choice.mode)
    base = request.app.state.settings.base_url
    per_code = layout.per_sheet - choice.skip if choice.mode == "fill" else choice.copies
    stickers = []
    for code in codes:
        url = share.absolute(base, share.page_path(choice.lang, code))
        stickers += [Sticker(code, url, typed(url))] * per_code
    return choice, build_sheet(layout, stickers, choice.line, notes, choice.skip)


def _refuse(request: Request, error: StickerError) -> Response:
    return render(request, "error.html", status=400, message=str(error), problems=None)


@admin_view()
async def form(request: Request) -> Response:
    site = current_site(request)
    context = {
        "layouts": LAYOUTS,
        "collections": site.catalogue.collections,
        "site_languages": site.catalogue.site.languages,
        "q": request.query_params,
        "sheet": None,
        "choice": None,
    }
    if request.query_params.get("layout"):
        try:
            context["choice"], context["sheet"] = make_sheet(request)
        except StickerError as error:
            return _refuse(request, error)
    return render(request, "stickers.html", **context)


@admin_view()
async def pdf(request: Request) -> Response:
    try:
        choice, sheet = make_sheet(request)
        body = sheet_pdf(sheet, title="Stickers")
    except StickerError as error:
        return _refuse(request, error)
    name = f"stickers-{choice.layout}.pdf"
    return Response(
        body,
        media_type="application/pdf",
        headers={"content-disposition": f'inline; filename="{name}"'},
    )


@admin_view()
async def svg(request: Request) -> Response:
    try:
        choice, sheet = make_sheet(request)
        number = _number(request.query_params.get("page", ""), 1, 1, len(sheet.pages), "The page")
    except StickerError as error:
        return _refuse(request, error)
    name = f"stickers-{choice.layout}-{number}.svg"
    return Response(
        page_svg(sheet, number - 1),
        media_type="image/svg+xml",
        headers={"content-disposition": f'inline; filename="{name}"'},
    )


routes = [
    Route("/stickers", form, methods=["GET"]),
    Route("/stickers/sheet.pdf", pdf, methods=["GET"]),
    Route("/stickers/sheet.svg", svg, methods=["GET"]),
]
