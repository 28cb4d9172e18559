"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against
the live test server, and axe-core checks every page a test visits for WCAG 2.2 AA.

Where /usr/bin/chromium is missing these tests are skipped, and the run's summary says
plainly that they did not run (see the repository's conftest.py).
"""

import os
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import CHROMIUM
from tiptracker.accounts import second_factor

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
# set up data are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"BROWSER TESTS DID NOT RUN: {CHROMIUM} is not installed")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert AXE.exists(), f"axe-core is missing at {AXE}: run `npm ci`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # axe is added to every page by an init script: the page's strict CSP stays enforced.
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.console_errors = errors
    yield page
    context.close()


def assert_accessible(page) -> None:
    """Run axe-core on the page as it is now; fail on any WCAG 2.2 AA violation, and on
    anything the page's content security policy blocked (a chart without its colours)."""
    page.wait_for_load_state("load")  # not a page still arriving from a click
    violations = page.evaluate(
        "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
        WCAG_TAGS,
    )
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    ]
    assert not summary, f"accessibility violations on {page.url}:\n" + "\n".join(summary)
    # A multi-line {# #} is not a comment in Django templates: it shows on the page as text.
    text = page.inner_text("body")
    # Except what a page shows as code on purpose (the Word template's placeholders).
    for code in page.locator("code").all_inner_texts():
        text = text.replace(code, "", 1)
    leaked = [mark for mark in ("{#", "#}", "{%", "{{") if mark in text]
    assert not leaked, f"template syntax shows as text on {page.url}: {leaked}"
    blocked = [
        text for text in getattr(page, "console_errors", []) if "Content Security Policy" in text
    ]
    assert not blocked, (
        f"the content security policy blocked something on {page.url}: {blocked[:3]}"
    )


# What makes the page wider than the window, if anything: the outermost elements that stick
# out past its right edge and are not inside something that clips them (a scrolling region),
# widest first; every scrolling region that a keyboard cannot reach or a screen reader
# cannot name; and every chart shown smaller than it was drawn (its text then smaller than
# the page's small text). An absolutely positioned element (visually hidden text) escapes the clipping
# of a scrolling region that is not positioned, so it counts as sticking out.
_REFLOW = r"""() => {
  const width = window.innerWidth;
  const clipped = element => {
    let position = getComputedStyle(element).position;
    for (let a = element.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (position === 'fixed') return false;
      if (position === 'absolute' && style.position === 'static') continue;
      if (style.overflowX !== 'visible') return true;
      position = style.position;
    }
    return false;
  };
  const describe = element => {
    const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
      + [...element.classList].map(c => '.' + c).join('');
    const text = (element.innerText || element.textContent || '').replace(/\s+/g, ' ').trim();
    return `${name} (${Math.round(element.getBoundingClientRect().width)}px wide`
      + `${text ? ': "' + text.slice(0, 60) + '"' : ''})`;
  };
  const out = [];
  const tooWide = document.documentElement.scrollWidth > width;
  for (const element of tooWide ? document.body.querySelectorAll('*') : []) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 0.5 && box.width > 0 && !clipped(element)) out.push(element);
  }
  const outermost = out.filter(e => !out.some(o => o !== e && o.contains(e)));
  outermost.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right);
  const regions = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (element.scrollWidth <= element.clientWidth) continue;
    if (!['auto', 'scroll'].includes(getComputedStyle(element).overflowX)) continue;
    const named = element.getAttribute('aria-label') || (document.getElementById(
      element.getAttribute('aria-labelledby') || '') || {}).textContent;
    if (element.tabIndex < 0 || element.getAttribute('role') !== 'region' || !named) {
      regions.push(describe(element));
    }
  }
  // A chart drawn for the screen (lib/charts.py) shown smaller than drawn: its text shrinks.
  const shrunk = [...document.querySelectorAll('.tip-chart')]
    .filter(svg => getComputedStyle(svg).display !== 'none')
    .filter(svg => svg.getBoundingClientRect().width < svg.width.baseVal.value - 0.5)
    .map(svg => `${svg.getAttribute('aria-label')} (drawn ${Math.round(svg.width.baseVal.value)}`
      + `px wide, shown ${Math.round(svg.getBoundingClientRect().width)}px)`);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width,
    wide: outermost.slice(0, 3).map(describe),
    regions,
    shrunk,
  };
}"""


def reflow_problems(page) -> list[str]:
    """Why the page does not reflow at the window's width (WCAG 2.2, 1.4.10), in words that
    name what to fix; none when it does."""
    found = page.evaluate(_REFLOW)
    problems = []
    if found["scrollWidth"] > found["width"]:
        problems.append(
            f"the page is {found['scrollWidth']}px wide in a {found['width']}px window; "
            f"widest first: {'; '.join(found['wide']) or 'nothing found to blame'}"
        )
    problems += [
        f'a scrolling region needs tabindex="0", role="region" and a name: {region}'
        for region in found["regions"]
    ]
    problems += [f"a chart shrunk to fit, its text with it: {chart}" for chart in found["shrunk"]]
    return problems


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 400, (
        f"{path} answered {response and response.status}"
    )
    assert_accessible(page)


def sign_in(page, membership) -> None:
    """Signs in with the password and, for the roles that need one, the second factor (a
    device is made for them if they have none, as if they had set it up before)."""
    user = membership.user
    if second_factor.required_for(user) and second_factor.confirmed_device(user) is None:
        TOTPDevice.objects.create(user=user, name=second_factor.DEVICE_NAME, confirmed=True)
    sign_in_with(page, user.username, PASSWORD)


def sign_in_with(page, email: str, password: str) -> None:
    """With a password: the address first ("Continue"), then the password form (an address
    whose domain has a sign-in provider would go to the provider instead)."""
    visit(page, "/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/account/second-factor/" in page.url and "/set-up/" not in page.url:
        assert_accessible(page)
        page.get_by_label("Code from your authenticator app").fill(code_for_sign_in(email))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    assert "/login/" not in page.url and "/second-factor/" not in page.url, (
        f"sign-in failed at {page.url}"
    )
    assert_accessible(page)


def code_for_sign_in(email: str) -> str:
    """What the person types: the code their app shows now or, if that code was used in this
    half-minute already (a second sign-in in one test), one of their recovery codes."""
    from django_otp.oath import TOTP

    device = TOTPDevice.objects.get(user__username=email, confirmed=True)
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    if device.last_t < now:
        return second_factor.current_code(device)
    return second_factor.recovery_codes_new(device.user)[0]
