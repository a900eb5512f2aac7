"""The store on SQLite and PostgreSQL: schema, identity, clustering, search, safety."""

from __future__ import annotations

import sqlite3

import pytest

from marsad.errors import StoreError
from marsad.store import open_store
from marsad.store.db import Prepared, parse_url
from marsad.store.rows import entity_key
from marsad.store.schema import SCHEMA_VERSION
from marsad.store.search import index_terms
from marsad.store.stories import signature


def _doc(
    n: int,
    text: str,
    *,
    published: str = "2025-03-02",
    entities: list[dict] | None = None,
    events: list[dict] | None = None,
) -> Prepared:
    d = {
        "id": f"doc{n}",
        "title": None,
        "published": published,
        "published_source": "given",
        "url": f"https://news.example/{n}",
        "outlet": "صحيفة المرصد",
        "text": text,
        "entities": entities or [],
        "quotes": [],
        "timexes": [],
        "events": events or [],
    }
    return Prepared(f"h{n}", f"test:{n}", None, d, index_terms(text), signature(text))


def _person(local: str, name: str, start: int, kb_id: str | None = None) -> dict:
    return {
        "id": local,
        "type": "PERSON",
        "name": name,
        "kb_id": kb_id,
        "roles": [],
        "mentions": [{"start": start, "end": start + len(name), "text": name}],
    }


def _event(actor: str, recipient: str, date: str, start: int, text: str) -> dict:
    return {
        "type": "CONSULT",
        "mode": None,
        "modality": [],
        "actors": [actor],
        "recipients": [recipient],
        "location": None,
        "date": date,
        "date_source": "document",
        "cameo": "040",
        "quad": 1,
        "trigger": {"start": start, "end": start + len(text), "text": text},
        "sentence": 0,
        "arguments": [],
    }


def test_schema_is_created_once_and_recorded(db_url: str) -> None:
    with open_store(db_url) as s:
        assert s.schema_version() == SCHEMA_VERSION
    with open_store(db_url) as s:
        assert s.migrate() == []  # nothing left to apply
        assert s.counts() == dict.fromkeys(s.counts(), 0)


def test_a_newer_schema_is_refused(tmp_path) -> None:
    path = tmp_path / "new.db"
    open_store(str(path)).close()
    with sqlite3.connect(path) as c:
        c.execute("INSERT INTO schema_migrations VALUES (99, 'future', '2030-01-01')")
    with pytest.raises(StoreError, match=r"E603.*schema version 99"):
        open_store(str(path))


@pytest.fixture
def s(db_url: str):
    with open_store(db_url) as store:
        yield store


def test_same_content_is_stored_once(s) -> None:
    with s.transaction():
        assert s.add(_doc(1, "نص الخبر الأول عن افتتاح مدرسة")) is not None
        assert s.add(_doc(1, "نص الخبر الأول عن افتتاح مدرسة")) is None
    assert s.counts()["documents"] == 1
    assert s.known(["h1", "h2"]) == {"h1"}


def test_entities_are_shared_across_documents(s) -> None:
    a = "قال الناشط سامر الحداد إن الاعتصام مستمر"
    b = "أكد سامر الحدّاد أن المطالب واضحة وزار نادر العتيبي المكان"
    with s.transaction():
        s.add(_doc(1, a, entities=[_person("E1", "سامر الحداد", 10)]))
        s.add(
            _doc(
                2,
                b,
                entities=[
                    _person("E1", "سامر الحدّاد", 4),  # the same NIL name, with a shadda
                    _person("E2", "نادر العتيبي", 37, kb_id="Q123"),
                ],
            )
        )
    rows = s.all("SELECT key, name FROM entities ORDER BY id")
    assert [r[0] for r in rows] == ["nil:PERSON:سامر الحداد", "Q123"]
    assert s.counts()["mentions"] == 3
    per_entity = s.all(
        "SELECT entity_id, COUNT(DISTINCT document_id) FROM mentions GROUP BY entity_id"
    )
    assert sorted(n for _, n in per_entity) == [1, 2]


def test_reports_of_one_event_are_one_event(s) -> None:
    people = [_person("E1", "سامر الحداد", 0), _person("E2", "نادر العتيبي", 20)]
    with s.transaction():
        for n, date in enumerate(["2025-03-02", "2025-03-03", "2025-03-20"]):
            text = f"سامر الحداد يلتقي نادر العتيبي في الخبر رقم {n}"
            s.add(
                _doc(
                    n,
                    text,
                    published=date,
                    entities=people,
                    events=[_event("E1", "E2", date, 12, "يلتقي")],
                )
            )
    events = s.all("SELECT n_mentions, first_date, last_date FROM events ORDER BY id")
    # two reports a day apart are one event; one 18 days later is another
    assert [tuple(e) for e in events] == [
        (2, "2025-03-02", "2025-03-03"),
        (1, "2025-03-20", "2025-03-20"),
    ]
    assert s.counts()["event_mentions"] == 3


def test_near_duplicates_share_a_story(db_url: str, request) -> None:
    s = open_store(db_url)
    wire = (
        "أعلنت وزارة الصحة افتتاح مستشفى جديد في المدينة الشمالية بسعة مئتي سرير، "
        "وقال الوزير إن المستشفى سيخدم أكثر من مئة ألف نسمة في المنطقة والقرى المجاورة لها."
    )
    with s.transaction():
        s.add(_doc(1, wire, published="2025-03-03"))
        s.add(_doc(2, "(واس) - " + wire, published="2025-03-02"))
        s.add(_doc(3, "هطلت أمطار غزيرة على العاصمة وأغلقت بعض الطرق الرئيسية لساعات."))
    stories = s.all("SELECT n_documents, first_seen FROM stories ORDER BY id")
    assert [tuple(r) for r in stories] == [(2, "2025-03-02"), (1, "2025-03-02")]
    # the index is rebuilt from the database when it is opened again
    s.close()
    with open_store(db_url) as s, s.transaction():
        s.add(_doc(4, wire + " وتابع:", published="2025-03-04"))
    with open_store(db_url) as s:
        assert s.one("SELECT n_documents FROM stories WHERE id = 1")[0] == 3


@pytest.mark.parametrize(
    "query", ["هيئة الأمم", "هيئه الامم", "الهيئة", "لإيران", "إيران", "ايران", "وإيران"]
)
def test_search_matches_written_variants(s, query: str) -> None:
    with s.transaction():
        s.add(_doc(1, "دعت هيئة الأمم المتحدة إلى هدنة، ووجهت رسالة لإيران."))
        s.add(_doc(2, "افتتح المجلس البلدي حديقة عامة جديدة."))
    hits = s.search(query)
    assert [h["id"] for h in hits] == [1]


def test_search_needs_every_word(s) -> None:
    with s.transaction():
        s.add(_doc(1, "دعت هيئة الأمم المتحدة إلى هدنة."))
    assert s.search("هيئة حديقة") == []
    assert s.search("   ") == []
    assert s.search('"; DROP TABLE documents; --') == []  # parameters, not SQL
    assert s.counts()["documents"] == 1


def test_a_failed_batch_leaves_nothing(s) -> None:
    with s.transaction():
        s.add(_doc(1, "خبر أول محفوظ"))

    def killed() -> None:
        with s.transaction():
            s.add(_doc(2, "خبر ثان", entities=[_person("E1", "منى الزعبي", 0)]))
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        killed()
    assert s.counts()["documents"] == 1 and s.counts()["entities"] == 0
    with s.transaction():  # ids and the story index handed out in the failed batch are gone
        s.add(_doc(2, "خبر ثان", entities=[_person("E1", "منى الزعبي", 0)]))
    assert s.counts()["entities"] == 1


def test_quarantine_records_once(s) -> None:
    with s.transaction():
        assert s.quarantine("a.jsonl:3", "[E105] a.jsonl:3: invalid JSON")
        assert not s.quarantine("a.jsonl:3", "[E105] a.jsonl:3: invalid JSON")
    assert s.counts()["quarantine"] == 1


def test_entity_key() -> None:
    assert entity_key({"kb_id": "Q1", "type": "PERSON", "name": "x"}) == "Q1"
    assert entity_key({"kb_id": None, "type": "ORG", "name": "هيئة  الإغاثة"}) == (
        "nil:ORG:هييه الاغاثه"
    )


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("mysql://localhost/db", "E600"),
        ("sqlite:///no/such/folder/x.db", "E601"),
        ("postgresql://nobody@127.0.0.1:1/none", "E601"),
    ],
)
def test_bad_database_urls_say_what_to_do(url: str, code: str) -> None:
    with pytest.raises(StoreError) as e:
        open_store(url)
    assert code in str(e.value) and "\n" not in str(e.value)


def test_a_file_that_is_not_a_database(tmp_path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("ليست قاعدة بيانات" * 100, encoding="utf-8")
    with pytest.raises(StoreError, match="E601"):
        open_store(str(bad))


def test_parse_url() -> None:
    assert parse_url("sqlite:////abs/m.db") == ("sqlite", "/abs/m.db")
    assert parse_url("sqlite://") == ("sqlite", ":memory:")
    assert parse_url("postgres://u@h/d") == ("postgresql", "postgres://u@h/d")
