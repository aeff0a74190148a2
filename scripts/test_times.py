"""Where a test pass spent its time, by file: `python scripts/test_times.py REPORT.xml [N]`.

Reads the JUnit XML report pytest writes (`--junitxml`, each test's set-up, call and tear-down) and
prints the N files (25) that took longest, with their share of the pass and their number of tests,
then the total. `--durations` names the slowest tests; this finds the files whose many quick tests
add up, which is where a suite's time usually hides."""

import sys
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree


def file_times(report: Path) -> dict[str, tuple[float, int]]:
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for case in ElementTree.parse(report).iter("testcase"):
        # classname is the module's dotted path, then the class if any: the file is what has a test_ part.
        parts = case.get("classname", "").split(".")
        module = next((i for i, part in enumerate(parts) if part.startswith("test_")), len(parts) - 1)
        name = "/".join(parts[: module + 1]) + ".py"
        totals[name][0] += float(case.get("time") or 0)
        totals[name][1] += 1
    return {name: (seconds, int(count)) for name, (seconds, count) in totals.items()}


def main(argv: list[str]) -> int:
    if not argv or not Path(argv[0]).is_file():
        print("usage: python scripts/test_times.py REPORT.xml [N]", file=sys.stderr)
        return 2
    top = int(argv[1]) if len(argv) > 1 else 25
    times = file_times(Path(argv[0]))
    total = sum(seconds for seconds, _count in times.values()) or 1.0
    print(f"{'seconds':>8} {'share':>6} {'tests':>6}  file (time summed over the workers)")
    for name, (seconds, count) in sorted(times.items(), key=lambda item: -item[1][0])[:top]:
        print(f"{seconds:8.1f} {seconds / total:6.1%} {count:6d}  {name}")
    print(f"{total:8.1f} {1:6.0%} {sum(count for _s, count in times.values()):6d}  all {len(times)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
