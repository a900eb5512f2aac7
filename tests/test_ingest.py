"""marsad ingest: every input kind into the database, idempotent and kill-safe."""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import main
from marsad.errors import InputError
from marsad.ingest.files import BadRecord
from marsad.ingest.run import ingest
from marsad.ingest.sources import iter_sources
from marsad.store import open_store
from tests.conftest import shared_path
from tests.corpus import article, articles, batch, write_jsonl

N = 12  # articles in the test batch


def _rows(url: str) -> dict[str, int]:
    with open_store(url) as s:
        return s.counts()


def test_a_batch_is_stored_once(db_url: str, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "news.jsonl", batch(N))
    with open_store(db_url) as s:
        first = ingest([str(src)], s, workers=1, batch=5)
        assert (first.stored, first.duplicate, first.skipped, first.quarantined) == (N + 1, 1, 1, 1)
        counts = s.counts()
        assert counts["documents"] == N + 1 and counts["quarantine"] == 1
        # the wire reprint joined the first article's story
        assert counts["stories"] == N
        again = ingest([str(src)], s, workers=1)
        assert again.stored == 0 and again.duplicate == N + 2
        assert s.counts() == counts  # a second run adds no row anywhere
        reason = s.one("SELECT source, reason FROM quarantine")
        assert reason[0].endswith("news.jsonl:16") and "E106" in reason[1]
        run = s.all("SELECT status, stored, duplicate FROM runs ORDER BY id")
        assert [tuple(r) for r in run] == [("done", N + 1, 1), ("done", 0, N + 2)]


def test_facts_are_stored_with_offsets(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "one.jsonl", [article(9)])
    with open_store(str(tmp_path / "m.db")) as s:
        ingest([str(src)], s, workers=1)
        text = s.one("SELECT text FROM documents")[0]
        mentions = s.all("SELECT start_char, end_char, text FROM mentions")
        assert mentions and all(text[a:b] == t for a, b, t in mentions)
        quotes = s.all(
            "SELECT e.name, q.content_start, q.content_end, q.content_text FROM quotes q "
            "JOIN entities e ON e.id = q.speaker_id"
        )
        assert quotes and all(text[a:b] == t for _, a, b, t in quotes)
        assert {q[0] for q in quotes} == {"نادر العتيبي"}  # a NIL person speaks
        assert s.search("العتيبي")[0]["title"] == article(9)["title"]


def test_two_workers_store_the_same_rows(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "news.jsonl", batch(N))
    one, two = f"sqlite:///{tmp_path}/one.db", f"sqlite:///{tmp_path}/two.db"
    with open_store(one) as s:
        ingest([str(src)], s, workers=1)
    with open_store(two) as s:
        ingest([str(src)], s, workers=2, batch=4)
    assert _rows(one) == _rows(two)
    q = "SELECT content_hash, story_id, doc_id FROM documents ORDER BY id"
    with open_store(one) as a, open_store(two) as b:
        assert a.all(q) == b.all(q)


def _ingest_cmd(src: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "marsad", "ingest", str(src), "--db", url, "--workers", "1"]


def test_a_killed_run_finishes_on_restart(db_url: str, tmp_path: Path) -> None:
    # long enough that the run is still going when the test, polling, sees 8 stored
    records = batch(300)
    src = write_jsonl(tmp_path / "news.jsonl", records)
    # the reference: one uninterrupted run into its own SQLite file
    ref = f"sqlite:///{tmp_path}/ref.db"
    subprocess.run([*_ingest_cmd(src, ref), "--batch", "4"], check=True, capture_output=True)
    expected = _rows(ref)
    assert expected["documents"] == 301
    # the same input, killed with SIGKILL once some batches are committed
    proc = subprocess.Popen([*_ingest_cmd(src, db_url), "--batch", "4"], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            stored = _rows(db_url)["documents"]
        except Exception:
            continue
        if stored >= 8:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    assert 8 <= _rows(db_url)["documents"] < 301, "the run was not killed halfway"
    done = subprocess.run(_ingest_cmd(src, db_url), capture_output=True, text=True, check=True)
    assert "stored" in done.stderr
    got = _rows(db_url)
    assert got == expected


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "news.jsonl", articles(400))
    url = f"sqlite:///{tmp_path}/m.db"
    # a shell that runs the tests in the background starts them with SIGINT ignored,
    # and the child would inherit that: give it the default, as a terminal would
    proc = subprocess.Popen(
        [*_ingest_cmd(src, url), "--batch", "2"],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            if _rows(url)["documents"] >= 4:
                break
        except Exception:
            continue
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err and "run the same command to go on" in err
    with open_store(url) as s:
        assert s.one("SELECT status FROM runs")[0] == "interrupted"
        kept = s.counts()["documents"]
    assert kept >= 4
    subprocess.run(_ingest_cmd(src, url), check=True, capture_output=True)
    assert _rows(url)["documents"] == 400


# -- input kinds ---------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_a_zip_of_json_arrays(tmp_path: Path) -> None:
    day1 = json.dumps(articles(3), ensure_ascii=False).encode()
    day2 = json.dumps([{"title": "بلا نص", "content": ""}, article(5)], ensure_ascii=False)
    z = _zip(tmp_path / "days.zip", {"2025-03-01.json": day1, "2025-03-02.json": day2.encode()})
    got = list(iter_sources([str(z)]))
    assert [type(r).__name__ for r in got] == ["Article"] * 3 + ["BadRecord", "Article"]
    assert got[3].source.endswith("days.zip!2025-03-02.json[0]")
    assert got[0].outlet == article(0)["outlet"]


def test_encodings_and_compression(tmp_path: Path) -> None:
    a = article(1)
    body = a["title"] + "\n\n" + a["text"]
    (tmp_path / "utf16.txt").write_bytes(body.encode("utf-16"))
    (tmp_path / "arabic-windows.txt").write_bytes(body.encode("cp1256"))
    (tmp_path / "b.jsonl.gz").write_bytes(
        gzip.compress((json.dumps(article(2), ensure_ascii=False) + "\n").encode())
    )
    got = [r for r in iter_sources([str(tmp_path)]) if not isinstance(r, BadRecord)]
    assert len(got) == 3
    titles = sorted(r.title or "" for r in got)
    assert titles == sorted([a["title"], a["title"], article(2)["title"]])


def test_bad_inputs_become_records_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "broken.json").write_text('[{"text": "نص"', encoding="utf-8")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "broken.jsonl.gz").write_bytes(gzip.compress(b"{}")[:-6])
    (tmp_path / "huge.txt").write_text("خبر " * 4000, encoding="utf-8")
    got = list(iter_sources([str(tmp_path)], max_bytes=10_000))
    assert all(isinstance(r, BadRecord) for r in got), got
    by_file = {Path(r.source).name: r.error for r in got}
    assert set(by_file) == {
        "empty.txt",
        "image.txt",
        "broken.json",
        "broken.zip",
        "broken.jsonl.gz",
        "huge.txt",
    }
    for error in by_file.values():
        assert "\n" not in error and error.startswith("[E1")


def test_other_languages_are_skipped(tmp_path: Path) -> None:
    src = write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            article(0),
            {"text": "Le conseil municipal a ouvert une bibliothèque dimanche."},
            {"text": "Городской совет открыл новую библиотеку в воскресенье."},
        ],
    )
    with open_store(str(tmp_path / "m.db")) as s:
        stats = ingest([str(src)], s, workers=1)
    assert (stats.stored, stats.skipped) == (1, 2)


def test_missing_input_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "m.db")) as s, pytest.raises(InputError, match="E100"):
        ingest([str(tmp_path / "nope.jsonl")], s, workers=1)


# -- the command ---------------------------------------------------------------------


def test_cli_ingest_reports_counts(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "news.jsonl", batch(4))
    db = tmp_path / "out.db"
    r = CliRunner().invoke(main, ["ingest", str(src), "--db", str(db), "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "5 stored, 1 duplicate, 1 skipped, 1 quarantined" in r.output
    assert "5 documents" in r.output
    r = CliRunner().invoke(main, ["ingest", str(src), "--db", str(db), "--workers", "1"])
    assert "0 stored, 6 duplicate" in r.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope.jsonl"], "E100"),
        (["{src}", "--db", "mysql://x/y"], "E600"),
        (["{src}", "--db", "/no/such/dir/m.db"], "E601"),
    ],
)
def test_cli_ingest_errors_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    src = write_jsonl(tmp_path / "news.jsonl", articles(1))
    monkeypatch.chdir(tmp_path)
    args = [a.format(src=src) for a in args]
    r = CliRunner().invoke(main, ["ingest", *args, "--workers", "1"])
    assert r.exit_code == 1
    assert message in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1


@pytest.mark.shared
def test_saudinewsnet_day(tmp_path: Path) -> None:
    day = shared_path("data", "saudinewsnet", "dataset", "2015-07-21.zip")
    url = f"sqlite:///{tmp_path}/marsad.db"
    with open_store(url) as s:
        stats = ingest([str(day)], s, workers=2)
        counts = s.counts()
        assert stats.stored > 2500 and counts["documents"] == stats.stored
        assert counts["entities"] > 1000 and counts["quotes"] > 1000 and counts["events"] > 1000
        # wire copies from several papers are grouped
        assert counts["stories"] < counts["documents"]
        again = ingest([str(day)], s, workers=2)
        assert again.stored == 0 and s.counts() == counts


def test_field_mapping_and_the_fetch_date(tmp_path: Path) -> None:
    a = article(2)
    record = {
        "headline": a["title"],
        "article_body": a["text"],
        "date_extracted": "2025-04-07 09:15:00",
    }
    src = write_jsonl(tmp_path / "custom.jsonl", [record])
    db = tmp_path / "m.db"
    args = ["ingest", str(src), "--db", str(db), "--workers", "1"]
    r = CliRunner().invoke(main, args)
    assert "1 quarantined" in r.output and "--field text=NAME" in _quarantine(db)
    r = CliRunner().invoke(main, [*args, "--field", "text=article_body"])
    assert "1 stored" in r.output, r.output
    with open_store(str(db)) as s:
        title, published, fetched, result = s.one(
            "SELECT title, published, fetched, result FROM documents"
        )
    assert title == a["title"]  # «headline» is one of the default title fields
    # no date in the record or the text: the crawl day is the document date
    assert (published, fetched) == ("2025-04-07", "2025-04-07 09:15:00")
    assert json.loads(result)["published_evidence"] == "fetched 2025-04-07 09:15:00"
    r = CliRunner().invoke(main, [*args, "--field", "body"])
    assert r.exit_code == 1 and "E112" in r.output


def _quarantine(db: Path) -> str:
    with open_store(str(db)) as s:
        return " ".join(r[0] for r in s.all("SELECT reason FROM quarantine"))


def test_cli_export(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "news.jsonl", articles(3))
    db = tmp_path / "m.db"
    CliRunner().invoke(main, ["ingest", str(src), "--db", str(db), "--workers", "1"])
    r = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "plover-jsonl"])
    assert r.exit_code == 0
    records = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert records and all(
        rec["cite_info"]["url"].startswith("https://news.example/") for rec in records
    )
    out = tmp_path / "tables"
    r = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "csv", "-o", str(out)])
    assert r.exit_code == 0 and (out / "documents.csv").exists()
    missing = tmp_path / "none.db"
    r = CliRunner().invoke(
        main, ["export", "--db", str(missing), "--format", "csv", "-o", str(out)]
    )
    assert r.exit_code == 1 and "E606" in r.output and not missing.exists()
