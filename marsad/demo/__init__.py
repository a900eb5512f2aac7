"""``marsad demo``: a database built from articles written for marsad, then served.

The articles (``demo/data/articles.jsonl``) were written by the marsad authors: news
from several invented outlets over three weeks of March 2024, naming real office
holders of that month, people the knowledge base does not know, quotes of every
kind, events, and stories reprinted by more than one outlet.
"""

from __future__ import annotations

from pathlib import Path

from ..ingest.run import IngestStats, ingest
from ..store.db import open_store

ARTICLES = Path(__file__).resolve().parent / "data" / "articles.jsonl"


def build(db: str) -> IngestStats:
    """Ingest the demo articles into ``db`` (nothing new when they are there already)."""
    with open_store(db) as store:
        return ingest([str(ARTICLES)], store, workers=1)
