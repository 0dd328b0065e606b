"""Short-link counts: per code and day, only real openings, nothing personal stored."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import httpx
from asgi_lifespan import LifespanManager

from server.app import create_app
from server.counting import is_opening
from server.store import Store
from tests.conftest import BASE_URL

NAVIGATE = {"sec-fetch-mode": "navigate", "sec-fetch-dest": "document", "accept": "text/html"}
# What the service worker's download of the offline set sends.
WORKER_FETCH = {"sec-fetch-mode": "cors", "sec-fetch-dest": "empty", "accept": "*/*"}


def today() -> str:
    return datetime.now(UTC).date().isoformat()


async def service_code(client: httpx.AsyncClient) -> str:
    doc = (await client.get("/api/catalogue")).json()
    return next(s["code"] for s in doc["services"] if s["id"] == "hiatus-house")


async def counts(store: Store) -> dict[tuple[str, str], int]:
    return {(r.code, r.day): r.opens for r in await store.daily_opens()}


async def test_three_openings_add_three_for_that_code_and_day(app, client):
    code = await service_code(client)
    for path in (f"/s/{code}", f"/s/{code}", f"/fr/s/{code}"):
        assert (await client.get(path, headers=NAVIGATE)).status_code == 200
    # None of these is someone opening the link.
    assert (await client.get(f"/s/{code}", headers=WORKER_FETCH)).status_code == 200
    prefetch = NAVIGATE | {"sec-purpose": "prefetch"}
    assert (await client.get(f"/s/{code}", headers=prefetch)).status_code == 200
    assert (await client.head(f"/s/{code}", headers=NAVIGATE)).status_code == 200
    assert (await client.get("/s/ZZZZ", headers=NAVIGATE)).status_code == 404
    assert (await client.get(f"/qr/{code}.svg", headers=NAVIGATE)).status_code == 200
    await app.state.counter.flush(app.state.store)
    assert await counts(app.state.store) == {(code, today()): 3}


async def test_a_list_of_several_counts_once_as_a_list(app, client):
    code = await service_code(client)
    assert (await client.get(f"/list?c={code}", headers=NAVIGATE)).status_code == 200
    assert (await client.get("/list?c=ZZZZZZZZZ", headers=NAVIGATE)).status_code == 404
    await app.state.counter.flush(app.state.store)
    assert await counts(app.state.store) == {("list", today()): 1}


async def test_the_stored_table_can_hold_nothing_personal(app, client):
    code = await service_code(client)
    await client.get(f"/s/{code}", headers=NAVIGATE | {"user-agent": "Secret/1.0"})
    await app.state.counter.flush(app.state.store)
    db = sqlite3.connect(app.state.settings.db_path)
    columns = {row[1]: row[2] for row in db.execute("PRAGMA table_info(link_open)")}
    assert columns == {"code": "TEXT", "day": "TEXT", "opens": "INTEGER"}
    (row,) = db.execute("SELECT * FROM link_open").fetchall()
    assert row == (code, today(), 1)
    # A day is a date and nothing finer; a code is a short code or 'list'.
    try:
        db.execute("INSERT INTO link_open VALUES ('X', '2026-01-01T10:00', 1)")
    except sqlite3.IntegrityError:
        pass
    else:
        raise AssertionError("a time of day was accepted")
    dump = "\n".join(db.iterdump())
    assert "Secret" not in dump and "127.0.0.1" not in dump


async def test_every_worker_flushes_its_own_batch_and_they_add_up(seeded):
    first, second = create_app(seeded), create_app(seeded)
    async with LifespanManager(first), LifespanManager(second):
        for application in (first, second):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
                code = await service_code(c)
                await c.get(f"/s/{code}", headers=NAVIGATE)
                await c.get(f"/s/{code}", headers=NAVIGATE)
    # Leaving the lifespan flushed what each process still held.
    store = await Store(seeded.db_path).open()
    try:
        assert await counts(store) == {(code, today()): 4}
    finally:
        await store.close()


def test_only_navigations_are_openings():
    assert is_opening({b"sec-fetch-mode": b"navigate", b"sec-fetch-dest": b"document"})
    assert not is_opening({b"sec-fetch-mode": b"cors", b"sec-fetch-dest": b"empty"})
    assert not is_opening({b"sec-fetch-mode": b"navigate", b"sec-fetch-dest": b"iframe"})
    assert not is_opening({b"sec-fetch-mode": b"no-cors", b"sec-fetch-dest": b"image"})
    # Browsers without Fetch Metadata: a page request asks for HTML first.
    assert is_opening({b"accept": b"text/html,application/xhtml+xml"})
    assert not is_opening({b"accept": b"*/*"})
    assert not is_opening({b"purpose": b"prefetch", b"accept": b"text/html"})


async def test_admins_see_a_weekly_chart_and_a_csv(app, client, admin):
    code = await service_code(client)
    for _ in range(3):
        await client.get(f"/s/{code}", headers=NAVIGATE)
    await app.state.counter.flush(app.state.store)
    page = await admin.get("/admin/opens")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert f'<g data-code="{code}">' in page.text
    assert 'data-opens="3"' in page.text
    assert "Hiatus House" in page.text
    csv_file = await admin.get("/admin/opens.csv")
    assert csv_file.status_code == 200
    assert csv_file.headers["content-type"].startswith("text/csv")
    lines = csv_file.text.strip().splitlines()
    assert lines[0] == "day,code,kind,name,opens"
    assert lines[1].startswith(f"{today()},{code},service,") and lines[1].endswith(",3")


async def test_the_counts_page_needs_a_session(client):
    response = await client.get("/admin/opens")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login")


async def test_a_refused_request_is_not_an_opening(app, client):
    code = await service_code(client)
    foreign = await client.get(f"/s/{code}", headers=NAVIGATE | {"host": "evil.example"})
    assert foreign.status_code == 400
    twice = await client.get(
        f"/s/{code}", headers=[*NAVIGATE.items(), ("host", "testserver"), ("host", "evil.example")]
    )
    assert twice.status_code == 400
    assert "frame-ancestors 'none'" in twice.headers["content-security-policy"]
    await app.state.counter.flush(app.state.store)
    assert await counts(app.state.store) == {}
