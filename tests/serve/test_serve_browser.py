"""The web page of ``milia-kg serve`` in a real browser: headless Chromium (Debian's ``chromium``
and ``chromium-driver``, installed by .ci/install-browser) driven by selenium.

Skipped only where no browser is installed, with the reason; .ci/run installs one.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium (test extra) is not installed")

from benchmarks.serve_load import served  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

#: conditions_at_site with site=face: (condition_label, stated_site_label) in the table's order.
FACE_ROWS = [
    ("milia", "face"),
    ("milia en plaque", "cheek"),
    ("milia en plaque", "eyelid"),
    ("milia en plaque", "jaw"),
    ("multiple eruptive milia", "face"),
    ("neonatal milia", "nose"),
    ("primary milia", "cheek"),
    ("primary milia", "eyelid"),
    ("primary milia", "forehead"),
]
COLUMNS = ["condition", "condition_label", "site", "site_label", "stated_site", "stated_site_label"]


@pytest.fixture
def browser(tmp_path: Path) -> Any:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if missing:
        pytest.skip(f"no browser installed ({', '.join(missing)} missing): run .ci/install-browser "
                    "(Debian packages chromium and chromium-driver)")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage", "--window-size=1280,1400",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _table(driver: Any) -> tuple[list[str], list[list[str]]]:
    from selenium.webdriver.common.by import By

    table = driver.find_element(By.ID, "results")
    header = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    return header, rows


def _wait_for_status(driver: Any, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(expected_conditions.text_to_be_present_in_element((By.ID, "status"), text))


def test_catalogue_form_renders_the_exact_rows(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    with served() as server:
        browser.get(server.url + "/")
        assert browser.title == "milia-kg"
        form = browser.find_element(By.ID, "form-conditions_at_site")
        browser.execute_script("arguments[0].closest('details').open = true", form)
        site = form.find_element(By.NAME, "site")
        site.clear()
        site.send_keys("face")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        _wait_for_status(browser, "9 rows")
        header, rows = _table(browser)
        links = {a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#results a")}
        browser.execute_script("document.getElementById('status').scrollIntoView()")
        screenshot = tmp_path / "conditions_at_site.png"
        assert browser.save_screenshot(str(screenshot))
    assert header == COLUMNS
    assert [(r[1], r[5]) for r in rows] == FACE_ROWS
    assert {r[2] for r in rows} == {"http://purl.obolibrary.org/obo/UBERON_0001456"}  # UBERON's face (issue 20)
    # the page links the project's own terms (mkg:); the reused UBERON face is shown by its label
    assert server.url + "/entity/mkg:Jaw" in links and server.url + "/entity/mkg:PrimaryMilia" in links
    assert screenshot.stat().st_size > 10_000


def _yasr_table(driver: Any) -> tuple[list[str], list[list[str]]]:
    """YASR's rendered results table: header and rows, without its row-number column."""
    from selenium.webdriver.common.by import By

    table = driver.find_element(By.CSS_SELECTOR, ".yasr table.dataTable")
    header = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")][1:]
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")][1:]
            for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    return header, rows


def _wait_for(driver: Any, css: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))


def test_yasgui_runs_a_catalogue_query_and_renders_its_rows(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from milia_kg.query.catalogue import load_catalogue
    from milia_kg.query.kg import KnowledgeGraph
    from milia_kg.vocab import shorten

    catalogue = load_catalogue()
    with served() as server:
        browser.get(server.url + "/")
        first = next(iter(catalogue))
        assert browser.execute_script("return yasgui.getTab().getYasqe().getValue()") == catalogue[first].text
        Select(browser.find_element(By.ID, "catalogue-select")).select_by_value("subtypes")
        assert browser.execute_script("return yasgui.getTab().getYasqe().getValue()") == catalogue["subtypes"].text
        assert browser.execute_script("return yasgui.getTab().getRequestConfig().endpoint") == server.url + "/sparql"
        browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
        expected = KnowledgeGraph.open().run("subtypes").rows
        _wait_for(browser, ".yasr_response_chip", f"{len(expected)} results")
        browser.find_element(By.XPATH, "//label[span[text()='Ellipse']]/input").click()  # whole cells
        header, rows = _yasr_table(browser)
        screenshot = tmp_path / "yasgui_subtypes.png"
        assert browser.save_screenshot(str(screenshot))
        assert any(line.startswith("milia-kg serve: POST /sparql 200 ") for line in server.log)
    assert header == ["subtype", "definition", "synonyms", "defining_sentence"]
    assert [(r[0], r[1]) for r in rows] == [(shorten(str(e["subtype"])), f'"{e["definition"]}"@en') for e in expected]
    assert screenshot.stat().st_size > 10_000


def test_yasgui_shows_the_endpoints_refusal(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    with served() as server:
        browser.get(server.url + "/")
        browser.execute_script("yasgui.getTab().setQuery(arguments[0])", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
        browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
        _wait_for(browser, ".yasr", "federated queries are refused")
        browser.save_screenshot(str(tmp_path / "yasgui_error.png"))
        assert "milia-kg serve: POST /sparql 403" in "\n".join(server.log)


def test_classify_form_round_trip(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from milia_kg.decision import api, render
    from milia_kg.serve.page import EXAMPLE_PROFILE

    with served() as server:
        browser.get(server.url + "/")
        Select(browser.find_element(By.ID, "classify-format")).select_by_value("text")
        browser.find_element(By.ID, "classify-run").click()
        _wait_for(browser, "#classify-output", "Decision support derived from")
        output = browser.find_element(By.ID, "classify-output").get_attribute("textContent")
        profile = browser.find_element(By.ID, "classify-profile")
        profile.clear()
        profile.send_keys('{"age_years": -1}')
        browser.find_element(By.ID, "classify-run").click()
        _wait_for(browser, "#classify-output", "400: case profile: age_years")
        error = browser.find_element(By.ID, "classify-output").text
        browser.save_screenshot(str(tmp_path / "classify_error.png"))
    assert output == render.to_text(api.classify(EXAMPLE_PROFILE)) + "\n"
    assert error == "400: case profile: age_years: -1 is less than the minimum of 0"


def test_entity_page_content_links_and_drawing(browser: Any, tmp_path: Path) -> None:
    """The entity page of primary milia in a real browser: its facts, a link followed to the eyelid's
    page, and the SVG drawing rendered (boxes with a size, each a link) under the page's CSP."""
    from selenium.webdriver.common.by import By

    with served() as server:
        browser.get(server.url + "/entity/mkg:PrimaryMilia")
        assert browser.title == "primary milia · milia-kg"
        assert browser.find_element(By.ID, "label").text == "primary milia"
        sites = browser.find_element(By.CSS_SELECTOR, 'table[data-question="body_sites"]')
        values = [tr.find_elements(By.TAG_NAME, "td")[1].text for tr in sites.find_elements(By.CSS_SELECTOR, "tbody tr")]
        quotes = {td.text for td in sites.find_elements(By.CSS_SELECTOR, "td.quote")}
        svg = browser.find_element(By.CSS_SELECTOR, "#drawing svg")
        box = svg.rect
        nodes = svg.find_elements(By.CSS_SELECTOR, "a.node")
        titles = sorted(n.find_element(By.TAG_NAME, "title").get_attribute("textContent") for n in nodes)
        drawn = [n.find_element(By.TAG_NAME, "rect").rect["width"] for n in nodes]
        browser.execute_script("arguments[0].scrollIntoView()", svg)
        screenshot = tmp_path / "entity_primary_milia.png"
        assert browser.save_screenshot(str(screenshot))
        sites.find_element(By.LINK_TEXT, "eyelid").click()
        _wait_for(browser, "#label", "eyelid")
        landed = browser.current_url
        csp_errors = [e for e in browser.get_log("browser") if "Content Security Policy" in e.get("message", "")]
    assert values == ["cheek", "eyelid", "forehead", "genitals"]
    assert quotes == {"Primary milia, which often appear on the eyelids, forehead, cheeks or genitals, "
                      "can occur in children or adults."}
    assert box["width"] > 500 and box["height"] > 200
    assert titles == sorted(["primary milia (mkg:PrimaryMilia)", "milia (mkg:Milia)", "cheek (UBERON:0001567)",
                             "eyelid (UBERON:0001711)", "forehead (UBERON:0008200)", "genitals (mkg:Genitals)",
                             "damage to the skin (mkg:SkinDamage)", "clears up on its own (mkg:ClearsUpOnItsOwn)",
                             "may take a few months to clear (mkg:MayTakeAFewMonthsToClear)",
                             "adult (mkg:Adult)", "child (mkg:Child)"])
    assert all(width > 40 for width in drawn)
    assert landed == server.url + "/entity/UBERON:0001711"
    assert csp_errors == []
    assert screenshot.stat().st_size > 10_000
