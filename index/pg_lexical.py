"""Lexical search in PostgreSQL with the embedded store's ranking: the same analysed terms, the same exact BM25.

Each passage stores its folded word counts (granska.index.bm25) and, per field, its distinct analysed terms
(folded char 3-5-grams, Swedish stems: granska.index.lexical.analysed) as a GIN-indexed tsvector in the narrow
`lex` table (granska.index.pg_db.LEX: a posting's heap visit reads a ~100-byte row, not the passage's). A query

1. reads each query term's passage count from the shared `df` table (kept in the writer's transaction);
2. generates candidates with PostgreSQL full-text search: a passage scores the BM25 of every one of the
   query's most selective terms it holds, at the term frequency its lexeme's class says (TF_CLASSES: one GIN
   lookup per term and class), the best POOL per field are kept;
3. rescores the candidates with the exact Lucene BM25 (k1 1.5, b 0.75) the embedded store uses, from their
   stored word counts and the shared corpus statistics, and returns each field's top k by that score.

Step 2 only has to put the true top passages in the pool; step 3 decides their order, exactly as the
embedded store decides the order of Tantivy's candidates.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import compress
from typing import Any

import numpy as np
from granska.index import bm25
from granska.index.lexical import FIELDS, analysed

POOL = 60  # candidates per field before exact rescoring (docs/postgres.md, session 23: recall at scale)
# ... and when the budget (below) left probes out: a draw of fewer terms orders its candidates more coarsely, and
# a wider pool lets the exact rescoring repair that order, at the client's cost per candidate, not the server's
# per posting (docs/postgres.md, session 33: at 413k passages 0.78 of the exact top 20 with 60, 0.89 with 150).
WIDE_POOL = 150
SELECTIVE = 96  # at most this many of the query's rarest terms generate candidates, per field
COMMON = 0.25  # terms in more than this share of passages do not generate candidates (unless too few remain)
MIN_TERMS = 8  # ... but at least this many of the rarest terms are considered
# Postings per field the candidate probes may read. Each costs a heap visit (the passage's row id and length:
# GIN has no index-only scans) and a hash-aggregate entry, ~0.6 us in `lex` (docs/postgres.md, sessions 21-22 and
# 33), and a question's selective terms hold about 4 postings per passage, so unbounded the probes grow with the
# corpus. Session 22's budget let the MIN_TERMS rarest terms through whatever they held, which at 413k passages
# was 165k postings a search on average (577k at most; 90-126 ms of server CPU). Now the budget binds: it grows
# with the square root of the corpus (GROWTH), never below POSTINGS, so that a larger corpus, whose terms each hold
# more postings, still draws by enough of them to hold the exact top 20 (docs/postgres.md, session 33: the same or
# a larger share than before at 22k, 89k and 413k passages). It is at least SELECTIVE x COMMON x 406 (9,744), so
# on SweQUAD-MC dev's 406 passages no question reaches it: the pool there is as before.
POSTINGS = 10_000
GROWTH = 62  # postings per square root of the corpus's passages: 40k at 413k passages
MAX_TERM = 200  # longer "terms" (runs of digits, broken OCR) are not indexed in the tsvector
# A passage's term frequency, coarsely, in its lexeme: a term held once is the lexeme `term`, twice `term^2`, 3-4
# times `term^3`, 5 times or more `term^5`, and the draw scores each class at that frequency (analysed terms are
# [a-z0-9#]: no term holds the separator). GIN keeps no frequencies, and a draw that counts every term once held
# 48 % of the exact top 20 at 14k passages, with these classes 79 % for the same postings (docs/postgres.md,
# session 23): each class is its own probe, so a term's postings are split between its classes, not read twice.
# df counts lexemes; a term's passage count is its classes' sum. A schema written before the classes holds only
# `term`: its draw is the old one until `python -m granska.index.pg_relex URL` rewrites it.
TF_CLASSES = (1, 2, 3, 5)
SEP = "^"
_COL = {"char": "tsv_char", "word": "tsv_word"}
# A query's probes are padded to one of these counts with a lexeme no passage holds (longer than MAX_TERM), so
# a few statement shapes serve every question: each is prepared once per connection and planned once (a
# generic plan), where planning ~80 one-term branches took 10-24 ms per question (measured, docs/postgres.md).
SHAPES = (8, 16, 32, 64, SELECTIVE, 2 * SELECTIVE, 3 * SELECTIVE, len(TF_CLASSES) * SELECTIVE)
_NOTHING = "~" * (MAX_TERM + 1)


def passage_terms(counts: dict[str, int]) -> dict[str, list[str]]:
    """Each field's lexemes for one passage, from its folded word counts (what the tsvector holds): every
    distinct term once, suffixed by its frequency class (see TF_CLASSES)."""
    return passage_analysis(counts)[0]


def passage_analysis(counts: dict[str, int]) -> tuple[dict[str, list[str]], tuple[int, int]]:
    """(each field's lexemes, sorted: the server then finds them in a tsvector's order and skips its own sort,
    measured at 0.5 ms of server CPU per passage; the char and word lengths bm25.lengths gives): one analysis of the passage for both, since a field's length is its token count (an
    empty field counts one placeholder token)."""
    fields = analysed(counts)
    out: dict[str, list[str]] = {}
    lengths: list[int] = []
    for f in FIELDS:
        tokens = fields[f].split()
        lengths.append(max(len(tokens), 1))
        tf = Counter(tokens)
        # Most terms are held once (their lexeme is the term): the repeated ones are picked out in C
        # (compress over a map of the counts) and only they get a class. A Python loop over the ~1,100 terms
        # of a passage was most of an ingest's client CPU (sessions 25 and 26).
        repeated = list(compress(list(tf), map((1).__lt__, tf.values())))
        classed = [class_lexeme(t, tf.pop(t)) for t in repeated]
        lexemes = [*tf, *classed]
        if tokens and max(map(len, lexemes)) > MAX_TERM:
            lexemes = [t for t in lexemes if len(term_of(t)[0]) <= MAX_TERM]
        out[f] = sorted(lexemes)
    return out, (lengths[0], lengths[1])


# The class of each frequency up to the highest class's (every higher frequency is in the highest class).
_CLASS_OF = tuple(max(k for k in TF_CLASSES if k <= n) for n in range(TF_CLASSES[-1] + 1) if n)


def tf_class(tf: int) -> int:
    """The frequency class a passage's lexeme records for a term it holds `tf` times."""
    return _CLASS_OF[min(max(tf, 1), TF_CLASSES[-1]) - 1]


def class_lexeme(term: str, tf: int) -> str:
    """The lexeme of `term` held `tf` times (the class-1 lexeme is the term itself, as before the classes)."""
    k = tf_class(tf)
    return term if k == 1 else f"{term}{SEP}{k}"


def term_of(lexeme: str) -> tuple[str, int]:
    """(term, class) of a stored lexeme."""
    term, _, k = lexeme.rpartition(SEP)
    return (term, int(k)) if term and k.isdigit() else (lexeme, 1)


def lexeme(term: str) -> str:
    """A term as a quoted tsquery / tsvector lexeme (taken as is: no parsing, no lower-casing, no stopwords)."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


Stats = tuple[int, int, int]  # passages, total char length, total word length
Classes = dict[str, dict[str, dict[int, int]]]  # per field, per query term: passages holding it, per class


def corpus(conn: Any, terms: dict[str, list[str]]) -> tuple[Stats, dict[str, dict[str, int]]]:
    """(passages, total char length, total word length) and each query term's passage count per field (0 for
    unknown terms), from the shared stats and df tables in one statement."""
    stats, classes = corpus_classes(conn, terms)
    return stats, passage_counts(classes)


def passage_counts(classes: Classes) -> dict[str, dict[str, int]]:
    """Each term's passage count: the sum over its frequency classes (a passage holds one class of a term)."""
    return {f: {t: sum(by.values()) for t, by in classes[f].items()} for f in classes}


def corpus_classes(conn: Any, terms: dict[str, list[str]]) -> tuple[Stats, Classes]:
    """The corpus statistics and each query term's passage count per frequency class (what the draw probes)."""
    out: Classes = {f: {t: {} for t in set(terms.get(f, []))} for f in FIELDS}
    asked = [(f, class_lexeme(t, k), t, k) for f in FIELDS for t in out[f] for k in TF_CLASSES]
    cur = conn.execute(
        "SELECT NULL::text, NULL::text, n, total_char, total_word FROM stats UNION ALL "
        "SELECT d.field, d.term, d.df, 0, 0 FROM df d JOIN unnest(%s::text[], %s::text[]) q(field, term) "
        "ON d.field = q.field AND d.term = q.term",
        ([a[0] for a in asked], [a[1] for a in asked]),
    )
    stats = (0, 0, 0)
    for f, lexeme_, n, total_c, total_w in cur:
        if f is None:
            stats = (int(n), int(total_c), int(total_w))
        else:
            t, k = term_of(lexeme_)
            out[f][t][k] = int(n)
    return stats, out


def budget(n: int) -> int:
    """Postings per field the candidate probes may read in a corpus of `n` passages (see GROWTH)."""
    return max(POSTINGS, round(GROWTH * math.sqrt(max(n, 0))))


Drawn = tuple[list[tuple[str, float]], dict[str, dict[int, int]], bool]


def drawn(dfs: dict[str, int], classes: dict[str, dict[int, int]], n: int) -> Drawn:
    """What generates one field's candidates: (term, idf) of the drawing terms, the classes each one probes with
    their passage counts (what `candidates` takes), and whether the budget left probes out.

    The terms are the query's rarest known ones, common ones left out (SELECTIVE, COMMON, MIN_TERMS). When all
    their probes fit the budget, all are drawn (every small corpus: as before the budget). Otherwise the probes
    (a term's frequency class) with the highest BM25 weight per posting they read go first, each one that still
    fits, the best one always: the classes a common term's passages hold it in twice or more are short lists
    of high weight and often fit where its single-occurrence list does not (a cap per term that the classes make
    possible), and a rare term's lists always do."""
    known = sorted((df, t) for t, df in dfs.items() if df > 0 and len(t) <= MAX_TERM)
    keep = [(df, t) for df, t in known if df <= COMMON * n]
    if len(keep) < MIN_TERMS:
        keep = known[:MIN_TERMS]
    idf = {t: bm25.idf(df, n) for df, t in keep[:SELECTIVE]}
    probes = [(t, k, c) for t in idf for k, c in sorted(classes.get(t, {}).items()) if c > 0]
    limit = budget(n)
    chosen: list[tuple[str, int, int]] = []
    if sum(c for _, _, c in probes) > limit:
        # weight of a class at the average length, per posting: idf * tf / (tf + k1), over its passage count
        probes.sort(key=lambda p: (-idf[p[0]] * p[1] / (p[1] + bm25.K1) / p[2], p[2], p[0], p[1]))
        spent = 0
        for t, k, c in probes:
            if not chosen or spent + c <= limit:
                chosen.append((t, k, c))
                spent += c
        cut = True
    else:
        chosen, cut = probes, False
    out: dict[str, dict[int, int]] = {}
    for t, k, c in chosen:
        out.setdefault(t, {})[k] = c
    return [(t, idf[t]) for t in idf if t in out], out, cut


def candidates(
    field: str,
    weighted: list[tuple[str, float]],
    docs: Sequence[str] | None,
    *,
    avgdl: float,
    pool: int = POOL,
    classes: dict[str, dict[int, int]] | None = None,
) -> tuple[str, list[Any]] | None:
    """(SQL, parameters) of the pool passages with the highest BM25 over these terms at the term frequency of
    each lexeme's class (TF_CLASSES; a passage's exact frequencies are not in the index, its length is):
    full-text search, one GIN probe per term and class that some passage holds (`classes`: the terms' passage
    counts per class; None probes the plain lexeme only). None when there is nothing to look for.

    One branch per probe, each with its own constant tsquery: the planner then reads each lexeme's posting
    list from the GIN index (a join against an array of terms is planned as a scan of every tsvector instead)."""
    if not weighted or pool <= 0:
        return None
    probes = _padded(
        [
            (class_lexeme(term, k), idf, float(k))
            for term, idf in weighted
            for k in TF_CLASSES
            if (k == 1 if classes is None else classes.get(term, {}).get(k, 0) > 0)
        ]
    )
    col = _COL[field]
    where = "" if docs is None else " AND doc = ANY(%s::text[])"
    dl = f"dl_{field}"
    # idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)), tf the class's: at tf 1 the same operations as before.
    # Every constant is a float8: a bare 0.75 is a numeric, and `0.75 * dl` was then a numeric product and a cast
    # per posting (the same values: 0.75 * dl is exact in both; docs/postgres.md, session 33).
    norm = f"(%s::float8 + {bm25.K1}::float8 * ({1 - bm25.B}::float8 + {bm25.B}::float8 * {dl} / %s::float8))"
    branch = f"SELECT row, %s::float8 / {norm} AS w FROM lex WHERE {col} @@ %s::tsquery{where}"
    sql = f"SELECT row FROM ({' UNION ALL '.join([branch] * len(probes))}) x GROUP BY row ORDER BY round(sum(w) * 1e9) DESC, row LIMIT %s"
    # (rounded to 1e-9: the sum's last bits depend on the order the plan adds the branches in; ties go by row.
    # In float8, not numeric: the cast of every candidate's sum to numeric was a third of the server's CPU per
    # search at 90k passages, 57 -> 38 ms, the same pools: docs/postgres.md, session 22)
    params: list[Any] = []
    for lex_, idf, tf in probes:
        params.extend((idf * tf, tf, max(avgdl, 1e-9), lexeme(lex_)))
        if docs is not None:
            params.append(list(docs))
    params.append(pool)
    return sql, params


def _padded(probes: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """The probes, padded with weightless probes of a lexeme no passage holds up to the next of SHAPES."""
    size = next((n for n in SHAPES if n >= len(probes)), len(probes))
    return probes + [(_NOTHING, 0.0, 1.0)] * (size - len(probes))


def stored(
    conn: Any, pools: list[tuple[str, list[Any]] | None], also: Sequence[int]
) -> dict[int, tuple[int, int, bytes]]:
    """(char length, word length, encoded word counts) by row of the live passages in any of the candidate
    pools or in `also`: one statement (each pool a subquery), one round trip to the server."""
    parts = [(f"({sql})", params) for sql, params in (p for p in pools if p is not None)]
    if also:
        parts.append(("(SELECT unnest(%s::bigint[]))", [[int(r) for r in also]]))
    if not parts:
        return {}
    union = " UNION ".join(sql for sql, _ in parts)
    cur = conn.execute(
        f"SELECT row, dl_char, dl_word, words FROM chunks WHERE row IN ({union})",
        [x for _, params in parts for x in params],
        prepare=True,  # one of a few shapes (SHAPES): planned once per connection
    )
    return {int(r): (int(c), int(w), bytes(b)) for r, c, w, b in cur}


def shortlist(
    rows: list[int], scores: dict[str, np.ndarray], k: int, also: Sequence[int]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Each field's top k rows by exact score, plus `also` (the dense neighbours), in row order."""
    keep = {int(r) for r in also}
    for f in FIELDS:
        s = scores[f]
        if len(s):
            top = np.argsort(-s, kind="stable")[:k]
            keep.update(rows[i] for i in top if s[i] > 0)
    at = {r: i for i, r in enumerate(rows)}
    out = sorted(r for r in keep if r in at)
    idx = np.array([at[r] for r in out], dtype=np.int64)
    return np.array(out, dtype=np.int64), {f: scores[f][idx] for f in FIELDS}
