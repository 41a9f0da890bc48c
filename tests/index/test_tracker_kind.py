"""The embedded store reads tracker rows by kind through an index, which an index made without it gains at
its first write (the PostgreSQL half: tests/index/test_pg.py)."""

from __future__ import annotations

from pathlib import Path

from granska.index.store import LocalStore


def test_an_index_without_the_kind_index_gains_it_at_its_first_tracker_write(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "index")
    rows = {f"memo:p{i % 50}|{i:05d}": {f"memo:p{i % 50}": [{"i": i}]} for i in range(2000)}
    store.put_tracker(rows, code="c")
    conn = store._db.conn
    conn.execute("DROP INDEX tracker_kind")  # an index made before it
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'tracker_kind'").fetchall()
    older = LocalStore(tmp_path / "index")  # a new process: its first write runs the schema
    older.put_tracker({"memo:p7|x": {"memo:p7": [{"i": -1}]}}, code="c")
    conn = older._db.conn
    assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'tracker_kind'").fetchall()
    plan = " ".join(
        str(r[-1])
        for r in conn.execute("EXPLAIN QUERY PLAN SELECT key, rows FROM tracker WHERE kind = ? ORDER BY key", ("x",))
    )
    assert "tracker_kind" in plan and "TEMP B-TREE" not in plan  # read by the index, already in key order
    got = older._db.tracker("memo:p7")  # (the store reads rows only once it holds a document)
    assert [k for k, _ in got] == sorted(k for k in rows if k.startswith("memo:p7|")) + ["memo:p7|x"]
