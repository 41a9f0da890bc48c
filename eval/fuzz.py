"""Property-based fuzzing of the JSON API from its own OpenAPI schema (schemathesis), against a live server.

    python -m granska.eval.fuzz [--url http://127.0.0.1:7860] [--examples 150]

Without --url it starts `granska serve` on a fresh index (built from the bundled corpus) on a free port.
Every operation is called with valid (positive) and invalid (negative) generated requests; each response is
checked: no 5xx, status code and content type documented, body matching the documented schema. Exits 1 on any
failure. The test suite runs the same function at a small budget (tests/ui/test_fuzz.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from granska.eval.serving import local_server


@dataclass(slots=True)
class FuzzReport:
    requests: int = 0
    server_errors: int = 0
    violations: int = 0
    by_operation: dict[str, int] = field(default_factory=dict)
    operations: list[str] = field(default_factory=list)  # every operation of the schema that was fuzzed
    failures: list[str] = field(default_factory=list)  # first few, one line each

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "server_errors": self.server_errors,
            "schema_violations": self.violations,
            "by_operation": self.by_operation,
            "operations": self.operations,
            "failures": self.failures[:20],
        }


def fuzz(
    url: str,
    *,
    examples: int,
    seconds: float | None = None,
    skip: frozenset[str] = frozenset(),
    at_least: int = 1,
) -> FuzzReport:
    """Generate `examples` positive and `examples` negative cases per operation; stop early after `seconds`.

    The time is shared out, not first come first served: each operation and mode gets an equal share of what
    is left (time a fast one leaves goes to the next), and at least `at_least` cases whatever the clock says,
    so a slow operation early in the schema (an upload under load) never leaves a later one (DELETE) untried."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    report = FuzzReport()
    end = time.monotonic() + seconds if seconds else float("inf")
    ops = [r.ok() for r in schema.get_all_operations()]  # type: ignore[union-attr]  # our own schema: all resolve
    report.operations = [label for op in ops if (label := f"{op.method.upper()} {op.path}") not in skip]
    slots = 2 * len(report.operations)  # (operation, mode) pairs still to run
    for op in ops:
        label = f"{op.method.upper()} {op.path}"
        if label in skip:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            now = time.monotonic()
            deadline = now + (end - now) / slots  # this pair's share of the time left
            slots -= 1
            tried = [0]  # cases run for this pair

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=op.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:  # called at once below, so label, mode and deadline are this loop's
                if tried[0] >= at_least and time.monotonic() > deadline:  # noqa: B023
                    return
                tried[0] += 1  # noqa: B023
                report.requests += 1
                report.by_operation[label] = report.by_operation.get(label, 0) + 1  # noqa: B023
                response = case.call(base_url=url, timeout=60)
                if response.status_code >= 500:
                    report.server_errors += 1
                try:
                    case.validate_response(response, checks=checks)
                except Exception as exc:  # noqa: BLE001 - every failed check is counted and named, not raised
                    report.violations += 1
                    first = (str(exc).strip().splitlines() or [""])[0]
                    report.failures.append(f"{label} [{mode.value}] {response.status_code}: {first[:200]}")  # noqa: B023

            try:
                run()
            except Unsatisfiable:
                pass  # e.g. no invalid request exists for an operation without parameters
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server; default: start one on a fresh index")
    parser.add_argument("--examples", type=int, default=150, help="generated cases per operation and mode")
    args = parser.parse_args(argv)
    proc = None
    url = args.url
    if url is None:
        proc, url = local_server(Path(tempfile.mkdtemp(prefix="granska-fuzz-")) / "index")
    try:
        t0 = time.perf_counter()
        report = fuzz(url.rstrip("/"), examples=args.examples)
        out = {**report.as_dict(), "seconds": round(time.perf_counter() - t0, 1), "examples": args.examples}
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0 if report.server_errors == 0 and report.violations == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
