"""Rewrite a PostgreSQL store's lexical rows with this code's analysis, from the word counts it already stores.

    python -m granska.index.pg_relex "postgresql://…?schema=S"

A schema written before the term-frequency classes (granska.index.pg_lexical.TF_CLASSES, session 23) holds one
plain lexeme per term: its searches still work, with the old draw (every term counted once). This rebuilds
`lex` (a new table filled by COPY, its GIN indexes built in bulk after the rows, then swapped in) and `df`
from `chunks.words` in one transaction under the writer lock, so a reader sees the old state or the new one,
never a mix. Readers of the schema wait for the swap's lock at its end (seconds); writers wait for the whole
rebuild (measured at 89k passages: docs/postgres.md, session 23).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from granska.index import bm25, pg_db
from granska.index import pg_lexical as lex
from granska.index.pg_write import tsvector_literal

BATCH = 2_000  # passages read per round trip from the server-side cursor

_BUILD = """CREATE TABLE lex_next (
  row bigint PRIMARY KEY, doc text NOT NULL, dl_char integer NOT NULL, dl_word integer NOT NULL,
  tsv_char tsvector NOT NULL, tsv_word tsvector NOT NULL
) WITH (toast_tuple_target = 128)"""
_SWAP = """SET LOCAL maintenance_work_mem = '256MB';
CREATE INDEX lex_next_char ON lex_next USING gin (tsv_char);
CREATE INDEX lex_next_word ON lex_next USING gin (tsv_word);
DROP TABLE lex;
ALTER TABLE lex_next RENAME TO lex;
ALTER INDEX lex_next_pkey RENAME TO lex_pkey;
ALTER INDEX lex_next_char RENAME TO lex_tsv_char;
ALTER INDEX lex_next_word RENAME TO lex_tsv_word;
TRUNCATE df;
INSERT INTO df (field, term, df)
SELECT f.field, x.term, count(*)::int FROM lex l
CROSS JOIN LATERAL (VALUES ('char', l.tsv_char), ('word', l.tsv_word)) f(field, tsv)
CROSS JOIN LATERAL unnest(tsvector_to_array(f.tsv)) x(term) GROUP BY f.field, x.term"""


def relex(url: str) -> dict[str, Any]:
    """Rebuild `lex` and `df` of the store at `url`; returns the passages rewritten and the seconds taken."""
    db = pg_db.Database(url)
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        db.ensure_current()
        with db.write() as conn:
            conn.execute("DROP TABLE IF EXISTS lex_next")
            conn.execute(_BUILD)
            done = 0
            with conn.cursor(name="granska_relex") as rows, conn.cursor() as out:
                rows.execute("SELECT l.row, l.doc, l.dl_char, l.dl_word, c.words FROM lex l JOIN chunks c USING (row)")
                while batch := rows.fetchmany(BATCH):  # one COPY per batch: a COPY holds the connection
                    with out.copy("COPY lex_next (row, doc, dl_char, dl_word, tsv_char, tsv_word) FROM STDIN") as copy:
                        for row, doc, dl_c, dl_w, words in batch:
                            terms = lex.passage_terms(bm25.decode(bytes(words)))
                            copy.write_row(
                                (row, doc, dl_c, dl_w, tsvector_literal(terms["char"]), tsvector_literal(terms["word"]))
                            )
                    done += len(batch)
            conn.execute(_SWAP)
            pg_db.bump(conn, "version")
    finally:
        db.close()
    return {"passages": done, "seconds": time.perf_counter() - t0, "client_cpu_s": time.process_time() - c0}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m granska.index.pg_relex", description=__doc__.split("\n")[0])
    parser.add_argument("url", help="The store: postgresql://…?schema=NAME")
    args = parser.parse_args(argv)
    print(json.dumps(relex(args.url)))


if __name__ == "__main__":
    main()
