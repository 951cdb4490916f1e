"""The web page of ``milia-kg serve`` in a real browser: headless Chromium (Debian's ``chromium``
and ``chromium-driver``, installed by .ci/install-browser) driven by selenium.

Skipped only where no browser is installed, with the reason; .ci/run installs one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium (test extra) is not installed")

from benchmarks.serve_load import Server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

#: conditions_at_site with site=face: (condition, stated_site) labels in the table's order.
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
COLUMNS = ["condition", "site", "stated_site"]  # each IRI column shown by its label (X_label folded in)


def _chrome(tmp_path: Path, *flags: str) -> Any:
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
                 f"--user-data-dir={tmp_path / 'profile'}", *flags):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture()
def server(served_graph: Server) -> Server:
    """The session's ``milia-kg serve`` (tests/conftest.py): each page only reads it. A test that checks
    the log reads only the lines after its own start (``server.log[mark:]``)."""
    return served_graph


@pytest.fixture
def browser(tmp_path: Path) -> Any:
    driver = _chrome(tmp_path)
    try:
        yield driver
    finally:
        driver.quit()


#: No network but loopback: every other host name unresolvable, every other address sent to a closed
#: proxy port (Chromium never proxies loopback).
OFFLINE_FLAGS = ("--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                 "--proxy-server=http://127.0.0.1:9")


@pytest.fixture
def offline_browser(tmp_path: Path) -> Any:
    driver = _chrome(tmp_path, *OFFLINE_FLAGS)
    try:
        yield driver
    finally:
        driver.quit()


def _requested(driver: Any) -> list[str]:
    """Every URL the page asked for since the last call (Chromium's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


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


def test_catalogue_form_renders_the_exact_rows(browser: Any, server: Server, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

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
    titles = [a.get_attribute("title") for a in browser.find_elements(By.CSS_SELECTOR, "#results a")]
    browser.execute_script("document.getElementById('status').scrollIntoView()")
    screenshot = tmp_path / "conditions_at_site.png"
    assert browser.save_screenshot(str(screenshot))
    assert header == COLUMNS
    assert [(r[0], r[2]) for r in rows] == FACE_ROWS
    assert {r[1] for r in rows} == {"face"}
    # the reused UBERON face (issue 20) is labelled by the graph, so it links to its entity page too
    assert titles[:3] == ["mkg:Milia", "UBERON:0001456", "UBERON:0001456"]
    assert server.url + "/entity/UBERON:0001456" in links and server.url + "/entity/mkg:PrimaryMilia" in links
    assert screenshot.stat().st_size > 10_000


def test_quotes_are_readable_in_the_results_table(browser: Any, server: Server, tmp_path: Path) -> None:
    """body_sites of primary milia: the quote column wraps (a cell of several lines, on screen), the
    sites are labels linked to their pages."""
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/")
    form = browser.find_element(By.ID, "form-body_sites")
    browser.execute_script("arguments[0].closest('details').open = true", form)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait_for_status(browser, "rows")
    header, rows = _table(browser)
    quote = browser.find_element(By.CSS_SELECTOR, '#results td[data-column="quote"]')
    browser.execute_script("arguments[0].scrollIntoView()", quote)
    box, page_width = quote.rect, browser.execute_script("return document.documentElement.clientWidth")
    browser.save_screenshot(str(tmp_path / "body_sites.png"))
    assert "quote" in header and not any(h.endswith("_label") for h in header)
    stated = {r[header.index("site")]: r[header.index("quote")] for r in rows if r[header.index("scope")] == "direct"}
    assert stated == dict.fromkeys(["cheek", "eyelid", "forehead", "genitals"], (
        "Primary milia, which often appear on the eyelids, forehead, cheeks or genitals, can occur in children or adults."))
    assert all(r[header.index("quote")] for r in rows)
    assert box["x"] + box["width"] <= page_width and box["height"] > 25  # on screen, wrapped


def _yasr_table(driver: Any) -> tuple[list[str], list[list[str]]]:
    """YASR's rendered results table: header and rows, without its row-number column and without the
    labels the page adds beside IRIs (see :func:`_yasr_labels`)."""
    header, rows = driver.execute_script("""
        const table = document.querySelector('.yasr table.dataTable');
        const text = (cell) => { const copy = cell.cloneNode(true);
          copy.querySelectorAll('.iri-label').forEach((e) => e.remove()); return copy.innerText.trim(); };
        return [[...table.querySelectorAll('thead th')].map((th) => th.innerText.trim()),
                [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map(text))];""")
    return header[1:], [row[1:] for row in rows]


def _yasr_labels(driver: Any) -> list[tuple[str, str]]:
    """(IRI, label shown beside it) for every labelled IRI of YASR's table, in order."""
    return [tuple(pair) for pair in driver.execute_script(
        "return [...document.querySelectorAll('.yasr table.dataTable a.iri + .iri-label')]"
        ".map((span) => [span.previousElementSibling.getAttribute('href'), span.textContent])")]


def _wait_for(driver: Any, css: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))


def test_yasgui_runs_a_catalogue_query_and_renders_its_rows(browser: Any, server: Server, tmp_path: Path) -> None:
    """The editor opens on conditions_at_site with site=face bound, which answers on the served graph (9
    rows), declares the project's prefixes, and the select loads another query, run as well."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from milia_kg.query.kg import KnowledgeGraph
    from milia_kg.vocab import QUERY_PREFIXES, shorten

    kg = KnowledgeGraph.open()
    mark = len(server.log)  # the shared server's log lines before this test
    browser.get(server.url + "/")
    opened = browser.execute_script("return yasgui.getTab().getYasqe().getValue()")
    declared = browser.execute_script("return yasgui.getTab().getYasqe().getPrefixesFromQuery()")
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    _wait_for(browser, ".yasr_response_chip", f"{len(FACE_ROWS)} results")
    WebDriverWait(browser, 30).until(lambda d: len(_yasr_labels(d)) >= 3 * len(FACE_ROWS))
    face_labels = _yasr_labels(browser)
    Select(browser.find_element(By.ID, "catalogue-select")).select_by_value("subtypes")
    assert browser.execute_script("return yasgui.getTab().getYasqe().getValue()") == kg.bound_text("subtypes")
    assert browser.execute_script("return yasgui.getTab().getRequestConfig().endpoint") == server.url + "/sparql"
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    expected = kg.run("subtypes").rows
    _wait_for(browser, ".yasr_response_chip", f"{len(expected)} results")
    browser.find_element(By.XPATH, "//label[span[text()='Ellipse']]/input").click()  # whole cells
    WebDriverWait(browser, 30).until(lambda d: len(_yasr_labels(d)) >= len(expected))
    subtype_labels = [label for _, label in _yasr_labels(browser)]
    header, rows = _yasr_table(browser)
    screenshot = tmp_path / "yasgui_subtypes.png"
    assert browser.save_screenshot(str(screenshot))
    assert any(line.startswith("milia-kg serve: POST /sparql 200 ") for line in server.log[mark:])
    assert opened == kg.bound_text("conditions_at_site", site="face")
    # each IRI of the answer shown with its label: (condition, site, stated_site) per row
    assert [label for _, label in face_labels][1::3] == ["face"] * len(FACE_ROWS)
    assert [(face_labels[3 * i][1], face_labels[3 * i + 2][1]) for i in range(len(FACE_ROWS))] == FACE_ROWS
    assert face_labels[0][0] == "https://w3id.org/milia-kg/Milia"
    assert "VALUES ?site { <http://purl.obolibrary.org/obo/UBERON_0001456> }" in opened  # UBERON face (issue 20)
    assert {p: declared[p] for p in ("mkg", "obo", "rdfs", "owl", "skos")} == {
        p: QUERY_PREFIXES[p] for p in ("mkg", "obo", "rdfs", "owl", "skos")}
    assert header == ["subtype", "definition", "synonyms", "defining_sentence"]
    assert subtype_labels == [e["subtype_label"] for e in expected]
    assert [(r[0], r[1]) for r in rows] == [(shorten(str(e["subtype"])), f'"{e["definition"]}"@en') for e in expected]
    assert screenshot.stat().st_size > 10_000


def test_a_filled_parameter_is_written_into_the_editor_and_run(browser: Any, server: Server, tmp_path: Path) -> None:
    """grlc-style: site=eyelid typed in the conditions_at_site form, written into the editor as a bound
    term, run there: the subtypes stated at the eyelid (milia en plaque and primary milia, by the page)."""
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/")
    form = browser.find_element(By.ID, "form-conditions_at_site")
    browser.execute_script("arguments[0].closest('details').open = true", form)
    site = form.find_element(By.NAME, "site")
    site.clear()
    site.send_keys("eyelids")  # a synonym/plural as typed; resolved by the server
    form.find_element(By.CSS_SELECTOR, "button.to-editor").click()
    _wait_for_status(browser, "written into the SPARQL editor")
    text = browser.execute_script("return yasgui.getTab().getYasqe().getValue()")
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    _wait_for(browser, ".yasr_response_chip", "2 results")
    browser.find_element(By.XPATH, "//label[span[text()='Ellipse']]/input").click()
    header, rows = _yasr_table(browser)
    screenshot = tmp_path / "yasgui_filled_parameter.png"
    assert browser.save_screenshot(str(screenshot))
    site.clear()
    site.send_keys("elbowz")
    form.find_element(By.CSS_SELECTOR, "button.to-editor").click()
    _wait_for_status(browser, "400: parameter 'site'")
    unchanged = browser.execute_script("return yasgui.getTab().getYasqe().getValue()")
    assert "VALUES ?site { <http://purl.obolibrary.org/obo/UBERON_0001711> }" in text and '"eyelids"' not in text
    assert header == ["condition", "site", "stated_site"]
    assert sorted(r[0] for r in rows) == ["mkg:MiliaEnPlaque", "mkg:PrimaryMilia"]
    assert {r[1] for r in rows} == {"obo:UBERON_0001711"}  # UBERON eyelid (issue 20), obo: declared
    assert unchanged == text  # a bad value leaves the editor as it was
    assert screenshot.stat().st_size > 10_000


def test_yasgui_shows_the_endpoints_refusal(browser: Any, server: Server, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    mark = len(server.log)  # the shared server's log lines before this test
    browser.get(server.url + "/")
    browser.execute_script("yasgui.getTab().setQuery(arguments[0])", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    _wait_for(browser, ".yasr", "federated queries are refused")
    browser.save_screenshot(str(tmp_path / "yasgui_error.png"))
    assert "milia-kg serve: POST /sparql 403" in "\n".join(server.log[mark:])


def test_classify_form_round_trip(browser: Any, server: Server, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from milia_kg.decision import api, render
    from milia_kg.serve.page import EXAMPLE_PROFILE

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


def test_entity_page_content_links_and_drawing(browser: Any, server: Server, tmp_path: Path) -> None:
    """The entity page of primary milia in a real browser: its facts, a link followed to the eyelid's
    page, and the SVG drawing rendered (boxes with a size, each a link) under the page's CSP."""
    from selenium.webdriver.common.by import By

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


def _cards(driver: Any) -> list[dict[str, Any]]:
    """The cards drawn on the page: indicator, summary (without the badge), detail text, source link,
    suggestions and the detail's elements."""
    return driver.execute_script("""
        return [...document.querySelectorAll('#classify-cards section.card')].map((card) => ({
          indicator: card.dataset.indicator,
          summary: card.querySelector('.card-summary').textContent.replace(/^\\S+ /, ''),
          detail: card.querySelector('.card-detail') ? card.querySelector('.card-detail').textContent : '',
          strong: [...card.querySelectorAll('.card-detail strong')].map((e) => e.textContent),
          items: card.querySelectorAll('.card-detail li').length,
          source: card.querySelector('.card-source a') ? card.querySelector('.card-source a').href : null,
          suggestions: [...card.querySelectorAll('.card-suggestions li')].map((e) => e.textContent),
        }));""")


def test_cards_are_drawn_as_a_cds_client_would(browser: Any, server: Server, tmp_path: Path) -> None:
    """An adult after a burn: the page, as a CDS client, calls the CDS Hooks service and draws its cards
    (not their JSON), the suggestion to record secondary milia listed, the detail's Markdown list and emphasis rendered, the source a link."""
    from selenium.webdriver.common.by import By

    from milia_kg.decision import api
    from milia_kg.decision import cards as decision_cards

    page_url = "https://my.clevelandclinic.org/health/diseases/17868-milia"
    browser.get(server.url + "/")
    assert browser.find_element(By.ID, "classify-format").get_attribute("value") == "cards"
    profile = browser.find_element(By.ID, "classify-profile")
    profile.clear()
    profile.send_keys('{"age_years": 35, "preceding_skin_damage": ["burn"]}')
    browser.find_element(By.ID, "classify-run").click()
    _wait_for(browser, "#classify-cards", "secondary milia")
    cards = _cards(browser)
    raw = browser.find_element(By.ID, "classify-output").text
    browser.execute_script("document.getElementById('classify-cards').scrollIntoView()")
    screenshot = tmp_path / "cards_adult_after_burn.png"
    assert browser.save_screenshot(str(screenshot))
    result = api.classify({"age_years": 35, "preceding_skin_damage": ["burn"]})
    expected = decision_cards.to_cards(result, server.url + "/", None)["cards"]
    assert raw == ""  # no JSON shown
    assert [(c["indicator"], c["summary"]) for c in cards] == [(e["indicator"], e["summary"]) for e in expected]
    assert cards[0]["summary"] == "Milia: the observations meet the definition of secondary milia"
    assert [c["suggestions"] for c in cards] == [[f"Suggestion: {s['label']}" for s in e.get("suggestions", [])]
                                                 for e in expected]
    assert cards[0]["suggestions"] == ["Suggestion: Record secondary milia (provisional)"]
    assert [c["source"] for c in cards] == [page_url] * len(expected)
    assert '"Secondary milia can be permanent."' in cards[0]["detail"]
    assert cards[0]["strong"] == ["secondary milia"]
    assert "preceding_skin_damage[0] = 'burn'" in cards[0]["detail"]  # underscores inside words kept
    assert "**" not in "".join(c["detail"] for c in cards)  # emphasis rendered, not shown as asterisks
    assert [c["items"] for c in cards] == [e["detail"].count("\n- ") + e["detail"].startswith("- ") for e in expected]
    avoid = next(c for c in cards if c["summary"].startswith("Milia: avoid"))
    assert avoid["indicator"] == "warning"
    assert "You should not try to squeeze or scrape off milia on your own" in avoid["detail"]
    assert screenshot.stat().st_size > 10_000


HOSTILE_CARD = {"cards": [{
    "summary": "<img src=x onerror=\"window.pwned='summary'\">",
    "indicator": "critical\" onclick=\"window.pwned='indicator'",
    "detail": "<script>window.pwned='script'</script> **bold** [run](javascript:window.pwned='link') "
              "[page](https://example.org/ok)\n\n- <b onmouseover=\"window.pwned='b'\">item</b> "
              "[data](data:text/html,<script>alert(1)</script>)",
    "source": {"label": "src", "url": "javascript:window.pwned='source'"},
    "links": [{"label": "ok", "url": "https://example.org/link", "type": "absolute"},
              {"label": "evil", "url": "JaVaScRiPt:window.pwned='links'", "type": "absolute"}],
    "suggestions": [{"label": "<script>window.pwned='suggestion'</script>"}],
}]}


def test_card_markup_and_script_links_are_inert(browser: Any, server: Server, tmp_path: Path) -> None:
    """A card whose text holds HTML, scripts and javascript:/data: links is drawn as text: no element
    but the renderer's own, every link http(s), nothing run (even when each link is clicked)."""
    browser.get(server.url + "/")
    state = browser.execute_script("""
        const target = document.getElementById('classify-cards');
        window.renderCards(target, JSON.parse(arguments[0]));
        for (const a of target.querySelectorAll('a')) a.addEventListener('click', (e) => e.preventDefault());
        for (const a of target.querySelectorAll('a')) a.click();
        for (const e of target.querySelectorAll('*')) e.dispatchEvent(new MouseEvent('mouseover'));
        return {tags: [...new Set([...target.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()))].sort(),
                hrefs: [...target.querySelectorAll('a')].map((a) => a.getAttribute('href')),
                handlers: [...target.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.name))
                            .filter((n) => n.startsWith('on')),
                classes: target.querySelector('section').className,
                text: target.textContent, pwned: window.pwned === undefined ? null : window.pwned};""",
        json.dumps(HOSTILE_CARD))
    browser.save_screenshot(str(tmp_path / "cards_hostile.png"))
    assert state["pwned"] is None
    assert state["tags"] == ["a", "div", "h3", "li", "p", "section", "span", "strong", "ul"]
    assert state["hrefs"] == ["https://example.org/ok", "https://example.org/link"]
    assert state["handlers"] == []
    assert state["classes"] == "card card-info"  # an unknown indicator is drawn as info
    for shown in ("<script>window.pwned='script'</script>", "run (javascript:window.pwned='link')",
                  "<img src=x onerror=\"window.pwned='summary'\">", "src (javascript:window.pwned='source')",
                  "evil (JaVaScRiPt:window.pwned='links')", "Suggestion: <script>window.pwned='suggestion'</script>"):
        assert shown in state["text"]


def test_docs_work_with_no_network(offline_browser: Any, server: Server, tmp_path: Path) -> None:
    """/docs with the network blocked: Swagger UI (from the package) draws every operation of the
    OpenAPI document and the CaseProfile schema; nothing is requested from another host, and the
    page's CSP is not violated."""
    import urllib.request

    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser = offline_browser
    with urllib.request.urlopen(server.url + "/openapi.json", timeout=30) as answer:
        document = json.load(answer)
    try:  # the blocking works: no page from outside
        browser.get("https://cdn.jsdelivr.net/")
        blocked = browser.find_element(By.TAG_NAME, "body").text
    except WebDriverException as error:
        blocked = error.msg or ""
    _requested(browser)  # drained: only what /docs asks for is checked below
    browser.get(server.url + "/docs")
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock"))
    title = browser.find_element(By.CSS_SELECTOR, ".info .title").text
    drawn = sorted((op.get_attribute("class").split("opblock-")[-1].split()[0],
                    op.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path"))
                   for op in browser.find_elements(By.CSS_SELECTOR, ".opblock"))
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    models = browser.execute_script("return [...document.querySelectorAll("
                                    "'section.models article[data-json-schema-level=\"0\"] .json-schema-2020-12__title')]"
                                    ".map((e) => e.textContent)")
    screenshot = tmp_path / "docs_offline.png"
    assert browser.save_screenshot(str(screenshot))
    requested = _requested(browser)
    console = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    expected = sorted((method, path) for path, item in document["paths"].items() for method in item)
    assert "ERR_" in blocked, blocked
    assert title.startswith("milia-kg")
    assert drawn == expected
    assert "milia-kg case profile" in [m.lower() for m in models], models  # CaseProfile, by its title
    assert requested and all(u.startswith(server.url + "/") or u.startswith("data:") for u in requested), requested
    assert server.url + "/static/vendor/swagger-ui/swagger-ui-bundle.js" in requested
    assert [m for m in console if "jsdelivr" not in m] == []  # no CSP violation, no failed request
    assert screenshot.stat().st_size > 10_000
