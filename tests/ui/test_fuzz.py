"""A property-based fuzz run of the OpenAPI schema against a real server, at a small budget (≤ 60 s).
The long run (≥ 2,000 requests) is `python -m granska.eval.fuzz`; see docs/hostile.md."""

from __future__ import annotations

from granska.eval.fuzz import fuzz

from tests.ui.conftest import Server


def test_generated_requests_get_no_5xx_and_match_the_schema(hostile_server: Server):
    report = fuzz(hostile_server.url, examples=8, seconds=55)
    assert report.requests >= 60
    assert report.server_errors == 0 and report.violations == 0, report.failures
    assert {"POST /api/ask", "POST /api/documents", "DELETE /api/documents/{doc}"} <= report.by_operation.keys()
    # every operation is called, however slow the ones before it were: the time is shared out per operation
    assert report.operations and set(report.operations) == report.by_operation.keys()
