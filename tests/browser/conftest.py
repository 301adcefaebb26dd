"""Browser tests: headless Chromium driven by Playwright against pytest-django's live server.

They run whenever Chromium is installed and must run in CI (CI=true), where a missing browser is a
failure, not a skip.
"""
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# synchronous, so Django's async-safety check would refuse them without this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """open_page(viewport=DESKTOP) -> a fresh page in a browser that asks for Chinese, as users' do."""
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def log_in(live_server):
    """Log in through the login page, as a person would."""

    def do(page, username, password):
        from banzi.accounts.models import User
        from banzi.accounts.otp import requires_second_factor
        from tests.second_factor import code, enrol

        user = User.objects.get(username=username)
        device = enrol(user) if requires_second_factor(user) else None  # enrolled with an authenticator
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("form.card button[type=submit]")
        if device is not None:  # the second step: the app's code
            page.wait_for_url(f"{live_server.url}/accounts/second-factor/verify/**")
            page.fill("#id_code", code(device))
            page.click("main form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")

    return do
