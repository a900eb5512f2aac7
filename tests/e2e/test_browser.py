"""The web UI in a real browser: Debian's chromium driven by Playwright (never a
downloaded browser). Screenshots go to $MARSAD_SCREENSHOTS or the test's tmp folder."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")
pytest.importorskip("fastapi")
CHROMIUM = os.environ.get("MARSAD_CHROMIUM", "/usr/bin/chromium")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

import uvicorn  # noqa: E402

from marsad.ingest.run import ingest  # noqa: E402
from marsad.store import open_store  # noqa: E402
from marsad.web.app import create_app  # noqa: E402
from tests.conftest import REPO  # noqa: E402
from tests.corpus import batch  # noqa: E402
from tests.test_web import XSS  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("e2e")
    src = folder / "news.jsonl"
    src.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [*batch(4), XSS]), "utf-8"
    )
    db = f"sqlite:///{folder}/marsad.db"
    with open_store(db) as s:
        ingest([str(src), str(REPO / "examples" / "news")], s, workers=1)
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MARSAD_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_search_article_hover_actor(server: str, browser, shots: Path) -> None:
    page = browser.new_page(locale="ar")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/search")
    assert page.get_attribute("html", "dir") == "rtl"
    page.fill("input[name=q]", "أبو الغيط")
    page.click("button[type=submit]")
    page.wait_for_selector("a.result")
    page.screenshot(path=str(shots / "search.png"), full_page=True)
    page.click("a.result >> nth=0")
    page.wait_for_selector(".doc .text")
    mention = page.locator("a.mention", has_text="أبو الغيط").first
    mention.hover()
    tip = page.evaluate("el => getComputedStyle(el, '::after').content", mention.element_handle())
    assert "Ahmed Aboul Gheit" in tip and "الأمين العام" in tip
    page.screenshot(path=str(shots / "article-hover.png"), full_page=True)
    mention.click()
    page.wait_for_selector("section.actor h1")
    assert "أحمد أبو الغيط" in page.inner_text("section.actor h1")
    assert page.locator("svg.timeline rect").count() >= 1
    page.screenshot(path=str(shots / "actor.png"), full_page=True)
    assert dialogs == []


def test_scripts_in_an_article_stay_inert(server: str, browser, shots: Path) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/search?q=" + "الطريق سيفتح غدا")
    page.click("a.result >> nth=0")
    page.wait_for_selector(".doc .text")
    page.wait_for_timeout(300)
    assert dialogs == [] and page.title() != "pwned"
    assert page.locator(".doc img").count() == 0 and page.locator("main script").count() == 0
    assert "<script>" in page.inner_text(".doc .text")  # shown as text
    assert page.locator("a.source").count() == 0  # a javascript: URL is not a link
    page.screenshot(path=str(shots / "xss.png"), full_page=True)
