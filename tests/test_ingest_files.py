"""Reading inputs: encodings, formats and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.doc import Article
from marsad.errors import InputError
from marsad.ingest.files import BadRecord, decode, open_path, read_bytes, read_path

ARTICLE = "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في مدينة الزرقاء."


def test_decode_utf8_with_and_without_bom() -> None:
    assert decode(ARTICLE.encode(), "a") == ARTICLE
    assert decode(b"\xef\xbb\xbf" + ARTICLE.encode(), "a") == ARTICLE


def test_decode_windows_1256_is_detected() -> None:
    assert decode(ARTICLE.encode("cp1256"), "old.txt") == ARTICLE


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_utf16_with_or_without_bom(codec: str) -> None:
    assert decode(ARTICLE.encode(codec), "a") == ARTICLE


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "E101"),
        (b"   \n\t ", "E101"),
        (b"%PDF-1.7 binary", "E102"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "E102"),
        (b"PK\x03\x04zip", "E102"),
        (bytes(range(256)) * 4, "E102"),
        ("Ceci n'est pas arabe: élève".encode("latin-1"), "E103"),
    ],
)
def test_decode_refuses_bad_bytes(data: bytes, code: str) -> None:
    with pytest.raises(InputError, match=code):
        decode(data, "input.bin")


def test_read_txt_first_line_is_headline_when_blank_line_follows() -> None:
    [a] = read_bytes(f"العنوان\n\n{ARTICLE}".encode(), "a.txt")
    assert isinstance(a, Article) and a.title == "العنوان" and a.text == ARTICLE
    [b] = read_bytes(f"سطر أول\n{ARTICLE}".encode(), "b.txt")
    assert isinstance(b, Article) and b.title is None


def test_read_json_object_and_fields() -> None:
    rec = {
        "content": ARTICLE,
        "title": "عنوان",
        "date": "2015-07-21 10:00:00",
        "id": 7,
        "url": "http://example.com/x",
        "source": "sabq",
    }
    [a] = read_bytes(json.dumps(rec).encode(), "a.json")
    assert isinstance(a, Article)
    assert (a.text, a.title, a.published, a.id, a.url, a.outlet) == (
        ARTICLE,
        "عنوان",
        "2015-07-21 10:00:00",
        "7",
        "http://example.com/x",
        "sabq",
    )
    assert a.published_source == "metadata"


def test_read_json_array_records_bad_items_and_goes_on() -> None:
    data = json.dumps([{"text": ARTICLE}, {"title": "بلا نص"}, "نص", {"text": ARTICLE}]).encode()
    out = read_bytes(data, "arr.json")
    assert [type(r).__name__ for r in out] == ["Article", "BadRecord", "BadRecord", "Article"]
    assert "E106" in out[1].error and "arr.json[1]" in out[1].error  # type: ignore[union-attr]


def test_read_jsonl_reports_line_numbers() -> None:
    lines = [
        json.dumps({"text": ARTICLE}),
        "{not json",
        "",
        json.dumps({"text": 5}),
        json.dumps({"title": "x"}),
        json.dumps({"text": ARTICLE, "id": "b"}),
    ]
    out = read_bytes("\n".join(lines).encode(), "batch.jsonl")
    bad = [r for r in out if isinstance(r, BadRecord)]
    assert [r.source for r in bad] == ["batch.jsonl:2", "batch.jsonl:4", "batch.jsonl:5"]
    assert "E105" in bad[0].error and "E110" in bad[1].error and "E106" in bad[2].error
    assert [r.id for r in out if isinstance(r, Article)] == [None, "b"]


def test_read_jsonl_sniffed_without_suffix() -> None:
    data = (json.dumps({"text": ARTICLE}) + "\n" + json.dumps({"text": ARTICLE})).encode()
    assert len(read_bytes(data, "<stdin>")) == 2


def test_read_invalid_json_document_is_one_error() -> None:
    with pytest.raises(InputError, match=r"E105.*a\.json"):
        read_bytes(b'{"text": "x",', "a.json")


def test_read_path_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="E100"):
        list(read_path(str(tmp_path / "nope.txt")))
    with pytest.raises(InputError, match="E109"):
        list(read_path(str(tmp_path)))


def test_read_path_refuses_huge_txt_before_reading(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    with p.open("wb") as f:
        f.truncate(50 * 1_000_000 + 1)  # sparse: 50 MB without writing it
    with pytest.raises(InputError, match=r"E104.*50\.0 MB.*--max-size"):
        open_path(str(p))


def test_read_jsonl_huge_line_is_a_bad_record(tmp_path: Path) -> None:
    p = tmp_path / "b.jsonl"
    p.write_text(
        json.dumps({"text": "كلمة " * 5000}) + "\n" + json.dumps({"text": ARTICLE}) + "\n",
        encoding="utf-8",
    )
    out = list(read_path(str(p), max_bytes=10_000))
    assert isinstance(out[0], BadRecord) and "E104" in out[0].error
    assert isinstance(out[1], Article)
