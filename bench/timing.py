import statistics
import time
from collections.abc import Callable


def measure(
    fn: Callable[[], object], *, repeat: int, warmup: int = 3, before: Callable[[], object] | None = None
) -> dict[str, float]:
    """Run fn repeatedly; return p50/p95/mean in milliseconds and the rate per second. `before`
    runs ahead of each call, untimed (a write whose cost on the next page is what is measured)."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return summary(samples)


def summary(samples: list[float]) -> dict[str, float]:
    """p50/p95/mean in milliseconds and the rate per second of timings in milliseconds."""
    samples = sorted(samples)
    repeat = len(samples)
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 3),
        "mean_ms": round(statistics.fmean(samples), 3),
        "per_second": round(1000 / statistics.fmean(samples), 1),
        "n": repeat,
    }


def figures(prefix: str, stats: dict[str, float]) -> list[dict]:
    units = {"p50_ms": "ms", "p95_ms": "ms", "mean_ms": "ms", "per_second": "1/s", "n": "count"}
    return [{"name": f"{prefix}.{key}", "value": value, "unit": units[key]} for key, value in stats.items()]
