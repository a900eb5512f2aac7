"""The web UI and its JSON twins, over SQLite and PostgreSQL (FastAPI's test client)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")

from fastapi.testclient import TestClient

from marsad.ingest.run import ingest
from marsad.store import open_store
from marsad.web import queries
from marsad.web.app import create_app
from tests.conftest import REPO, database
from tests.corpus import article, batch

XSS = {
    "id": "xss",
    "title": 'خبر <script>alert("t")</script> عاجل',
    "text": (
        "قال رئيس بلدية الحلة سامر الحداد إن الطريق سيفتح غداً بعد انتهاء أعمال الصيانة "
        "التي استمرت أسبوعين، وإن فرق البلدية ستعمل ليلاً لتقليل الزحام في وسط المدينة. "
        '<img src=x onerror="alert(1)"> <a href="javascript:alert(2)">رابط</a> '
        "<script>document.title='pwned'</script>"
    ),
    "published": "2025-03-09",
    "outlet": "صحيفة <b>المرصد</b>",
    "url": "javascript:alert(3)",
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("web")
    src = folder / "news.jsonl"
    records = [*batch(6), XSS]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    with database(request.param, folder) as url:
        with open_store(url) as s:
            ingest([str(src), str(REPO / "examples" / "news")], s, workers=1)
        yield TestClient(create_app(url)), url


def _ids(html: str, kind: str) -> list[int]:
    return [int(x) for x in re.findall(rf'href="/{kind}/(\d+)"', html)]


def test_search_page_and_its_json_twin_agree(client) -> None:
    c, _ = client
    page = c.get("/search", params={"q": "الحداد"})
    twin = c.get("/search.json", params={"q": "الحداد"}).json()
    assert page.status_code == 200 and twin["total"] >= 2
    assert _ids(page.text, "article") == [r["id"] for r in twin["results"]]
    assert 'dir="rtl"' in page.text and 'lang="ar"' in page.text


@pytest.mark.parametrize("q", ["محافظة نينوى", "محافظه نينوي", "لمحافظة نينوى", "المحافظة نينوى"])
def test_search_folds_spelling_and_clitics(client, q: str) -> None:
    c, _ = client
    hits = c.get("/search.json", params={"q": q}).json()
    assert [r["title"] for r in hits["results"]] == [
        "مجلس محافظة نينوى يقر موازنة إعادة إعمار المدارس"
    ]
    assert c.get("/search.json", params={"q": q + " بغداد"}).json()["total"] == 0


def test_search_filters(client) -> None:
    c, _ = client
    every = c.get("/search.json").json()
    assert every["total"] == 6 + 1 + 1 + 5  # corpus, reprint, XSS, examples/news
    outlet = article(0)["outlet"]
    only = c.get("/search.json", params={"outlet": outlet}).json()
    assert only["total"] and all(r["outlet"] == outlet for r in only["results"])
    day = c.get("/search.json", params={"since": "2024-03-06", "until": "2024-03-07"}).json()
    assert {r["published"][:10] for r in day["results"]} == {"2024-03-06", "2024-03-07"}
    typed = c.get("/search.json", params={"event_type": "REQUEST"}).json()
    assert typed["total"] >= 1 and typed["total"] < every["total"]


def test_article_highlights_and_twin(client) -> None:
    c, url = client
    doc = c.get("/search.json", params={"q": "أبو الغيط متفرجا"}).json()["results"][0]["id"]
    page = c.get(f"/article/{doc}")
    twin = c.get(f"/article/{doc}.json").json()
    with open_store(url) as s:
        assert twin == json.loads(json.dumps(queries.article(s, doc)))
    assert page.status_code == 200
    # every mention is a link to its actor, with the actor and his office as the tip
    assert len(re.findall(r'class="mention', page.text)) >= len(twin["mentions"]) > 0
    assert re.search(r'data-tip="أحمد أبو الغيط \(Ahmed Aboul Gheit\) — الأمين العام', page.text)
    assert re.search(r'class="[^"]*\bquote\b', page.text)  # quote contents are marked
    assert set(_ids(page.text, "actor")) >= {m["entity_id"] for m in twin["mentions"]}
    for q in twin["quotes"]:
        assert twin["text"][q["content_start"] : q["content_end"]] == q["content_text"]


def test_scripts_from_articles_render_inert(client) -> None:
    c, _ = client
    doc = c.get("/search.json", params={"q": "الطريق سيفتح غدا"}).json()["results"][0]["id"]
    for path in ("/search?q=عاجل", f"/article/{doc}"):
        html = c.get(path).text
        assert "<script>" not in html and "<img" not in html and "<b>المرصد" not in html
        assert 'href="javascript:' not in html
        assert "&lt;script&gt;" in html
    assert c.get(f"/article/{doc}.json").json()["url"] == "javascript:alert(3)"  # data, not a link


def test_actor_page_of_a_person_the_kb_does_not_know(client) -> None:
    c, _ = client
    hits = c.get("/search.json", params={"q": "الحداد"}).json()["results"]
    doc = c.get(f"/article/{hits[0]['id']}.json").json()
    person = next(m["entity_id"] for m in doc["mentions"] if m["name"] == "سامر الحداد")
    twin = c.get(f"/actor/{person}.json").json()
    assert twin["kb_id"] is None and twin["type"] == "PERSON"
    assert len(twin["quotes_by"]) >= 2 and twin["documents"] >= 2
    assert sum(t["mentions"] for t in twin["timeline"]) >= twin["documents"]
    page = c.get(f"/actor/{person}")
    assert page.status_code == 200 and "<svg" in page.text
    assert all(q["content_text"] in page.text for q in twin["quotes_by"])
    # each quote links to its place in its article
    first = twin["quotes_by"][0]
    assert f'href="/article/{first["document_id"]}#q{first["id"]}"' in page.text
    assert f'id="q{first["id"]}"' in c.get(f"/article/{first['document_id']}").text


def test_stories_group_the_reprint(client) -> None:
    c, _ = client
    twin = c.get("/stories.json").json()
    assert twin["total"] >= 2  # the corpus reprint and the examples' wire copy
    assert all(s["n_documents"] == len(s["documents"]) >= 2 for s in twin["stories"])
    assert c.get("/stories").status_code == 200


def test_quotes_explorer_filters_and_downloads(client) -> None:
    c, _ = client
    every = c.get("/quotes.json").json()
    assert every["total"] >= 10
    direct = c.get("/quotes.json", params={"kind": "direct"}).json()
    assert 0 < direct["total"] < every["total"]
    assert all(q["kind"] == "direct" for q in direct["quotes"])
    speaker = every["quotes"][0]["speaker_id"] or next(
        q["speaker_id"] for q in every["quotes"] if q["speaker_id"]
    )
    by = c.get("/quotes.json", params={"speaker": speaker}).json()
    assert by["total"] and all(q["speaker_id"] == speaker for q in by["quotes"])
    rows = list(csv.DictReader(io.StringIO(c.get("/quotes.csv", params={"kind": "direct"}).text)))
    assert len(rows) == direct["total"] and rows[0]["kind"] == "direct"
    page = c.get("/quotes", params={"kind": "direct"})
    assert page.status_code == 200 and 'href="/quotes.csv?kind=direct' in page.text


def test_events_explorer_chart_and_downloads(client) -> None:
    c, _ = client
    every = c.get("/events.json").json()
    assert every["total"] == sum(t["events"] for t in every["by_type"]) > 0
    top = every["by_type"][0]["type"]
    typed = c.get("/events.json", params={"type": top}).json()
    assert typed["total"] == every["by_type"][0]["events"]
    assert all(e["type"] == top for e in typed["events"])
    rows = list(csv.DictReader(io.StringIO(c.get("/events.csv", params={"type": top}).text)))
    assert len(rows) == typed["total"]
    plover = c.get("/events.plover.jsonl", params={"type": top}).text.splitlines()
    records = [json.loads(line) for line in plover]
    assert records and all(r["event"] == [top] for r in records)
    assert len({r["marsad"]["event_id"] for r in records}) == typed["total"]
    page = c.get("/events")
    assert page.status_code == 200 and page.text.count("<rect") == len(every["by_type"])


def test_pages_keep_their_filters(client) -> None:
    c, _ = client
    outlet = article(1)["outlet"]
    # a page size of 1, so that the filtered results take several pages
    from marsad.web import queries as q

    q_page, q.PAGE = q.PAGE, 1
    try:
        html = c.get("/search", params={"outlet": outlet, "since": "2020-01-01"}).text
    finally:
        q.PAGE = q_page
    nxt = re.search(r'rel="next" href="([^"]+)"', html)
    assert nxt, "no next link"
    link = nxt.group(1).replace("&amp;", "&")
    assert "since=2020-01-01" in link and "page=2" in link and "outlet=" in link


def test_actor_network_is_drawn(client) -> None:
    c, _ = client
    doc = c.get("/search.json", params={"q": "أبو الغيط"}).json()["results"][0]["id"]
    ent = next(
        m["entity_id"]
        for m in c.get(f"/article/{doc}.json").json()["mentions"]
        if m["name"] == "أحمد أبو الغيط"
    )
    twin = c.get(f"/actor/{ent}.json").json()
    html = c.get(f"/actor/{ent}").text
    assert twin["network"] and html.count("<line") == len(twin["network"])
    assert all(f'href="/actor/{n["id"]}"' in html for n in twin["network"])


def test_writes_are_off_without_a_token(client) -> None:
    c, _ = client
    r = c.post("/ingest.json", json=[article(40)])
    assert r.status_code == 403


def test_writes_with_the_token(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/w.db"
    open_store(url).close()
    c = TestClient(create_app(url, token="s3cret"))
    assert c.post("/ingest.json", json=[article(41)]).status_code == 401
    bad = c.post("/ingest.json", json=[article(41)], headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    ok = c.post(
        "/ingest.json",
        json=[article(41), {"title": "بلا نص"}],
        headers={"Authorization": "Bearer s3cret"},
    )
    assert ok.status_code == 200 and ok.json()["stored"] == 1 and ok.json()["quarantined"] == 1
    assert c.get("/search.json").json()["total"] == 1


def test_the_api_page_is_offline(client) -> None:
    c, _ = client
    html = c.get("/api").text
    assert "/search.json" in html and "/ingest.json" in html
    assert "cdn" not in html.lower() and "<script" not in html
    assert c.get("/docs").status_code == 404  # Swagger UI would need a CDN


def test_missing_pages_and_openapi(client) -> None:
    c, _ = client
    assert c.get("/article/99999").status_code == 404
    assert c.get("/actor/99999.json").status_code == 404
    paths = c.get("/openapi.json").json()["paths"]
    for p in (
        "/search.json",
        "/article/{doc_id}.json",
        "/actor/{entity_id}.json",
        "/stories.json",
        "/quotes.json",
        "/events.json",
    ):
        assert p in paths, sorted(paths)


def test_serve_refuses_a_missing_database(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from marsad.cli import main

    r = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert r.exit_code == 1 and "E606" in r.output
