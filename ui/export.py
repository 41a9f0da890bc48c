"""Export any table, and any answer with its citations, as CSV, XLSX (openpyxl) and Markdown.

Exports carry what a reader needs to check a quote: the shown (repaired) text, and for every cited span
its document, page, offsets and the exact original text.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

from granska.ui.messages import Lang, msg

from granska.types import Span

FORMATS = ("csv", "xlsx", "md")


def flatten(rows: list[dict[str, Any]], cols: list[str], lang: Lang) -> tuple[list[str], list[list[Any]]]:
    """Header and plain rows: each column with a span gains doc/page/start/end/original-text columns."""
    span_cols = [c for c in cols if any(c in r.get("_spans", {}) for r in rows)]
    header = [msg(c, lang) for c in cols]
    for c in span_cols:
        name = msg(c, lang)
        header += [f"{name}: {msg('col_doc', lang)}", f"{name}: {msg('col_page', lang)}", f"{name}: start",
                   f"{name}: end", f"{name}: {msg('col_text', lang)} (original)"]  # fmt: skip
    out = []
    for r in rows:
        line = [r.get(c, "") for c in cols]
        for c in span_cols:
            s: Span | None = r.get("_spans", {}).get(c)
            line += [s.doc, s.page, s.start, s.end, s.text] if s else ["", "", "", "", ""]
        out.append(line)
    return header, out


def write(header: list[str], rows: list[list[Any]], stem: str, *, folder: Path | None = None) -> list[Path]:
    """The same table as .csv (UTF-8 with BOM, so spreadsheet programs read å/ä/ö), .xlsx and .md."""
    folder = folder or Path(tempfile.mkdtemp(prefix="granska-export-"))
    paths = [folder / f"{stem}.{ext}" for ext in FORMATS]
    with paths[0].open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    write_xlsx(header, rows, paths[1])
    paths[2].write_text(markdown(header, rows), encoding="utf-8")
    return paths


def write_xlsx(header: list[str], rows: list[list[Any]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(["" if v is None else v for v in r])
    for i, name in enumerate(header, 1):
        width = max([len(str(name)), *(len(str(r[i - 1] or "")) for r in rows)])
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(max(10, width), 80)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    wb.save(path)


def markdown(header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        return " ".join(str("" if v is None else v).split()).replace("|", "\\|")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def answer_rows(
    question: str, answer: str, citations: list[dict[str, Any]], lang: Lang
) -> tuple[list[str], list[list[Any]]]:
    """An answer and its citations as one table: the answer on the first row, one row per citation."""
    header = [msg(k, lang) for k in ("col_question", "col_answer", "col_n", "col_doc", "col_page")]
    header += ["start", "end", msg("col_text", lang), f"{msg('col_text', lang)} (original)"]
    rows: list[list[Any]] = [[question, answer, "", "", "", "", "", "", ""]]
    for i, c in enumerate(citations, 1):
        rows.append(["", "", i, c["doc"], c["page"], c["start"], c["end"], c.get("display", c["text"]), c["text"]])
    return header, rows
