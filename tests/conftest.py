"""Shared fixtures (one global conftest, as spaCy's tests README asks)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from marsad import Document, load
from marsad.pipeline import Pipeline

# Tests never see a developer's registered KB files (marsad kb add): an empty home.
os.environ["MARSAD_HOME"] = tempfile.mkdtemp(prefix="marsad-home-")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CASES = Path(__file__).parent / "cases"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"../shared not present ({p})")
    return p


def load_cases(name: str) -> list[dict]:
    """Load tests/cases/<name>.json."""
    return json.loads((CASES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def nlp() -> Pipeline:
    return load()


@pytest.fixture
def news_text() -> str:
    # written for the tests: a headline, a standfirst, a caption, body and boilerplate
    return (
        "وزير الخارجية القطري يلتقي نظيره الأردني في الدوحة\n\n"
        "بحث الجانبان التطورات الإقليمية وسبل تعزيز التعاون الثنائي.\n\n"
        "• لقاء\n"
        "الوزيران خلال اللقاء في الدوحة\n\n"
        "استقبل وزير الخارجية القطري نظيره الأردني اليوم الأحد. وقال في بيان: «نرحّب بكل "
        "مبادرة للسلام. والحوار هو الطريق الوحيد».\n\n"
        "وأضاف أنّ البلدين سيعقدان اجتماعاً آخر بعد أسبوعين.\n\n"
        "اقرأ أيضاً: قمة خليجية في الرياض الشهر المقبل\n\n"
        "تابعونا على فيسبوك وتويتر"
    )


@pytest.fixture
def news_doc(nlp: Pipeline, news_text: str) -> Document:
    from marsad.ingest.files import article_from_text

    return nlp(article_from_text(news_text, "news.txt"))


# -- databases: every store test runs on SQLite, and on PostgreSQL when a server is given
POSTGRES = os.environ.get(
    "MARSAD_TEST_POSTGRES", ""
)  # e.g. postgresql://postgres@127.0.0.1/postgres


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh empty database URL: a SQLite file in ``folder``, or a new PostgreSQL
    database on the server in $MARSAD_TEST_POSTGRES (skipped when it is not set;
    .ci/run sets it), dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder}/marsad.db"
        return
    if not POSTGRES:
        pytest.skip("no PostgreSQL server: set MARSAD_TEST_POSTGRES (as .ci/run does)")
    import uuid

    import psycopg

    name = "marsad_test_" + uuid.uuid4().hex[:12]
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    base = POSTGRES.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of each kind (see :func:`database`)."""
    with database(request.param, tmp_path) as url:
        yield url
