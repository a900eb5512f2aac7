"""The database schema, as versioned migrations shared by SQLite and PostgreSQL.

Each migration is a list of statements written once, with three placeholders filled
per dialect: ``{pk}`` (an auto-increment primary key), ``{blob}`` (bytes) and
``{bigint}``. A migration that needs dialect-specific SQL (full-text search) gives
one list per dialect. :func:`migrate` applies, in one transaction each, the
migrations the database has not seen, and records them in ``schema_migrations``, so
an old database is brought up to date when it is opened (datasette and Django keep
theirs the same way).

Offsets (``start_char``/``end_char``) are character offsets into ``documents.text``,
the frozen canonical text of the output contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DIALECT_TYPES = {
    "sqlite": {"pk": "INTEGER PRIMARY KEY", "blob": "BLOB", "bigint": "INTEGER"},
    "postgresql": {"pk": "BIGSERIAL PRIMARY KEY", "blob": "BYTEA", "bigint": "BIGINT"},
}


@dataclass(frozen=True)
class Migration:
    """One schema version: statements for every dialect, plus per-dialect extras."""

    version: int
    name: str
    statements: tuple[str, ...]
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def sql(self, dialect: str) -> list[str]:
        """The statements of this migration for ``dialect``."""
        types = DIALECT_TYPES[dialect]
        return [s.format(**types) for s in (*self.statements, *self.extra.get(dialect, ()))]


_V1 = (
    """CREATE TABLE stories (
        id {pk},
        first_document_id {bigint},
        first_seen TEXT,
        title TEXT,
        n_documents INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE documents (
        id {pk},
        content_hash TEXT NOT NULL UNIQUE,
        doc_id TEXT NOT NULL,
        source TEXT NOT NULL,
        url TEXT,
        outlet TEXT,
        title TEXT,
        published TEXT,
        published_source TEXT,
        fetched TEXT,
        text TEXT NOT NULL,
        search_text TEXT NOT NULL,
        story_id {bigint} REFERENCES stories(id),
        minhash {blob},
        result TEXT NOT NULL,
        marsad_version TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    )""",
    "CREATE INDEX documents_published ON documents(published)",
    "CREATE INDEX documents_story ON documents(story_id)",
    "CREATE INDEX documents_outlet ON documents(outlet)",
    """CREATE TABLE entities (
        id {pk},
        key TEXT NOT NULL UNIQUE,
        kb_id TEXT,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        name_en TEXT,
        wikidata TEXT,
        country TEXT,
        sector TEXT
    )""",
    "CREATE INDEX entities_name ON entities(name)",
    """CREATE TABLE mentions (
        id {pk},
        document_id {bigint} NOT NULL REFERENCES documents(id),
        entity_id {bigint} NOT NULL REFERENCES entities(id),
        local_id TEXT NOT NULL,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        text TEXT NOT NULL,
        roles TEXT
    )""",
    "CREATE INDEX mentions_document ON mentions(document_id)",
    "CREATE INDEX mentions_entity ON mentions(entity_id)",
    """CREATE TABLE quotes (
        id {pk},
        document_id {bigint} NOT NULL REFERENCES documents(id),
        speaker_id {bigint} REFERENCES entities(id),
        speaker_text TEXT,
        kind TEXT NOT NULL,
        cue_start INTEGER NOT NULL,
        cue_end INTEGER NOT NULL,
        cue_text TEXT NOT NULL,
        content_start INTEGER NOT NULL,
        content_end INTEGER NOT NULL,
        content_text TEXT NOT NULL
    )""",
    "CREATE INDEX quotes_document ON quotes(document_id)",
    "CREATE INDEX quotes_speaker ON quotes(speaker_id)",
    """CREATE TABLE events (
        id {pk},
        key TEXT NOT NULL,
        type TEXT NOT NULL,
        mode TEXT,
        cameo TEXT,
        quad INTEGER,
        modality TEXT NOT NULL,
        actor_id {bigint} REFERENCES entities(id),
        recipient_id {bigint} REFERENCES entities(id),
        location_id {bigint} REFERENCES entities(id),
        date TEXT,
        first_date TEXT,
        last_date TEXT,
        n_mentions INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX events_key ON events(key)",
    "CREATE INDEX events_type_date ON events(type, date)",
    """CREATE TABLE event_mentions (
        id {pk},
        event_id {bigint} NOT NULL REFERENCES events(id),
        document_id {bigint} NOT NULL REFERENCES documents(id),
        sentence INTEGER,
        trigger_start INTEGER NOT NULL,
        trigger_end INTEGER NOT NULL,
        trigger_text TEXT NOT NULL,
        trigger_id TEXT,
        date TEXT,
        date_source TEXT,
        actors TEXT NOT NULL,
        recipients TEXT NOT NULL,
        arguments TEXT NOT NULL,
        confidence REAL
    )""",
    "CREATE INDEX event_mentions_event ON event_mentions(event_id)",
    "CREATE INDEX event_mentions_document ON event_mentions(document_id)",
    """CREATE TABLE quarantine (
        id {pk},
        source TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        UNIQUE (source, reason)
    )""",
    """CREATE TABLE runs (
        id {pk},
        started TEXT NOT NULL,
        finished TEXT,
        inputs TEXT NOT NULL,
        status TEXT NOT NULL,
        stored INTEGER NOT NULL DEFAULT 0,
        duplicate INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        quarantined INTEGER NOT NULL DEFAULT 0
    )""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "documents, entities, mentions, quotes, events, stories, quarantine, runs",
        _V1,
        extra={
            # FTS5 over the matching-normalised words and their clitic-stripped stems
            "sqlite": (
                "CREATE VIRTUAL TABLE documents_fts USING fts5(search_text, "
                "content='documents', content_rowid='id', tokenize='unicode61')",
            ),
            "postgresql": (
                "ALTER TABLE documents ADD COLUMN search_vector tsvector "
                "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
                "CREATE INDEX documents_search ON documents USING GIN (search_vector)",
            ),
        },
    ),
)

SCHEMA_VERSION = MIGRATIONS[-1].version

# the tables a user sees, in the order counts are printed
TABLES = (
    "documents",
    "entities",
    "mentions",
    "quotes",
    "events",
    "event_mentions",
    "stories",
    "quarantine",
)
