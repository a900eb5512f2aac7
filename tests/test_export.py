"""Exporting the database: PLOVER JSONL, CAMEO TSV, CSV and Parquet (issue #8)."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from marsad.errors import InputError
from marsad.export import (
    CAMEO_COLUMNS,
    FORMATS,
    TABLES,
    cameo_rows,
    export,
    iter_rows,
    plover_records,
    table_columns,
)
from marsad.ingest.run import ingest
from marsad.store import Store, open_store
from tests.conftest import database

# written for these tests: two outlets report the same meeting, a third an attack
ARTICLES = [
    {
        "title": None,
        "published": "2024-03-06",
        "url": "https://example.sa/news/1",
        "outlet": "صحيفة الرياض",
        "text": (
            "وزير الخارجية السعودي يستقبل نظيره المصري في الرياض\n\n"
            "استقبل وزير الخارجية السعودي الأمير فيصل بن فرحان في الرياض اليوم الأربعاء "
            "نظيره المصري سامح شكري، وبحث الجانبان سبل وقف القتال في السودان.\n\n"
            'وقال فيصل بن فرحان في مؤتمر صحفي إنّ "المملكة لن تدّخر جهداً لجمع الأطراف '
            'السودانية على طاولة الحوار".'
        ),
    },
    {
        "title": "شكري في الرياض لبحث الأزمة السودانية",
        "published": "2024-03-07",
        "url": "https://example.eg/news/2",
        "outlet": "الأهرام",
        "text": (
            "استقبل وزير الخارجية السعودي فيصل بن فرحان نظيره المصري سامح شكري في الرياض "
            "أمس، وناقشا الأوضاع في السودان.\n\n"
            "وأكد شكري ضرورة التزام طرفي النزاع بالهدنة الإنسانية."
        ),
    },
    {
        "title": "هجوم على موقع للجيش في ديالى",
        "published": "2024-02-01",
        "url": "https://example.iq/news/3",
        "outlet": "وكالة الأنباء",
        "text": (
            "هاجم مسلحون مجهولون موقعاً للجيش العراقي في محافظة ديالى فجر اليوم، ما أسفر "
            "عن مقتل جنديين، بحسب بيان لوزارة الدفاع العراقية.\n\n"
            "وأدان رئيس الوزراء العراقي محمد شياع السوداني الهجوم."
        ),
    },
]

# the PLOVER manual's required record fields, and the ones this export always writes
PLOVER_REQUIRED = {"id", "date", "actor", "event"}
PLOVER_KEYS = PLOVER_REQUIRED | {
    "recipient",
    "mode",
    "context",
    "quad_code",
    "link",
    "event_loc",
    "text",
    "text_info",
    "cite_info",
    "coder",
    "coded_date",
    "marsad",
}
ENTITY_KEYS = {"code", "sector", "entity_text", "identifier_id", "identifier_text"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("export")
    src = folder / "news.jsonl"
    src.write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8"
    )
    with database(request.param, folder) as url, open_store(url) as s:
        stats = ingest([str(src)], s, workers=1)
        assert stats.stored == len(ARTICLES)
        yield s


def _texts(store: Store) -> dict[str, str]:
    return {str(d): str(t) for d, t in store.all("SELECT doc_id, text FROM documents")}


def test_table_columns_are_the_contract() -> None:
    assert TABLES == (
        "documents",
        "entities",
        "mentions",
        "quotes",
        "events",
        "event_mentions",
        "stories",
    )
    for table in TABLES:
        cols = table_columns(table)
        assert cols[0] == ("id", "int64")
        assert len({c for c, _ in cols}) == len(cols)
        assert {t for _, t in cols} <= {"int64", "string", "double"}
    docs = dict(table_columns("documents"))
    assert "minhash" not in docs and "search_text" not in docs
    assert docs["result"] == "string" and docs["text"] == "string"
    assert dict(table_columns("event_mentions"))["confidence"] == "double"
    with pytest.raises(InputError, match="unknown table"):
        table_columns("quarantine")


def test_iter_rows_reads_every_row_with_the_contract_columns(store: Store) -> None:
    counts = store.counts()
    for table in TABLES:
        rows = list(iter_rows(store, table))
        assert len(rows) == counts[table], table
        names = [c for c, _ in table_columns(table)]
        assert all(list(r) == names for r in rows)
    assert counts["events"] >= 1


def test_iter_rows_pages_through_the_table(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("marsad.export.PAGE", 2)
    ids = [r["id"] for r in iter_rows(store, "mentions")]
    assert ids == sorted(ids) and len(ids) == store.counts()["mentions"]
    assert len(list(plover_records(store))) == store.counts()["event_mentions"]
    assert len(list(cameo_rows(store))) == store.counts()["events"] + 1


def test_plover_records_follow_the_manual_and_point_into_the_text(store: Store) -> None:
    records = list(plover_records(store))
    texts = _texts(store)
    assert len(records) == store.counts()["event_mentions"] >= 1
    assert len({r["id"] for r in records}) == len(records)
    for r in records:
        assert set(r) == PLOVER_KEYS
        assert r["event"] and isinstance(r["mode"], list) and isinstance(r["context"], list)
        assert r["date"] and r["date"][:4].isdigit()
        assert r["link"] == f"marsad-event-{r['marsad']['event_id']}"
        for ent in r["actor"] + r["recipient"]:
            assert set(ent) >= ENTITY_KEYS
        info = r["text_info"]
        text = texts[info["doc_id"]]
        assert text[info["trigger_start"] : info["trigger_end"]] == info["trigger_text"]
        assert text[info["start"] : info["end"]] == r["text"]
        assert info["start"] <= info["trigger_start"] < info["trigger_end"] <= info["end"]
        assert r["cite_info"]["url"].startswith("https://example.")
        assert r["cite_info"]["publication"] and r["cite_info"]["language"] == "ar"
        assert r["marsad"]["quad"] in (1, 2, 3, 4, None)
    # the two reports of the meeting: a CONSULT with a named, linked actor
    consult = [r for r in records if r["event"] == ["CONSULT"]]
    assert consult and any(a["identifier_id"] for r in consult for a in r["actor"])


def test_plover_jsonl_to_a_file_and_to_stdout(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sub" / "events.jsonl"
    counts = export(store, "plover-jsonl", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert counts == {"event_mentions": len(lines)} and lines
    assert [json.loads(x) for x in lines] == list(plover_records(store))
    assert "\\u06" not in lines[0]  # Arabic written as UTF-8, not escaped
    assert not list(out.parent.glob("*.part"))
    export(store, "plover-jsonl", "-")
    assert capsys.readouterr().out.splitlines() == lines


def test_cameo_tsv_has_one_row_per_event(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "events.tsv"
    counts = export(store, "cameo-tsv", str(out))
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""
    header, rows = lines[0].split("\t"), [x.split("\t") for x in lines[1:-1]]
    assert header == list(CAMEO_COLUMNS)
    assert len(rows) == counts["events"] == store.counts()["events"]
    at = {name: i for i, name in enumerate(header)}
    assert sum(int(r[at["NumMentions"]]) for r in rows) == store.counts()["event_mentions"]
    for r in rows:
        assert len(r) == len(header)
        assert r[at["EventRootCode"]] == r[at["EventCode"]][:2]
        assert r[at["SQLDATE"]] == "" or (len(r[at["SQLDATE"]]) == 8 and r[at["SQLDATE"]].isdigit())
        assert r[at["PLOVERType"]]
        assert 1 <= int(r[at["NumArticles"]]) <= int(r[at["NumMentions"]])


def test_csv_tables_read_back_with_dictreader(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    counts = export(store, "csv", str(folder))
    assert counts == {t: store.counts()[t] for t in TABLES}
    for table in TABLES:
        raw = (folder / f"{table}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        reader = csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""))
        rows = list(reader)
        assert reader.fieldnames == [c for c, _ in table_columns(table)]
        assert len(rows) == counts[table]
    with (folder / "documents.csv").open(encoding="utf-8", newline="") as f:
        docs = list(csv.DictReader(f))
    assert {d["doc_id"]: d["text"] for d in docs} == _texts(store)
    assert all(json.loads(d["result"])["id"] == d["doc_id"] for d in docs)


def test_parquet_round_trips_with_the_contract_types(store: Store, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    folder = tmp_path / "pq"
    counts = export(store, "parquet", str(folder))
    for table in TABLES:
        t = pq.read_table(folder / f"{table}.parquet")
        assert t.num_rows == counts[table] == store.counts()[table]
        cols = table_columns(table)
        assert t.schema.names == [c for c, _ in cols]
        assert [str(f.type) for f in t.schema] == [k for _, k in cols]
        assert t.to_pylist() == list(iter_rows(store, table))


def test_since_in_the_future_gives_zero_rows(store: Store, tmp_path: Path) -> None:
    since = "2100-01-01"
    assert export(store, "csv", str(tmp_path / "c"), since=since) == dict.fromkeys(TABLES, 0)
    assert export(store, "plover-jsonl", str(tmp_path / "p.jsonl"), since=since) == {
        "event_mentions": 0
    }
    assert export(store, "cameo-tsv", str(tmp_path / "e.tsv"), since=since) == {"events": 0}
    assert (tmp_path / "e.tsv").read_text(encoding="utf-8") == "\t".join(CAMEO_COLUMNS) + "\n"
    pq = pytest.importorskip("pyarrow.parquet")
    assert export(store, "parquet", str(tmp_path / "q"), since=since) == dict.fromkeys(TABLES, 0)
    t = pq.read_table(tmp_path / "q" / "documents.parquet")
    assert t.num_rows == 0 and t.schema.names == [c for c, _ in table_columns("documents")]


def test_since_keeps_the_rows_of_newer_documents(store: Store) -> None:
    since = "2024-03-07"
    docs = list(iter_rows(store, "documents", since=since))
    assert [d["published"] for d in docs] == ["2024-03-07"]
    kept = {d["id"] for d in docs}
    for table in ("mentions", "quotes", "event_mentions"):
        rows = list(iter_rows(store, table, since=since))
        assert {r["document_id"] for r in rows} <= kept
        assert len(rows) == len([r for r in iter_rows(store, table) if r["document_id"] in kept])
    mentioned = {r["entity_id"] for r in iter_rows(store, "mentions", since=since)}
    assert {e["id"] for e in iter_rows(store, "entities", since=since)} == mentioned
    reported = {r["event_id"] for r in iter_rows(store, "event_mentions", since=since)}
    assert {e["id"] for e in iter_rows(store, "events", since=since)} == reported
    assert {r["marsad"]["event_id"] for r in plover_records(store, since=since)} == reported
    assert {int(r[0]) for r in list(cameo_rows(store, since=since))[1:]} == reported
    stories = {d["story_id"] for d in docs}
    assert {s["id"] for s in iter_rows(store, "stories", since=since)} == stories


@pytest.mark.parametrize(
    ("fmt", "out", "since", "match"),
    [
        ("xlsx", "x", None, "unknown export format 'xlsx'"),
        ("csv", None, None, "give an output folder"),
        ("parquet", "-", None, "give an output folder"),
        ("plover-jsonl", None, "last week", "not an ISO date"),
    ],
)
def test_bad_requests_are_one_line_input_errors(
    store: Store, fmt: str, out: str | None, since: str | None, match: str
) -> None:
    with pytest.raises(InputError, match=match) as info:
        export(store, fmt, out, since=since)
    assert "\n" not in str(info.value)


def test_bad_format_names_the_formats(store: Store) -> None:
    with pytest.raises(InputError) as info:
        export(store, "json", None)
    assert all(f in str(info.value) for f in FORMATS)


def test_csv_into_a_file_is_an_error(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "taken"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not a folder"):
        export(store, "csv", str(f))


def test_parquet_without_pyarrow_says_how_to_install(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(InputError, match="pip install pyarrow") as info:
        export(store, "parquet", str(tmp_path / "q"))
    assert "\n" not in str(info.value)
