"""What each middleware costs a request, counted in instructions (valgrind's callgrind), not timed.

Seconds on a shared two-core machine move by more than one middleware costs (two identical runs of the bare
view in one process: 0.29 and 0.48 ms); an instruction count is the same from one run to the next, whatever
else the machine runs. `bench/middleware_requests.py` requests the store's bare view (every middleware, no
page; production settings, a first visit) under callgrind with the whole stack, with each middleware left out
and with none. Figures: `bare_view.all.instructions` per request, `bare_view.without.<Middleware>.instructions`
and `.share` (what leaving it out saves, of the whole), `bare_view.none.instructions`.

Read with care: callgrind counts no time spent in the kernel (random draws, sockets) and runs hashing on the
CPU's generic path (no SHA extensions under valgrind), so a middleware that signs or hashes (the device
cookie, CSRF, the ETag) counts for more than it costs. `BENCH_MIDDLEWARE_REQUESTS` (100) requests a chain."""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_throughput import server_env

REQUESTS = int(os.environ.get("BENCH_MIDDLEWARE_REQUESTS", "100"))


def _counts(folder: Path) -> dict[str, int]:
    """{label: instructions} of each chain, from the dumps written at its requests' end."""
    counts = {}
    for dump in folder.glob("callgrind.out.*"):
        text = dump.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: dump end:(\S+)", text, re.M)
        if trigger:
            counts[trigger.group(1)] = int(re.search(r"^summary: (\d+)", text, re.M).group(1))
    return counts


def run():
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={folder}/callgrind.out",
                sys.executable,
                "-m",
                "bench.middleware_requests",
                str(REQUESTS),
            ],
            env={**server_env(), "PYTHONHASHSEED": "0"},
            check=True,
            capture_output=True,
        )
        counts = {label: total / REQUESTS for label, total in _counts(Path(folder)).items()}
    whole = counts.pop("all")
    yield {"name": "bare_view.all.instructions", "value": round(whole), "unit": "count"}
    yield {"name": "bare_view.all_again.instructions", "value": round(counts.pop("all_again")), "unit": "count"}
    yield {"name": "bare_view.none.instructions", "value": round(counts.pop("none")), "unit": "count"}
    for label, without in sorted(counts.items(), key=lambda item: item[1]):
        yield {"name": f"bare_view.without.{label}.instructions", "value": round(without), "unit": "count"}
        yield {
            "name": f"bare_view.without.{label}.share",
            "value": round((whole - without) / whole, 3),
            "unit": "ratio",
        }
