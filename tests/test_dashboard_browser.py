"""The dashboard in a real browser: Debian's Chromium, headless, driven by Playwright, with JavaScript
off (the pages need none). At a phone's size and a desktop's, the portfolio and a project's page read
right, are named for screen readers (landmarks, tables by their captions, meters, images by their
words), fit the screen, and load everything under their Content-Security-Policy. Screenshots are kept in
test-artifacts/ for people to look at."""

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.dashboard_site import get, link_path, seed, settings_for
from tests.slack_server import Server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if shutil.which("chromium") is None and not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def site(database, clock, chat_for) -> Iterator[tuple[Server, str]]:
    """The running server with tenant T1's projects, and the portfolio's address from `dashboard`."""
    running = Server(settings_for(database), clock=clock)
    chat = seed(chat_for(running.app.commands))
    yield running, running.url(link_path(chat("dashboard")))
    running.close()


def open_page(browser: Browser, url: str, **device: object) -> tuple[Page, list[str]]:
    """`url` in a fresh context without JavaScript; what the browser complained of is collected."""
    context = browser.new_context(java_script_enabled=False, **device)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.on("response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    response = page.goto(url)
    assert response is not None
    assert response.status == 200
    return page, problems


def keep(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"dashboard-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes().startswith(b"\x89PNG")
    return path


def fits(page: Page, width: int) -> None:
    """Nothing is wider than the screen: the page never scrolls sideways (wide tables scroll alone)."""
    for landmark in ("banner", "main", "contentinfo"):
        box = page.get_by_role(landmark).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width + 0.5, landmark


def test_the_portfolio_and_a_project_read_right_on_a_phone(browser, site):
    _server, url = site
    phone = {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    }
    page, problems = open_page(browser, url, **phone)
    expect(page.get_by_role("heading", name="Portfolio", level=1)).to_be_visible()
    projects = page.get_by_role("list", name="Projects")
    expect(projects.get_by_role("article", name=re.compile("Churn model"))).to_contain_text("At risk")
    expect(projects.get_by_role("article", name=re.compile("Invoice OCR"))).to_contain_text("No status yet")
    expect(page.get_by_role("meter", name=re.compile("Recall: 50% of the way"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Open projects by phase and health"))).to_be_visible()
    fits(page, 390)
    keep(page, "portfolio-phone")

    page.get_by_role("link", name="Churn model", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Churn model"), level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("Portfolio")
    expect(page.get_by_role("region", name="Status history")).to_contain_text("Q3 labels are noisy")
    fits(page, 390)
    keep(page, "project-phone")
    assert problems == []


def test_a_project_page_reads_right_on_a_desktop(browser, site):
    _server, url = site
    page, problems = open_page(browser, url + "/churn", **DESKTOP)
    risks = page.get_by_role("table", name=re.compile("Open risks"))
    expect(risks.get_by_role("row", name=re.compile("R-1"))).to_contain_text("Label noise in Q3 data")
    expect(page.get_by_role("region", name="Decisions")).to_contain_text("Use gradient boosting")
    expect(page.get_by_role("region", name="Governance")).to_contain_text("limited")
    expect(page.get_by_role("region", name="Gate checklist of framing")).to_contain_text("Not done:")
    expect(page.get_by_role("img", name=re.compile("Risk heat map of churn"))).to_be_visible()
    # The stylesheet came through the Content-Security-Policy: the banner is painted dark.
    banner = page.get_by_role("banner")
    expect(banner).to_have_css("background-color", "rgb(23, 50, 77)")
    fits(page, 1280)
    keep(page, "project-desktop")
    assert problems == []


def test_an_expired_link_shows_a_page_that_says_so(browser, site, clock):
    server, url = site
    clock.advance(days=8)
    assert get(server, url.removeprefix(server.url("")))[0] == 410
    context = browser.new_context(java_script_enabled=False, **DESKTOP)
    page = context.new_page()
    response = page.goto(url)
    assert response is not None
    assert response.status == 410
    expect(page.get_by_role("heading", name="This link has expired", level=1)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Churn model")
    keep(page, "expired")
