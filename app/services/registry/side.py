"""A first load built beside ``household`` and swapped in by the import's transaction.

When ``household`` and every table referencing it are empty (a region's first load), the rows
go into a side table that a session of its own creates, fills (COPY ``FREEZE``) and commits.
Two more sessions then build its indexes at once: PostgreSQL 15 builds a GiST index on one core
only, so the btrees take the other core meanwhile (measured per million rows: 3.3 s instead of
4.4-4.8 s one after the other). The import's transaction then drops the empty ``household``,
renames the side table in its place and gives it back everything that made ``household`` what
it is (keys, index names, triggers, foreign keys both ways, the id sequence's ownership), all
read from the catalogue, so a later migration needs no change here.

The import's transaction holds ``household`` (and the tables referencing it) in EXCLUSIVE mode
from the emptiness check to its end, so nothing can be written there meanwhile. If that
transaction rolls back after the swap, the committed side table comes back under its own name;
the next household import drops it (``drop_stale``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from app.services.registry.load import COLUMNS, WITH_REFERENCING

PREFIX = "household_load_"
INDEX_DEFINITION = re.compile(
    r"^(CREATE (?:UNIQUE )?INDEX) (\S+) ON (?:ONLY )?public\.household (USING .*)$")
OWN_INDEXES = text(
    """
    SELECT quote_ident(coalesce(c.conname, i.relname)) AS name,
           pg_get_indexdef(x.indexrelid) AS definition, c.contype AS constraint_type
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
    WHERE x.indrelid = 'household'::regclass
    ORDER BY i.relname
    """
)
FOREIGN_KEYS = text(
    """
    SELECT conrelid::regclass::text AS tablename, quote_ident(conname) AS name,
           pg_get_constraintdef(oid) AS definition, conrelid = 'household'::regclass AS own
    FROM pg_constraint
    WHERE contype = 'f'
      AND (conrelid = 'household'::regclass OR confrelid = 'household'::regclass)
    ORDER BY 1, 2
    """
)
# The side table's columns and CHECK constraints as ``household`` has them, from the catalogue:
# ``CREATE TABLE ... (LIKE household)`` would make the loading session wait for a lock on
# ``household`` behind any import queued there, which waits on this import: a deadlock no
# server can see, as its last link is this process waiting for its own loading session.
SIDE_COLUMNS = text(
    """
    SELECT string_agg(
        format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod))
        || CASE WHEN a.attcollation <> t.typcollation
                THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END
        || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
        || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
        ', ' ORDER BY a.attnum)
    FROM pg_attribute a
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = 'household'::regclass AND a.attnum > 0 AND NOT a.attisdropped
    """
)
CHECKS = text(
    "SELECT format('CONSTRAINT %I %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint "
    "WHERE conrelid = 'household'::regclass AND contype = 'c' ORDER BY conname"
)
TRIGGERS = text(
    "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
    "WHERE tgrelid = 'household'::regclass AND NOT tgisinternal ORDER BY tgname"
)
KEY_KIND = {"p": "PRIMARY KEY", "u": "UNIQUE"}


@dataclass(frozen=True)
class SideIndex:
    name: str  # the index's name on ``household`` (for a key: the constraint's)
    temporary: str  # its name on the side table
    definition: str  # its CREATE INDEX statement, on the side table
    key: str | None  # "PRIMARY KEY" or "UNIQUE" when it backs that constraint

    def is_gist(self) -> bool:
        return " USING gist " in self.definition


@dataclass(frozen=True)
class ForeignKey:
    table: str
    name: str
    definition: str
    own: bool  # household's own (batch_id), not one pointing at it


@dataclass
class SideLoad:
    """One first load in progress: its side table and the session filling it."""

    table: str
    loader: Connection
    indexes: list[SideIndex]
    foreign_keys: list[ForeignKey]
    triggers: list[str]
    sequence: str
    swapping: bool = False  # the import's transaction has begun to take the side table over

    @classmethod
    def begin(cls, conn: Connection, batch_id: int) -> SideLoad | None:
        """Lock ``household`` and its referencing tables; when all are empty, start the side
        table and return its load, else None (the caller then loads in place)."""
        tables = list(conn.execute(WITH_REFERENCING).scalars())
        conn.execute(text(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE"))
        used = " OR ".join(f"EXISTS (SELECT 1 FROM {name})" for name in tables)
        if conn.execute(text(f"SELECT {used}")).scalar():
            return None
        drop_stale(conn)
        table = f"{PREFIX}{int(batch_id)}"
        definition = [conn.execute(SIDE_COLUMNS).scalar_one(),
                      *conn.execute(CHECKS).scalars()]
        loader = conn.engine.connect()
        try:
            loader.execute(text(f"CREATE TABLE {table} ({', '.join(definition)})"))
            return cls(table, loader, _side_indexes(conn, table),
                       [ForeignKey(*row) for row in conn.execute(FOREIGN_KEYS).all()],
                       list(conn.execute(TRIGGERS).scalars()),
                       str(conn.execute(text(
                           "SELECT pg_get_serial_sequence('household', 'id')")).scalar_one()))
        except BaseException:
            loader.close()
            raise

    def copy(self, payload: bytes) -> int:
        """COPY text rows (``id`` then ``COLUMNS``) into the side table; returns how many."""
        if payload:
            dbapi = self.loader.connection.driver_connection
            with dbapi.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
                f"COPY {self.table} (id, {COLUMNS}) FROM STDIN WITH (FREEZE)"
            ) as copy:
                copy.write(payload)
        return payload.count(b"\n")

    def swap_in(self, conn: Connection) -> None:
        """Commit the rows, build the indexes in two sessions, then replace ``household`` with
        the side table inside ``conn``'s transaction."""
        self.loader.commit()
        self.loader.close()
        gist = [i for i in self.indexes if i.is_gist()]
        btrees = [i for i in self.indexes if not i.is_gist()]
        _in_two_sessions(conn.engine, [i.definition for i in gist],
                         [i.definition for i in btrees])
        self.swapping = True
        conn.execute(text(f"ALTER SEQUENCE {self.sequence} OWNED BY NONE"))
        for key in self.foreign_keys:
            if not key.own:
                conn.execute(text(f"ALTER TABLE {key.table} DROP CONSTRAINT {key.name}"))
        conn.execute(text("DROP TABLE household"))
        conn.execute(text(f"ALTER TABLE {self.table} RENAME TO household"))
        for index in self.indexes:
            if index.key:
                conn.execute(text(f"ALTER TABLE household ADD CONSTRAINT {index.name} "
                                  f"{index.key} USING INDEX {index.temporary}"))
            else:
                conn.execute(text(f"ALTER INDEX {index.temporary} RENAME TO {index.name}"))
        for trigger in self.triggers:
            conn.execute(text(trigger))
        # A whole new registry: every kelurahan's coverage groups are stale (the insert
        # trigger did not watch the side table).
        conn.execute(text("INSERT INTO coverage_stale (kode_kelurahan) VALUES ('*') "
                          "ON CONFLICT DO NOTHING"))
        conn.execute(text(f"ALTER SEQUENCE {self.sequence} OWNED BY household.id"))
        for key in self.foreign_keys:
            conn.execute(text(f"ALTER TABLE {key.table} ADD CONSTRAINT {key.name} "
                              f"{key.definition}"))
        conn.execute(text("ANALYZE household"))

    def abandon(self) -> None:
        """Drop the side table after a failed load. Once the swap has begun, the import's
        transaction locks the side table and a session of our own would wait on it forever:
        that table is then left to ``drop_stale``."""
        self.loader.close()
        if self.swapping:
            return
        with self.loader.engine.connect() as cleaner:
            cleaner.execute(text(f"DROP TABLE IF EXISTS {self.table}"))
            cleaner.commit()


def _side_indexes(conn: Connection, table: str) -> list[SideIndex]:
    indexes = []
    for position, row in enumerate(conn.execute(OWN_INDEXES).all()):
        match = INDEX_DEFINITION.match(row.definition)
        if match is None or (row.constraint_type or "p") not in KEY_KIND:
            raise RuntimeError(f"Unexpected index on household: {row.definition}")
        temporary = f"{table}_{position}"
        definition = f"{match[1]} {temporary} ON {table} {match[3]}"
        indexes.append(SideIndex(row.name, temporary, definition,
                                 KEY_KIND.get(row.constraint_type or "")))
    return indexes


def _in_two_sessions(engine: Engine, first: list[str], second: list[str]) -> None:
    """Run two lists of statements at once, each in an autocommit session of its own."""
    failures: list[BaseException] = []

    def run(statements: list[str]) -> None:
        try:
            with engine.connect() as session:
                session = session.execution_options(isolation_level="AUTOCOMMIT")
                for statement in statements:
                    session.execute(text(statement))
        except BaseException as error:  # re-raised in the caller's thread
            failures.append(error)

    worker = threading.Thread(target=run, args=(first,))
    worker.start()
    run(second)
    worker.join()
    if failures:
        raise failures[0]


def drop_stale(conn: Connection) -> None:
    """Drop side tables left by imports whose transaction rolled back after the side table was
    committed. ``conn`` first takes a lock on ``household`` that conflicts with the EXCLUSIVE
    mode every side load holds: no side load is running while it has it. The drop belongs to
    ``conn``'s transaction: a session of its own could wait forever on a side table that
    ``conn`` itself has just renamed to ``household`` (two imports in one transaction)."""
    conn.execute(text("LOCK TABLE household IN ROW EXCLUSIVE MODE"))
    stale = conn.execute(text(
        "SELECT quote_ident(relname) FROM pg_class WHERE relkind = 'r' "
        "AND relnamespace = 'public'::regnamespace AND relname LIKE :pattern"),
        {"pattern": PREFIX.replace("_", r"\_") + "%"}).scalars().all()
    for table in stale:
        conn.execute(text(f"DROP TABLE {table}"))
