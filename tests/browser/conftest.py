"""Browser tests drive the system Chromium through Playwright; nothing is downloaded.

Each scenario runs in a thread of its own: Playwright's sync API keeps an event loop in the
thread that starts it, and the test's database connection must stay outside that loop.
So a scenario only talks to the live server; all database work happens in the test itself.
"""

import os
import threading
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _run(scenario, context_options):
    from playwright.sync_api import sync_playwright

    outcome = {}

    def target():
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **context_options)
                    page = context.new_page()
                    page.set_default_timeout(15_000)
                    outcome["value"] = scenario(page)
                finally:
                    browser.close()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="chromium")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.fixture
def chromium():
    """chromium(scenario, **context_options) runs scenario(page) in a fresh headless Chromium."""
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 nhưng không có Chromium ở {CHROMIUM} (apt-get install -y chromium)")
        pytest.skip(f"không có Chromium ở {CHROMIUM}")
    return lambda scenario, **options: _run(scenario, options)
