"""The PostgreSQL side of the shared store: schema, connections, and the typed queries PgStore runs.

Every table lives in one schema (default `granska`, or `?schema=NAME` in the URL), so one database can hold
several corpora. Connections come from a small pool (psycopg 3); readers run in autocommit, every write is
one transaction that first takes a transaction-level advisory lock: one writer at a time across all
servers, and a writer killed mid-way leaves nothing (PostgreSQL rolls the transaction back).
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from granska.errors import GranskaError
from granska.types import Chunk, Document

CONNECT_TIMEOUT_S = 10
LOCK_POLL_S = 0.25  # a process waiting for a worker lock another holds tries again this often
POOL_MAX = 8  # connections per process: a server's request threads share them
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
CHUNK_COLS = 'row, chunk_id, doc, doc_sha256, start, "end", page, text'

# The outlines table (part of SCHEMA, which every process's first write runs: a schema made before outlines
# were stored gains it then).
OUTLINES = (
    "CREATE TABLE IF NOT EXISTS outlines "
    "(name text PRIMARY KEY, sha256 text NOT NULL, code text NOT NULL, outline text NOT NULL)"
)

# Per passage, each field's distinct analysed terms as a GIN-indexed tsvector (the full-text candidate
# generator), with what a candidate's score needs (its field lengths, its document). A table of its own, its
# tsvectors always out of line (toast_tuple_target = 128): a GIN probe visits one heap row per posting, and
# here that row is ~100 bytes (the whole table stays in the server's buffers) instead of the passage's ~1 KB
# row beside its text (measured at 89k passages: docs/postgres.md, session 22).
LEX_INDEXES = """CREATE INDEX IF NOT EXISTS lex_tsv_char ON lex USING gin (tsv_char);
CREATE INDEX IF NOT EXISTS lex_tsv_word ON lex USING gin (tsv_word)"""
# Its tsvectors are stored as they are (STORAGE EXTERNAL): the server's attempt to compress each one (~9 KB
# of distinct lexemes) failed anyway, and cost 0.1 ms of server CPU per passage (session 26: the same bytes on
# disk). ANALYZE leaves them out (STATISTICS 0): its lexeme statistics cost 0.28 ms of server CPU per sampled
# row (~8 s per autovacuum ANALYZE of 30,000 rows, one per 10 % of growth during a load), and the draw never
# reads them: its statements run as generic plans, whose tsquery is a parameter (pg_lexical, Database.snapshot).
# Set once per schema (a schema made by older code gains both at its next first write: no rows are rewritten).
LEX = f"""CREATE TABLE IF NOT EXISTS lex (
  row bigint PRIMARY KEY, doc text NOT NULL, dl_char integer NOT NULL, dl_word integer NOT NULL,
  tsv_char tsvector NOT NULL, tsv_word tsvector NOT NULL
) WITH (toast_tuple_target = 128);
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'lex'::regclass AND attname IN ('tsv_char', 'tsv_word')
             AND (attstorage <> 'e' OR attstattarget IS DISTINCT FROM 0)) THEN
    ALTER TABLE lex ALTER tsv_char SET STORAGE EXTERNAL, ALTER tsv_word SET STORAGE EXTERNAL,
      ALTER tsv_char SET STATISTICS 0, ALTER tsv_word SET STATISTICS 0;
  END IF;
END $$;
{LEX_INDEXES}"""

INDEXED = "SELECT to_regclass('lex_tsv_char') IS NOT NULL AND to_regclass('lex_tsv_word') IS NOT NULL"

# A schema made before `lex` (session 21 and older) kept the tsvectors in `chunks`: moved over once, by the
# first process that writes or searches it (under the writer lock), the GIN indexes built after the rows (a
# bulk build, far faster than inserting into them row by row).
MOVE_LEX = f"""SET LOCAL maintenance_work_mem = '256MB';
DROP INDEX IF EXISTS lex_tsv_char; DROP INDEX IF EXISTS lex_tsv_word;
INSERT INTO lex SELECT row, doc, dl_char, dl_word, tsv_char, tsv_word FROM chunks;
{LEX_INDEXES};
ALTER TABLE chunks DROP COLUMN tsv_char, DROP COLUMN tsv_word"""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
  name text PRIMARY KEY, sha256 text NOT NULL, text text NOT NULL, page_starts text, meta text NOT NULL,
  chunks integer NOT NULL, vectors boolean NOT NULL DEFAULT false, origin text
);
CREATE SEQUENCE IF NOT EXISTS chunk_rows;
-- Per passage: its text, field lengths and folded word counts (for the exact BM25 of a shortlist).
CREATE TABLE IF NOT EXISTS chunks (
  row bigint PRIMARY KEY, chunk_id text NOT NULL, doc text NOT NULL, doc_sha256 text NOT NULL,
  start integer NOT NULL, "end" integer NOT NULL, page integer, text text NOT NULL,
  dl_char integer NOT NULL, dl_word integer NOT NULL, words bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc, start);
{LEX};
-- Corpus statistics every server shares: passages holding each term, and total field lengths.
CREATE TABLE IF NOT EXISTS df (field text NOT NULL, term text NOT NULL, df integer NOT NULL, PRIMARY KEY (field, term));
CREATE TABLE IF NOT EXISTS stats (
  id integer PRIMARY KEY CHECK (id = 1), n bigint NOT NULL, total_char bigint NOT NULL, total_word bigint NOT NULL
);
INSERT INTO stats VALUES (1, 0, 0, 0) ON CONFLICT DO NOTHING;
-- Per document: its outline (granska.index.outlines), by the outline code `code`, of the text of version sha256.
{OUTLINES};
CREATE TABLE IF NOT EXISTS tracker (key text NOT NULL, kind text NOT NULL, rows text NOT NULL, PRIMARY KEY (key, kind));
-- Rows are read by kind (`tracker(kind)`: one municipality's memo rows, the journal): without this every such
-- read scanned the whole table (the primary key leads with `key`). A schema made before it gains it at its
-- first write (this script runs then, under the writer lock).
CREATE INDEX IF NOT EXISTS tracker_kind ON tracker (kind, key COLLATE "C");
"""


class StoreURLError(GranskaError):
    """A GRANSKA_STORE / --store URL that cannot be used."""


def split_url(url: str) -> tuple[str, str]:
    """(libpq connection URL, schema) from a store URL: `schema` is ours, everything else goes to libpq."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), "granska")
    if not _SCHEMA_NAME.match(schema):
        raise StoreURLError(f"store {url!r}: schema must be lowercase letters, digits and _ (got {schema!r})")
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment)), schema


class Database:
    """A connection pool to one schema of one PostgreSQL database."""

    def __init__(self, url: str) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool, PoolTimeout

        conninfo, self.schema = split_url(url)
        self.url = url
        self._conninfo = conninfo
        try:  # one direct attempt first: a wrong address fails at once, with libpq's reason
            psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT_S).close()
        except psycopg.Error as exc:
            reason = " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__
            raise StoreURLError(f"store {safe_url(url)}: cannot connect to PostgreSQL ({reason})") from None
        self._created = False  # the schema's tables exist (seen or made)
        self._ensured = False  # this process ran SCHEMA (idempotent) under the writer lock
        self._current = False  # the schema has this code's tables (checked or made by this process)
        self._indexed_at: int | None = None  # the store version at which the GIN indexes were last seen
        self.pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=POOL_MAX,
            kwargs={"autocommit": True, "options": f"-c search_path={self.schema},public"},
            open=False,
        )
        try:
            self.pool.open(wait=True, timeout=30)
        except PoolTimeout as exc:
            raise StoreURLError(f"store {safe_url(url)}: cannot connect to PostgreSQL ({exc})") from None

    @contextlib.contextmanager
    def read(self) -> Iterator[Any]:
        """A connection in autocommit: each statement sees the last committed state."""
        with self.pool.connection() as conn:
            yield conn

    @contextlib.contextmanager
    def snapshot(self, *, seqscan: bool = True) -> Iterator[Any]:
        """Several reads that see one committed state (a read-only repeatable-read transaction). Its BEGIN and
        settings go in one round trip (a query makes few statements: each costs a wait on a remote server).
        seqscan=False (the lexical search): index probes only, and a prepared statement keeps its one generic
        plan (the candidate probes' shapes are few: granska.index.pg_lexical.SHAPES)."""
        with self.pool.connection() as conn:
            # No parallel workers: a query of the store reads a few thousand rows, and starting two workers
            # cost more than it saved (measured: 82 GIN probes, 12 ms of work per worker, 69 ms with them).
            setting = "; SET LOCAL max_parallel_workers_per_gather = 0" + (
                "" if seqscan else "; SET LOCAL enable_seqscan = off; SET LOCAL plan_cache_mode = force_generic_plan"
            )
            conn.execute(f"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY{setting}")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def write(self) -> Iterator[Any]:
        """One transaction under the store's writer lock (held until commit or rollback)."""
        self.create()
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"granska:{self.schema}",))
            yield conn

    @contextlib.contextmanager
    def session_lock(self, name: str, *, wait: bool = True) -> Iterator[bool]:
        """A lock named `name` in this schema, held by one process at a time on every machine using the
        database: a session-level advisory lock (`pg_try_advisory_lock`, tried every LOCK_POLL_S while `wait`) on
        a connection of its own, kept open while it is held, so a process that dies (or loses the server) lets
        it go with its connection. Yields True when held, False when not (only with wait=False)."""
        import psycopg

        key = f"granska-lock:{name}:{self.schema}"  # another key than the writer's transaction lock
        # keepalives: a connection lost without a word (a machine gone) releases the lock within ~a minute
        with psycopg.connect(
            self._conninfo,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_S,
            keepalives=1,
            keepalives_idle=20,
            keepalives_interval=5,
            keepalives_count=4,
        ) as conn:
            while not (held := _try_lock(conn, key)):
                if not wait:
                    break
                time.sleep(LOCK_POLL_S)
            try:
                yield held
            finally:
                if held and not conn.closed:
                    with contextlib.suppress(psycopg.Error):  # a lost connection released it already
                        conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))

    def create(self) -> None:
        """The schema and every table, once per process (CREATE … IF NOT EXISTS: a schema made by older code
        gains the tables added since)."""
        if self._ensured:
            return
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"granska:{self.schema}",))
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            conn.execute(SCHEMA)
            if _has_column(conn, self.schema, "chunks", "tsv_char"):
                conn.execute(MOVE_LEX)
        self._created = self._ensured = True
        self._current = True

    def ensure_current(self, version: int | None = None) -> None:
        """Bring a schema made by older code up to this code's tables, once per process (a server that only
        reads must still find `lex`): the check is one statement, the upgrade runs under the writer lock. With
        the store's `version`: also build the GIN indexes a bulk load left out (pg_write), checked once per
        version (a catalogue read per commit seen, not per search)."""
        if self._current and (version is None or version == self._indexed_at):
            return
        with self.read() as conn:
            old = False
            if not self._current:
                old = conn.execute("SELECT to_regclass('lex')").fetchone()[0] is None
                old = old or _has_column(conn, self.schema, "chunks", "tsv_char")
            indexed = old or conn.execute(INDEXED).fetchone()[0]
        if old:
            self.create()  # not yet run by this process: it sets both flags together
        if not indexed:
            self.build_indexes()
        self._current = True
        self._indexed_at = version

    def build_indexes(self) -> float:
        """Build the GIN indexes a bulk load left out (under the writer lock: between two batches of a load
        still running, which then writes into them); returns the seconds it took (0 when they were there)."""
        t0 = time.perf_counter()
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"granska:{self.schema}",))
            got = conn.execute(INDEXED).fetchone()
            if got is not None and got[0]:
                return 0.0
            conn.execute(f"SET LOCAL maintenance_work_mem = '256MB'; {LEX_INDEXES}")
        return time.perf_counter() - t0

    def has_tables(self) -> bool:
        """True once the schema exists (remembered: tables are never dropped while a server runs)."""
        if not self._created:
            with self.read() as conn:
                got = conn.execute("SELECT to_regclass(%s)", (f"{self.schema}.meta",)).fetchone()
            self._created = got is not None and got[0] is not None
        return self._created

    def close(self) -> None:
        self.pool.close()


def _try_lock(conn: Any, key: str) -> bool:
    got = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()
    return bool(got is not None and got[0])


def _has_column(conn: Any, schema: str, table: str, column: str) -> bool:
    got = conn.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = %s AND table_name = %s AND column_name = %s",
        (schema, table, column),
    ).fetchone()
    return got is not None


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, "", ""))


# --- row conversions (shared by the store's reads) ------------------------------------------------
def meta_json(d: Document) -> str:
    return json.dumps({k: v for k, v in d.meta.as_dict().items() if k != "year"}, ensure_ascii=False)


def chunk(row: Sequence[Any]) -> tuple[int, Chunk]:
    return int(row[0]), Chunk(*row[1:])


def get(conn: Any, key: str) -> str | None:
    got = conn.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone()
    return None if got is None else str(got[0])


def put(conn: Any, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        (key, value),
    )


def bump(conn: Any, key: str, *, notify: bool = True) -> None:
    """Add one to a counter in meta (in the caller's transaction), and tell listening servers which one
    (NOTIFY on the schema's channel, delivered when the transaction commits, not at all if it rolls back)."""
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (%s, '1') "
        "ON CONFLICT (key) DO UPDATE SET value = (meta.value::bigint + 1)::text",
        (key,),
    )
    if notify:
        conn.execute("SELECT pg_notify('granska_' || current_schema(), %s)", (key,))


def channel(schema: str) -> str:
    """The NOTIFY channel of a schema's changes (what bump() sends on)."""
    return f"granska_{schema}"


def get_outline(conn: Any, name: str, code: str, sha256: str | None) -> tuple[str, str] | None:
    """(sha256, outline JSON) stored for `name` by `code`: of that version, or of the current one (None)."""
    if sha256 is not None:
        sql = "SELECT sha256, outline FROM outlines WHERE name = %s AND code = %s AND sha256 = %s"
        got = conn.execute(sql, (name, code, sha256)).fetchone()
    else:
        got = conn.execute(
            "SELECT o.sha256, o.outline FROM outlines o JOIN docs d ON d.name = o.name AND d.sha256 = o.sha256 "
            "WHERE o.name = %s AND o.code = %s",
            (name, code),
        ).fetchone()
    return None if got is None else (str(got[0]), str(got[1]))


def put_outline(conn: Any, name: str, sha256: str, code: str, outline: str) -> None:
    conn.execute(
        "INSERT INTO outlines (name, sha256, code, outline) VALUES (%s, %s, %s, %s) ON CONFLICT (name) "
        "DO UPDATE SET sha256 = EXCLUDED.sha256, code = EXCLUDED.code, outline = EXCLUDED.outline",
        (name, sha256, code, outline),
    )
