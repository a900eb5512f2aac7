"""marsad demo: the bundled articles build a database that exercises every page."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from marsad.cli import main
from marsad.demo import ARTICLES
from marsad.store import open_store


def test_the_demo_articles() -> None:
    records = [json.loads(line) for line in ARTICLES.read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 20
    assert len({r["id"] for r in records}) == len(records)
    assert len({r["outlet"] for r in records}) >= 5
    assert len({r["published"] for r in records}) >= 7
    for r in records:
        assert r["title"] and len(r["text"].split()) >= 80, r["id"]
        assert "<" not in r["text"] + r["title"], r["id"]


def test_marsad_demo_builds_its_database(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    n = len(ARTICLES.read_text(encoding="utf-8").splitlines())
    r = CliRunner().invoke(main, ["demo", "--no-serve", "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert f"{n} stored" in r.output
    with open_store(str(db)) as s:
        counts = s.counts()
        assert counts["documents"] == n and counts["stories"] < n  # reprints cluster
        assert counts["quotes"] >= n and counts["events"] >= n // 2
        # people the knowledge base does not know, quoted in more than one article
        nil_speakers = s.all(
            "SELECT e.name, COUNT(DISTINCT q.document_id) FROM quotes q "
            "JOIN entities e ON e.id = q.speaker_id WHERE e.kb_id IS NULL "
            "AND e.type = 'PERSON' GROUP BY e.name HAVING COUNT(DISTINCT q.document_id) > 1"
        )
        assert nil_speakers, "no NIL person is quoted in two articles"
        # real office holders resolved from their titles
        assert s.one("SELECT COUNT(*) FROM entities WHERE kb_id IS NOT NULL")[0] >= 10
    again = CliRunner().invoke(main, ["demo", "--no-serve", "--db", str(db)])
    assert "0 stored" in again.output
