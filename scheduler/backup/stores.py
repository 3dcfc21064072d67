"""The database part of a backup, per kind of database: one module each, the same functions
(snapshot, check, dump_counts, existing_tables, load) and the names KIND and DUMP."""

from types import ModuleType

import sqlalchemy as sa

from scheduler.backup import postgres_store, sqlite_store
from scheduler.backup.errors import BackupError

STORES = {store.KIND: store for store in (sqlite_store, postgres_store)}


def store_named(kind: str) -> ModuleType:
    """The store of a kind of database named in a manifest."""
    if kind not in STORES:
        raise BackupError(f"Unknown kind of database in the manifest: {kind!r}.")
    return STORES[kind]


def store_of(engine: sa.Engine) -> ModuleType:
    """The store of the app's database."""
    return store_named(engine.dialect.name)
