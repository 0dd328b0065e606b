"""WCAG 2.2 AA in a real browser: axe-core on every public page type in English and
Arabic, keyboard order, focus, touch targets, reflow, reduced motion, call links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from server.settings import ROOT
from tests.browser.pages import page_types

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def require_axe() -> Path:
    if AXE.exists():
        return AXE
    message = f"axe-core not found at {AXE}: run `npm ci` (make test does)"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(f"ACCESSIBILITY TESTS SKIPPED: {message}")


@pytest.fixture
async def axe_context(browser):
    require_axe()
    # The injected script is not ours to allow in the CSP: bypass it for the check only.
    ctx = await browser.new_context(bypass_csp=True)
    yield ctx
    await ctx.close()


def describe(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in violations
    ]


@pytest.mark.parametrize("lang", ["en", "ar"])
async def test_axe_finds_nothing_on_any_page_type(server, axe_context, lang):
    page = await axe_context.new_page()
    found = {}
    for name, path in page_types(server.url, lang).items():
        await page.goto(server.url + path)
        await page.wait_for_load_state("networkidle")
        await page.add_script_tag(path=str(AXE))
        result = await page.evaluate(
            "(tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } })", AXE_TAGS
        )
        assert result["passes"], "axe ran its checks"
        if result["violations"]:
            found[name] = describe(result["violations"])
    assert found == {}, "\n".join(f"{k}: {x}" for k, v in found.items() for x in v)


# Runs in a page: every control a keyboard can reach, in document order.
FOCUSABLE = """() => [...document.querySelectorAll(
    'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
  .filter((el) => !el.disabled && el.checkVisibility({ visibilityProperty: true }))
  .map((el) => el.outerHTML.slice(0, 120))"""
ACTIVE = "() => document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : ''"
# Runs in a page: is the focused control drawn with a visible outline, and not
# hidden behind the quick exit button that floats over the page?
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const points = [[0.5, 0.5], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]];
  const seen = points.some(([x, y]) => {
    const hit = document.elementFromPoint(box.x + box.width * x, box.y + box.height * y);
    return hit && (hit === el || el.contains(hit));
  });
  return {
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    seen: el.classList.contains('skip') || seen,
  };
}"""


@pytest.mark.parametrize("kind", ["home", "service", "about", "find with a query"])
async def test_keyboard_reaches_every_control_in_order(server, context, kind):
    page = await context.new_page()
    await page.set_viewport_size({"width": 320, "height": 640})
    await page.goto(server.url + page_types(server.url)[kind])
    await page.wait_for_load_state("networkidle")
    controls = await page.evaluate(FOCUSABLE)
    assert len(controls) > 8
    reached = []
    for _ in controls:
        await page.keyboard.press("Tab")
        reached.append(await page.evaluate(ACTIVE))
        shown = await page.evaluate(FOCUS_SHOWN)
        assert shown == {"outline": True, "seen": True}, (kind, reached[-1])
    assert reached == controls, "Tab visits every control once, in reading order"
    assert "data-quick-exit" in reached[0] and 'class="skip"' in reached[1]


async def test_skip_link_moves_focus_to_the_content(server, context):
    page = await context.new_page()
    await page.goto(server.url + page_types(server.url)["need"])
    await page.keyboard.press("Tab")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "main"
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.closest('main') !== null")


# Runs in a page: controls smaller than 44 by 44 CSS pixels. Links inside a
# sentence are exempt (WCAG 2.5.8 "inline"): they are as tall as the text. A
# checkbox is tapped through its label, which is measured instead.
SMALL_TARGETS = """() => [...document.querySelectorAll('a[href], button, input, select, summary')]
  .filter((el) => !el.disabled && el.checkVisibility({ visibilityProperty: true })
    && !el.classList.contains('skip') && !el.closest('p:not(:only-child), li.prose'))
  .map((el) => [el, (el.closest('label') || el).getBoundingClientRect()])
  .filter(([el, box]) => box.width < 44 || box.height < 44)
  .map(([el, box]) => `${el.outerHTML.slice(0, 80)} ${box.width | 0}x${box.height | 0}`)"""


@pytest.mark.parametrize("lang", ["en", "ar"])
async def test_touch_targets_and_reflow_at_320_px(server, context, lang):
    page = await context.new_page()
    # 320 CSS pixels wide: a 1280 px window at 400% zoom (WCAG 1.4.10).
    await page.set_viewport_size({"width": 320, "height": 640})
    small, wide = {}, {}
    for name, path in page_types(server.url, lang).items():
        await page.goto(server.url + path)
        await page.wait_for_load_state("networkidle")
        if found := await page.evaluate(SMALL_TARGETS):
            small[name] = found
        width = await page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[name] = width
    assert small == {}, "\n".join(f"{k}: {x}" for k, v in small.items() for x in v)
    assert wide == {}, "no page scrolls sideways at 320 px"


# Runs in a page: for each call or text link, the name of what it calls as the
# page shows it nearby (its section's heading, its card's title, the service
# page's heading, or its own visible label: 911, the always-open strip and a
# need's lines name their service).
CALL_LINKS = """() => [...document.querySelectorAll('a.call')].map((a) => {
  const around = a.closest('.hotline, .card');
  const owner = around ? around.querySelector('h2, .card-title')
    : (a.closest('.strip, .need-lines') || a.classList.contains('call-emergency')
      ? a.querySelector('.call-label') : document.querySelector('h1'));
  return {
    number: a.querySelector('.call-number').textContent.trim(),
    owner: owner.textContent.trim(),
  };
})"""


async def accessible_names(context, page, role: str) -> list[str]:
    cdp = await context.new_cdp_session(page)
    nodes = (await cdp.send("Accessibility.getFullAXTree"))["nodes"]
    await cdp.detach()
    return [
        n["name"]["value"]
        for n in nodes
        if n.get("role", {}).get("value") == role and not n.get("ignored")
    ]


@pytest.mark.parametrize("lang", ["en", "ar"])
async def test_call_links_say_the_number_and_whose_it_is(server, context, lang):
    page = await context.new_page()
    checked = 0
    for kind in ["home", "need", "service", "numbers", "video", "find with a query"]:
        await page.goto(server.url + page_types(server.url, lang)[kind])
        if kind == "find with a query":
            # Drawn from the saved copy, the results appear once the page has searched.
            await page.wait_for_selector("[data-search-results] .cards li")
        names = await accessible_names(context, page, "link")
        calls = [n for n in names if any(c.isdigit() for c in n)]
        for link in await page.evaluate(CALL_LINKS):
            matching = [n for n in calls if link["number"] in n]
            assert matching, (kind, link)
            assert any(link["owner"] in n for n in matching), (kind, link, matching)
            checked += 1
    assert checked > 30


async def test_reduced_motion_is_respected(server, browser):
    # A test stylesheet gives the call links a transition and an animation; the
    # site's own reduced-motion rule must switch both off.
    style = ".call { transition: transform 2s; animation: 2s infinite alternate pulse; }"
    style += " @keyframes pulse { to { transform: scale(1.1); } }"
    durations = {}
    for motion in ["no-preference", "reduce"]:
        ctx = await browser.new_context(bypass_csp=True, reduced_motion=motion)
        page = await ctx.new_page()
        await page.goto(server.url + "/")
        await page.add_style_tag(content=style)
        durations[motion] = await page.evaluate(
            """() => {
              const s = getComputedStyle(document.querySelector('.call'));
              return [s.transitionDuration, s.animationName, document.getAnimations().length,
                      getComputedStyle(document.documentElement).scrollBehavior];
            }"""
        )
        await ctx.close()
    assert durations["no-preference"][:2] == ["2s", "pulse"], "the test styles apply"
    assert durations["reduce"] == ["0s", "none", 0, "auto"]
