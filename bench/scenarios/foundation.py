from bench.harness import Row, measure_view
from bench.scenarios import Context


def run(ctx: Context) -> list[Row]:
    common = {"section": "foundation", "scale": "reference data", "baseline_ms": ctx.baseline_ms}
    return [
        measure_view(ctx.client, "/", name="overview page (office)", **common),
        measure_view(ctx.client, "/roadmap/", name="roadmap: focus areas and challenges", **common),
    ]
