"""The dashboard in a real browser (headless Debian chromium through selenium): the
charts are drawn, the console stays clean (a CSP violation would show there) and a
botnet page opens from the overview. Skipped without chromium, except under CI=true."""

from __future__ import annotations

import os
import shutil
import threading
import time

import pytest
import uvicorn

from spamintel.serve import create_app

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SCREENSHOT = "/tmp/dash.png"
TOKEN = "browser-test-token-0123456789"


def _need_chromium() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if not missing:
        return
    reason = f"{', '.join(missing)} not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _served(app):
    """``app`` served by uvicorn on a free loopback port, in a thread: its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def base_url(store):
    """The dashboard over ``store``."""
    yield from _served(create_app(store))


@pytest.fixture(scope="module")
def guarded_url(store):
    """The dashboard over ``store`` with the access token ``TOKEN``."""
    yield from _served(create_app(store, warm=False, tokens=(TOKEN,)))


@pytest.fixture(scope="module")
def browser():
    _need_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1366,1800"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


def _datasets(browser, canvas_id: str, timeout: float = 20) -> int:
    """Number of datasets Chart.js has drawn on the canvas, once it has drawn."""
    from selenium.webdriver.support.ui import WebDriverWait

    script = ("const c = document.getElementById(arguments[0]);"
              "const chart = c && window.Chart && Chart.getChart(c);"
              "return chart ? chart.data.datasets.length : null;")
    return WebDriverWait(browser, timeout).until(
        lambda b: b.execute_script(script, canvas_id))


def _console_errors(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_overview_draws_every_botnet(browser, base_url, client):
    botnets = client.get("/api/botnets").json()["botnets"]
    browser.get(base_url + "/")
    assert _datasets(browser, "daily-by-botnet") == len(botnets)
    browser.save_screenshot(SCREENSHOT)
    assert _console_errors(browser) == []


def test_click_through_to_a_botnet(browser, base_url):
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/")
    _datasets(browser, "daily-by-botnet")
    browser.find_element(By.LINK_TEXT, "Bagle").click()
    assert browser.current_url.endswith("/botnets/Bagle")
    assert _datasets(browser, "botnet-daily") == 4  # estimate, its band (2), observed
    assert _datasets(browser, "botnet-bots") >= 2
    assert browser.find_element(By.TAG_NAME, "h1").text == "Botnet Bagle"
    assert _console_errors(browser) == []


def test_hostile_botnet_page_runs_no_script(browser, base_url, hostile):
    from urllib.parse import quote

    from selenium.webdriver.common.by import By

    browser.get(base_url + "/botnets/" + quote(hostile.botnet, safe=""))
    _datasets(browser, "botnet-daily")
    assert browser.find_element(By.TAG_NAME, "h1").text == f"Botnet {hostile.botnet}"
    assert hostile.subject in browser.find_element(By.TAG_NAME, "main").text
    injected = "main img, main svg, main script:not([type='application/json'])"
    assert browser.execute_script(f'return document.querySelectorAll("{injected}").length') == 0
    assert _console_errors(browser) == []


def test_month_selector_switches_month(browser, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(base_url + "/")
    Select(browser.find_element(By.NAME, "month")).select_by_value("2011-01")
    WebDriverWait(browser, 20).until(lambda b: b.current_url.endswith("month=2011-01"))
    assert "January 2011" in browser.find_element(By.TAG_NAME, "h1").text


def test_a_guarded_dashboard_draws_with_basic_credentials(browser, guarded_url):
    from selenium.webdriver.common.by import By

    browser.get(guarded_url + "/")
    assert browser.find_elements(By.ID, "daily-by-botnet") == []
    browser.get(guarded_url.replace("://", f"://analyst:{TOKEN}@") + "/")
    assert _datasets(browser, "daily-by-botnet") > 0
    assert [e for e in _console_errors(browser) if "401" not in e] == []
