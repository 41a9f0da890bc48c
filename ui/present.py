"""What the CLI and the API add to an answer's JSON for people, without changing any existing field:
`display` on every citation (its OCR-repaired text) and the passages in score order, best first."""

from __future__ import annotations

from typing import Any

from granska.qa import display

from granska.types import Document


def answer_json(obj: dict[str, Any], documents: dict[str, Document]) -> dict[str, Any]:
    """`obj` (an Answer's or Verdict's `as_dict()`) extended in place and returned."""
    cited = {c["doc"] for c in obj.get("citations", [])}
    damaged = {n: display.is_damaged(documents[n].text) for n in cited if n in documents}
    display.add_display(obj, damaged)
    if "passages" in obj:
        obj["passages"] = sorted(obj["passages"], key=lambda p: -float(p.get("score", 0.0)))
    return obj
