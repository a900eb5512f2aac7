"""The database: one schema for SQLite (the default) and PostgreSQL."""

from .db import Store, open_store

__all__ = ["Store", "open_store"]
