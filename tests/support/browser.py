"""Headless Chromium for the pages' browser specs: Debian's `chromium` and `chromium-driver`, driven by Selenium.

Where they are missing the browser specs fail naming the packages to install (.ci/run installs them).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

CHROMIUM = os.environ.get("GUIDEBOT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("GUIDEBOT_CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(os.environ.get("GUIDEBOT_TEST_ARTIFACTS", "test-artifacts"))
PHONE = (480, 960)  # the page is phone-first
SMALL_PHONE = (390, 844)  # the narrowest phone the console is checked on
DESKTOP = (1280, 900)  # the console is desktop-first
INSTALL_HINT = "apt-get install -y chromium chromium-driver fonts-wqy-microhei"


def why_no_browser() -> str | None:
    """Why the browser test cannot run here, or None when it can."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not shutil.which(path):
            return f"no headless browser: {path} is missing (Debian package {package}; {INSTALL_HINT})"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "no headless browser: selenium is not installed (pip install -e '.[test]')"
    return None


def start_chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=zh-CN"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={PHONE[0]},{PHONE[1]}")
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


# How long a page may take to show what a spec waits for: generous, as CI runs two suites and Chromium on two cores;
# a wait ends as soon as the page shows it.
PATIENCE = 15.0


async def until(driver, condition, timeout: float, message: str):
    """Polls the page in a thread, so the app under test keeps serving on the event loop meanwhile.

    An element missing or replaced while a page loads counts as "not yet", not as a failure.
    """
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(
        driver,
        timeout,
        poll_frequency=0.05,
        ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
    )
    return await asyncio.to_thread(wait.until, condition, message)


async def screenshot(driver, name: str, size: tuple[int, int]) -> None:
    """The whole page at that window size, kept as ARTIFACTS/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(driver.set_window_size, *size)
    height = await asyncio.to_thread(driver.execute_script, "return document.documentElement.scrollHeight")
    await asyncio.to_thread(driver.set_window_size, size[0], max(size[1], min(height + 140, 6000)))
    assert await asyncio.to_thread(driver.save_screenshot, str(ARTIFACTS / f"{name}.png"))
    await asyncio.to_thread(driver.set_window_size, *size)
