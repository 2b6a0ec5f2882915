"""Browser smoke test: headless Chromium opens the running app, visits every page, saves screenshots.

Chromium comes from Debian (`make chromium`); Playwright drives /usr/bin/chromium (no download).
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser
if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("в CI нужен /usr/bin/chromium: его ставит `make chromium`")
    pytest.skip("нет /usr/bin/chromium (поставьте: make chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_db(demo_db, tmp_path_factory) -> Path:
    """A private copy: the upload test changes it."""
    path = tmp_path_factory.mktemp("browser") / "w.duckdb"
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture(scope="module")
def server(server_db):
    port = _free_port()
    env = {**os.environ, "WAREHOUSE": str(server_db)}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "streamlit.log", "wb")  # noqa: SIM115 - closed after the server stops
    # the server's output goes to a file: an unread pipe fills up and blocks the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("Streamlit не запустился за 60 с")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="ru-RU")
    page.goto(url)
    page.wait_for_selector("h1", timeout=30000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    return page


def test_a_page_url_opened_first_still_goes_through_the_app(server, browser):
    """A fresh server, and the first visitor opens /data directly (a bookmark)."""
    page = _open(browser, server + "/data")
    sidebar = page.inner_text("[data-testid='stSidebar']")
    assert "Фильтры" in sidebar and "Обзор" in sidebar and "ui" not in sidebar.split()
    page.close()


def test_every_page_loads_and_is_screenshotted(server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = _open(browser, server)
    links = page.locator("[data-testid='stSidebarNav'] a")
    # Streamlit shows no navigation while there is a single page
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())] or [server + "/"]
    n_pages = len(re.findall(r"st\.Page\(", (ROOT / "app.py").read_text(encoding="utf-8")))
    assert len(hrefs) == n_pages
    for href in hrefs:
        p = _open(browser, href if href.startswith("http") else server + "/" + href.lstrip("/"))
        assert p.locator("[data-testid='stException']").count() == 0, href
        body = p.inner_text("body")
        assert "Traceback" not in body and "Page not found" not in body
        name = re.sub(r"\W+", "_", urlparse(href).path.strip("/")) or "overview"
        p.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 20_000
        p.close()


def test_filter_change_updates_page_and_url_and_the_url_reopens_the_view(server, browser):
    page = _open(browser, server + "/?mo=90630")
    first = page.locator("[data-testid='stMetricValue']").first
    assert first.inner_text() == "26" or first.inner_text().isdigit()
    moz = first.inner_text()
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="Ирафский район").click()
    page.wait_for_function("() => window.location.search.includes('mo=90620')", timeout=15000)
    page.wait_for_timeout(1500)
    iraf = page.locator("[data-testid='stMetricValue']").first.inner_text()
    assert iraf != moz
    again = _open(browser, page.url)
    assert again.locator("[data-testid='stMetricValue']").first.inner_text() == iraf
    again.close()
    page.close()


def test_upload_shows_problems_then_loads_a_good_file(server, browser, server_db, tmp_path):
    import duckdb
    from conftest import file_hash
    bad = tmp_path / "плохой.csv"
    bad.write_text("school_id;year;assessment;subject;grade;participants;mean_score\n"
                   "1500001;1900;ОГЭ;Математика;9;20;7,5\n", encoding="utf-8")
    good = tmp_path / "kontingent.csv"
    good.write_text("Код ОО;Год;Число обучающихся\n1500001;2024;777\n", encoding="cp1251")
    before = file_hash(server_db)
    page = _open(browser, server + "/data")
    page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", [str(bad)])
    page.get_by_text("Проверить и загрузить пакет").click()
    page.get_by_text("Пакет не загружен").wait_for(timeout=20000)
    page.get_by_text("значение «1900»", exact=False).wait_for(timeout=20000)
    body = page.inner_text("body")
    assert "строка 2, столбец «year»: значение «1900»" in body
    assert file_hash(server_db) == before
    page.close()
    page = _open(browser, server + "/data")
    page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", [str(good)])
    page.get_by_text("kontingent.csv — ресурсы школ по годам", exact=False).wait_for(timeout=20000)
    page.get_by_text("Проверить и загрузить пакет").click()
    page.get_by_text("Загружено в", exact=False).wait_for(timeout=20000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "data_upload.png"), full_page=True)
    page.close()
    c = duckdb.connect(str(server_db), read_only=True)
    assert c.execute("SELECT students FROM school_year WHERE school_id='1500001' AND year=2024").fetchone()[0] == 777
    c.close()


def test_map_renders_with_the_network_cut_off(server, browser):
    """Only the app's own host is reachable: Leaflet comes from the app, the map and markers appear."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1400})
    blocked = []

    def only_local(route):
        host = urlparse(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(host)
            route.abort()

    ctx.route("**/*", only_local)
    page = ctx.new_page()
    page.goto(server + "/map")
    page.wait_for_selector("h1", timeout=30000)
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    frame.locator(".leaflet-container").wait_for(state="attached", timeout=30000)
    page.wait_for_function(
        "() => { const f = document.querySelector(\"iframe[title='streamlit_folium.st_folium']\");"
        " return f && f.getBoundingClientRect().height > 300; }", timeout=30000)
    markers = frame.locator("path.leaflet-interactive")
    markers.first.wait_for(timeout=30000)
    assert markers.count() > 150
    page.screenshot(path=str(ARTIFACTS / "map_offline.png"))
    assert not [h for h in blocked if h not in ("tile.openstreetmap.org", "fonts.gstatic.com")], blocked
    ctx.close()
