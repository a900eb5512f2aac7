"""marsad spark run + marsad load give the rows marsad ingest stores (Spark local[2])."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (17) on the PATH", allow_module_level=True)

from click.testing import CliRunner  # noqa: E402

from marsad.cli import main  # noqa: E402
from marsad.config import Config  # noqa: E402
from marsad.errors import InputError, StoreError  # noqa: E402
from marsad.ingest.run import ingest  # noqa: E402
from marsad.spark.job import run, session  # noqa: E402
from marsad.spark.load import load  # noqa: E402
from marsad.store import open_store  # noqa: E402
from marsad.store.schema import TABLES  # noqa: E402
from tests.conftest import REPO  # noqa: E402
from tests.corpus import article, batch, write_jsonl  # noqa: E402
from tests.test_ingest_web import _warc  # noqa: E402

# small enough that one article of the JSON array fails in extraction (E104)
CONFIG = Config.default().override("limits.max_article_bytes", 6000)


@pytest.fixture(scope="module")
def spark():
    s = session("local[2]", app="marsad-tests")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    write_jsonl(folder / "a-news.jsonl", batch(10))
    long = dict(article(30), text=article(30)["text"] * 12)  # over the 6,000-byte limit
    (folder / "b-array.json").write_text(
        json.dumps([article(20), long, article(21)], ensure_ascii=False), encoding="utf-8"
    )
    (folder / "c-crawl.warc.gz").write_bytes(_warc(gz=True))
    shutil.copy(REPO / "examples" / "news" / "council.html", folder / "d-council.html")
    return folder


@pytest.fixture(scope="module")
def parquet(spark, inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("out")
    counts = run([str(inputs)], str(out), spark=spark, config=CONFIG, partitions=3)
    return out, counts


def _rows(url: str) -> dict[str, list[tuple]]:
    out = {}
    with open_store(url) as s:
        for t in TABLES:
            cols = [c for c in _columns(s, t) if c not in ("ingested_at", "at", "search_vector")]
            out[t] = [tuple(r) for r in s.all(f"SELECT {', '.join(cols)} FROM {t} ORDER BY id")]
    return out


def _columns(store, table: str) -> list[str]:
    cur = store.execute(f"SELECT * FROM {table} LIMIT 0")
    return [d[0] for d in cur.description]


def test_spark_and_ingest_store_the_same_rows(parquet, inputs: Path, db_url: str, tmp_path: Path):
    out, counts = parquet
    assert counts["stored"] == 10 + 1 + 2 + 2 + 1  # batch, array, crawl pages, council
    assert counts["duplicate"] == 1 and counts["skipped"] == 1
    with open_store(db_url) as s:
        loaded = load(str(out), s)
    assert loaded["documents"] == counts["stored"]
    ref = f"sqlite:///{tmp_path}/ingest.db"
    with open_store(ref) as s:
        stats = ingest([str(inputs)], s, workers=2, config=CONFIG, batch=4)
    assert stats.stored == counts["stored"] and stats.quarantined == counts["quarantined"]
    got, want = _rows(db_url), _rows(ref)
    for table in TABLES:
        assert got[table] == want[table], table
    # one record failed in extraction and one had no text: both are kept with a reason
    reasons = [r[-1] for r in want["quarantine"]]
    assert any("E104" in r for r in reasons) and any("E106" in r for r in reasons)
    # the loaded database searches and exports like an ingested one
    with open_store(db_url) as s:
        assert s.search("مجلس محافظة نينوى")
        n = s.one("SELECT MAX(id) FROM documents")[0]
        assert s.counts()["stories"] < n  # the wire reprint joined its story


def test_parquet_tables_follow_the_export_contract(parquet) -> None:
    import pyarrow.parquet as pq

    from marsad.export import table_columns

    out, _ = parquet
    for table in TABLES:
        schema = pq.read_table(out / table).schema
        if table != "quarantine":
            assert [(f.name, str(f.type)) for f in schema] == table_columns(table)


def test_load_refuses_a_database_with_documents(parquet, tmp_path: Path) -> None:
    out, _ = parquet
    url = f"sqlite:///{tmp_path}/m.db"
    with open_store(url) as s:
        load(str(out), s)
        with pytest.raises(StoreError, match="E607"):
            load(str(out), s)
    with open_store(f"sqlite:///{tmp_path}/n.db") as s, pytest.raises(InputError, match="E608"):
        load(str(tmp_path), s)


def test_cli_spark_run_and_load(spark, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", batch(3))
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["spark", "run", str(src), "--out", str(out), "--partitions", "2"])
    assert r.exit_code == 0, r.output
    assert "4 stored, 1 duplicate, 1 skipped, 1 quarantined" in r.output
    db = tmp_path / "m.db"
    r = CliRunner().invoke(main, ["load", str(out), "--db", str(db)])
    assert r.exit_code == 0 and "4 documents" in r.output
    r = CliRunner().invoke(main, ["spark", "run", str(tmp_path / "nope"), "--out", str(out)])
    assert r.exit_code == 1 and "E100" in r.output
