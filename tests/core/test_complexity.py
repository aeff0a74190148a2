"""No function or method of the apps, the tests or the bench is above a cyclomatic complexity
of 20 (radon's measure): past that a reader can no longer hold its paths in mind, and it is
split into named steps. The demo store's data (demo/, catalog/demo/) and migrations are left out:
they are long lists of data, not decisions."""

import os
from pathlib import Path

from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 20
SKIPPED_DIRS = {".venv", "venv", "node_modules", "staticfiles", "media", "migrations", "__pycache__"}
SKIPPED_TREES = {Path("demo"), Path("catalog") / "demo"}


def python_files() -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder).relative_to(ROOT)
        dirs[:] = sorted(
            name
            for name in dirs
            if not name.startswith(".") and name not in SKIPPED_DIRS and here / name not in SKIPPED_TREES
        )
        found += [here / name for name in sorted(files) if name.endswith(".py")]
    return found


def functions(blocks):
    """Functions, methods and the functions nested in them (classes are judged by their methods)."""
    for block in blocks:
        if hasattr(block, "methods"):
            continue  # a class: its methods come as blocks of their own
        yield block
        yield from functions(block.closures)


def test_the_walk_sees_the_apps_and_the_tests_but_not_the_demo_data():
    files = {str(path) for path in python_files()}
    assert {"orders/services.py", "checkout/views.py", "tests/core/test_complexity.py"} <= files
    assert not any(name.startswith(("demo/", "catalog/demo/", ".venv/")) or "/migrations/" in name for name in files)


def test_no_function_is_above_complexity_20():
    too_complex = [
        f"{path}:{block.lineno} {block.fullname} ({block.complexity})"
        for path in python_files()
        for block in functions(cc_visit((ROOT / path).read_text(encoding="utf-8")))
        if block.complexity > LIMIT
    ]
    assert not too_complex, "Split into named steps (complexity above 20):\n" + "\n".join(too_complex)
