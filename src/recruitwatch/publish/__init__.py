"""Publishing without harm: exports of incidents and the public dashboard's figures.

    from recruitwatch.publish import export, public_breakdowns
    export(store, "incidents.geojson", fmt="geojson", per=("region",), actor="ana")   # public, counts >= 5
    export(store, "all.jsonl", fmt="jsonl", full=True, actor="admin")                 # everything: admins only
    public_breakdowns(store, filters, min_count=5)                                     # the dashboard's counts

The rules (what a public row may carry, how places and dates are generalised, which counts are
suppressed) live in :mod:`recruitwatch.publish.redact` and are described in docs/publishing.md.
"""

from __future__ import annotations

from recruitwatch.publish.dashboard import DASHBOARD_DIMENSIONS, public_breakdowns, stream_breakdowns
from recruitwatch.publish.export import DIMENSIONS, ExportResult, export
from recruitwatch.publish.redact import DEFAULT_MIN_COUNT, MIN_COUNT_ENV, min_count, public_place
from recruitwatch.publish.writers import FORMATS

__all__ = [
    "DASHBOARD_DIMENSIONS",
    "DEFAULT_MIN_COUNT",
    "DIMENSIONS",
    "FORMATS",
    "MIN_COUNT_ENV",
    "ExportResult",
    "export",
    "min_count",
    "public_breakdowns",
    "public_place",
    "stream_breakdowns",
]
