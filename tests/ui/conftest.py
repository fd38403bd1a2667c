"""Real headless Chromium (Debian's chromium + chromium-driver) through Selenium.

Selenium Manager must never download a browser or driver: both paths are given explicitly.
Without /usr/bin/chromium the tests are skipped with a reason, unless
INNINGEN_REQUIRE_SERVICES=1 (CI), where they fail.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _vereist(reden: str):
    if os.environ.get("INNINGEN_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reden}, maar INNINGEN_REQUIRE_SERVICES=1")
    pytest.skip(reden)


@pytest.fixture(scope="session")
def _chromium_beschikbaar():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        _vereist("Chromium niet geïnstalleerd (apt-get install chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        _vereist("selenium niet geïnstalleerd (pip install selenium)")


@pytest.fixture
def browser(_chromium_beschikbaar):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--window-size=1280,1600",
        "--lang=nl-NL",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
