"""The web page and its rasa-webchat widget, end to end, in headless Chromium.

A runner opens http://RASA/web/ (served by channels.webpage.WebPageInput), the
widget talks to Rasa's socket.io channel, and the test reads what the runner
sees. Run inside ``scripts/with_servers.sh all`` (it exports RASA_URL and
RASA_AUTH_TOKEN); needs Debian's chromium + chromium-driver
(``scripts/install_browser.sh``) and Selenium. Screenshots go to
``results/browser/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import pytest
import requests

try:
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
except ImportError as error:  # reported by the fixture: a missing tool fails, never skips
    webdriver = None
    SELENIUM_IMPORT_ERROR = error

pytestmark = [pytest.mark.server, pytest.mark.browser, pytest.mark.timeout(300)]

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "results" / "browser"
CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
#: The options that work on these machines.
CHROMIUM_ARGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)
PHONE = {"width": 390, "height": 844, "pixelRatio": 2.0}

SYMPTOM = "my lower back has hurt for 4 days, no numbness"
INJECTION = "<img src=x onerror=alert(1)>"
#: Typed answers for the questions that have no buttons.
TYPED_ANSWERS = (
    (re.compile(r"how long", re.I), "4 days"),
    (re.compile(r"0 \(no pain\) to 10|scale", re.I), "3"),
    (re.compile(r"where exactly", re.I), "lower back"),
)
#: Which button a runner with a simple sore back taps.
PREFERRED_BUTTONS = ("No", "Stays in my back", "Lower back")


class Page:
    """The chat page in one fresh Chromium profile, seen as a runner sees it."""

    def __init__(self, base_url: str, phone: bool) -> None:
        self.base_url = base_url
        self.profile = tempfile.mkdtemp(prefix="backstride-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in CHROMIUM_ARGS:
            options.add_argument(arg)
        options.add_argument(f"--user-data-dir={self.profile}")
        if phone:
            options.add_experimental_option("mobileEmulation", {"deviceMetrics": PHONE})
        else:
            options.add_argument("--window-size=1280,900")
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        try:
            self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        except WebDriverException:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        self.requested: set[str] = set()
        self.console: list[str] = []

    # --- what the runner sees ---

    def open(self) -> None:
        self.driver.get(f"{self.base_url}/web/")
        self.wait(lambda: self.bot_texts(), 30, "the assistant's greeting never appeared")
        self.settle()

    def reload(self) -> None:
        self.driver.refresh()
        self.wait(lambda: self.bot_texts(), 30, "no message appeared after the reload")
        self.settle()

    def texts(self, css: str) -> list[str]:
        # One script call: the widget re-renders often, so element handles go stale.
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText);", css)

    def bot_texts(self) -> list[str]:
        return [t for t in self.texts(".rw-message .rw-response") if t.strip()]

    def user_texts(self) -> list[str]:
        return self.texts(".rw-message .rw-client")

    def buttons(self) -> list:
        return [e for e in self.driver.find_elements(By.CSS_SELECTOR, ".rw-replies .rw-reply")
                if e.is_displayed()]

    def typing(self) -> bool:
        return bool(self.driver.find_elements(By.CSS_SELECTOR, ".rw-typing-indication"))

    # --- what the runner does ---

    def say(self, text: str) -> None:
        before = len(self.bot_texts())
        box = self.driver.find_element(By.CSS_SELECTOR, ".rw-sender .rw-new-message")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        self.wait(lambda: text in self.user_texts(), 10, f"the message {text!r} was not shown as sent")
        self.wait_for_reply(before, f"no reply to {text!r}")

    def tap(self, button, keyboard: bool = False) -> str:
        title = button.text
        before = len(self.bot_texts())
        if keyboard:
            button.send_keys(Keys.ENTER)  # focusable (tabindex) and pressed like a button
        else:
            button.click()
        self.wait_for_reply(before, f"no reply after tapping {title!r}")
        return title

    # --- waiting ---

    def wait(self, condition: Callable[[], object], seconds: float, failure: str):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(0.2)
        self.screenshot("failure")
        pytest.fail(f"{failure} within {seconds:.0f}s. Bot said: {self.bot_texts()[-3:]}")

    def wait_for_reply(self, before: int, failure: str) -> None:
        self.wait(lambda: len(self.bot_texts()) > before, 60, failure)
        self.settle()

    def settle(self, quiet: float = 2.0) -> None:
        """Wait until no message has arrived for ``quiet`` seconds and nobody is typing."""
        count, since = len(self.bot_texts()), time.monotonic()
        deadline = since + 60
        while time.monotonic() < deadline:
            time.sleep(0.2)
            now = len(self.bot_texts())
            if now != count or self.typing():
                count, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return

    # --- what the page did ---

    def session_id(self) -> str:
        stored = self.driver.execute_script("return window.sessionStorage.getItem('chat_session');")
        assert stored, "the widget stored no chat_session in sessionStorage"
        return json.loads(stored)["session_id"]

    def collect_logs(self) -> None:
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.requested.add(message["params"]["request"]["url"])
            elif message["method"] == "Network.webSocketCreated":
                self.requested.add(message["params"]["url"])
        self.console += [entry["message"] for entry in self.driver.get_log("browser")]

    def non_local_requests(self) -> list[str]:
        self.collect_logs()
        web = [u for u in self.requested if urlsplit(u).scheme in ("http", "https", "ws", "wss")]
        assert web, "no request was recorded at all: the network log is not working"
        return sorted(u for u in web if urlsplit(u).hostname not in LOCAL_HOSTS)

    def screenshot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(SHOTS / f"{name}.png"))

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def server() -> tuple[str, str]:
    url, token = os.environ.get("RASA_URL"), os.environ.get("RASA_AUTH_TOKEN")
    if not url or not token:
        pytest.fail("RASA_URL and RASA_AUTH_TOKEN must be set: run through "
                    "`scripts/with_servers.sh all -- pytest -m browser`")
    status = requests.get(f"{url}/web/", timeout=10).status_code
    if status != 200:
        pytest.fail(f"GET {url}/web/ answered {status}: is `channels.webpage.WebPageInput:` "
                    "in the credentials file the server was started with?")
    if requests.get(f"{url}/web/webchat.js", timeout=10).status_code != 200:
        pytest.fail("the widget bundle is not served: run `npm ci --prefix web`")
    return url, token


@pytest.fixture
def open_page(server):
    if webdriver is None:
        pytest.fail(f"Selenium is not installed in this environment ({SELENIUM_IMPORT_ERROR}); "
                    "install the project's locked requirements")
    for path, what in ((CHROMIUM, "Chromium"), (CHROMEDRIVER, "ChromeDriver")):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{what} not found at {path}: run scripts/install_browser.sh "
                        "(apt-get install chromium chromium-driver)")
    pages: list[Page] = []

    def make(phone: bool = False) -> Page:
        page = Page(server[0], phone)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.close()


def tracker_slots(server: tuple[str, str], sender: str) -> dict:
    url, token = server
    response = requests.get(f"{url}/conversations/{sender}/tracker", params={"token": token}, timeout=30)
    response.raise_for_status()
    return response.json()["slots"]


def answer_until_recommendation(page: Page, after: int, limit: int = 20) -> tuple[list[str], list[str]]:
    """Tap a button or type an answer until a recommendation appears; return (tapped, typed)."""
    tapped: list[str] = []
    typed: list[str] = []
    for _ in range(limit):
        said = page.bot_texts()[after:]
        if any("not a diagnosis" in text for text in said):
            return tapped, typed
        buttons = page.buttons()
        if buttons:
            titles = [b.text for b in buttons]
            choice = next((b for pick in PREFERRED_BUTTONS for b in buttons if b.text == pick), buttons[0])
            assert choice.get_attribute("role") == "button", f"buttons {titles} are not marked as buttons"
            tapped.append(page.tap(choice, keyboard=not tapped))
            continue
        question = said[-1] if said else ""
        answer = next((a for pattern, a in TYPED_ANSWERS if pattern.search(question)), None)
        if answer is None:
            page.screenshot("failure")
            pytest.fail(f"no button and no known answer for the question {question!r}")
        typed.append(answer)
        page.say(answer)
    pytest.fail(f"no recommendation after {limit} answers (tapped {tapped}, typed {typed})")


def test_the_page_says_what_it_is_and_loads_nothing_from_elsewhere(open_page):
    page = open_page()
    page.open()
    body = page.driver.find_element(By.TAG_NAME, "body").text
    assert "Backstride" in body and "not a diagnosis" in body
    assert "call your local emergency number" in body and "both legs" in body and "bladder" in body
    viewport = page.driver.find_element(By.CSS_SELECTOR, 'meta[name="viewport"]').get_attribute("content")
    assert "width=device-width" in viewport
    font = page.driver.execute_script(
        "return getComputedStyle(document.querySelector('.rw-response')).fontFamily;")
    assert "Inter" not in font, font
    page.screenshot("desktop")
    assert page.non_local_requests() == []


def test_a_runner_is_triaged_on_a_phone_and_a_reload_keeps_the_conversation(open_page, server):
    page = open_page(phone=True)
    page.open()
    width = page.driver.execute_script("return window.innerWidth;")
    chat = page.driver.find_element(By.CSS_SELECTOR, ".rw-widget-embedded").rect
    assert width == PHONE["width"] and chat["width"] >= width - 1, "the chat should fill a phone's width"
    assert chat["height"] >= 0.7 * PHONE["height"], f"the chat is too short on a phone: {chat}"
    warning = page.driver.find_element(By.ID, "emergency")
    assert warning.is_displayed() and "call your local emergency number" in warning.text
    assert "not a diagnosis" in page.driver.find_element(By.TAG_NAME, "header").text
    page.screenshot("phone-1-greeting")

    after = len(page.bot_texts())
    page.say(SYMPTOM)
    page.screenshot("phone-2-first-question")
    tapped, typed = answer_until_recommendation(page, after)
    page.screenshot("phone-3-recommendation")
    assert tapped, "the form never offered a button to tap"
    recommendation = " ".join(page.bot_texts()[after:])
    assert "Stop and reassess" in recommendation and "not a diagnosis" in recommendation

    session = page.session_id()
    slots = tracker_slots(server, session)
    assert slots["triage_level"] == "stop_and_reassess", (slots, tapped, typed)
    assert slots["triage_reasons"] == ["persists_beyond_72h"]
    assert slots["pain_location"] == "lower_back" and slots["pain_duration_days"] == 4.0

    bot_before, user_before = page.bot_texts(), page.user_texts()
    page.reload()
    page.screenshot("phone-4-after-reload")
    assert page.session_id() == session
    assert page.user_texts() == user_before
    assert page.bot_texts() == bot_before, "the reload should show the same conversation, nothing more"
    assert tracker_slots(server, session)["triage_level"] == "stop_and_reassess"
    assert page.non_local_requests() == []


def test_what_a_runner_types_is_shown_as_text_never_as_html(open_page):
    page = open_page()
    page.open()
    images_before = len(page.driver.find_elements(By.CSS_SELECTOR, ".rw-messages-container img"))
    page.say(INJECTION)
    page.say("<b>bold</b> <script>window.injected = 1</script>")
    page.screenshot("injection")

    assert INJECTION in page.user_texts(), page.user_texts()
    assert "<b>bold</b> <script>window.injected = 1</script>" in page.user_texts()
    assert len(page.driver.find_elements(By.CSS_SELECTOR, ".rw-messages-container img")) == images_before
    assert not page.driver.find_elements(By.CSS_SELECTOR, ".rw-messages-container b, "
                                                          ".rw-messages-container script")
    assert page.driver.execute_script("return window.injected === undefined;")
    try:
        alert = page.driver.switch_to.alert
        text = alert.text
        alert.dismiss()
        pytest.fail(f"an alert opened: {text!r}")
    except NoAlertPresentException:
        pass
    page.collect_logs()
    blocked = [line for line in page.console if "Content Security Policy" in line]
    assert not blocked, f"the page tried to run injected code (stopped by the CSP): {blocked}"
    assert page.non_local_requests() == []
