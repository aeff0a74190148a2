"""`make bench`: run every bench/bench_*.py and print one JSON line per figure.

Benchmarks run on a database of their own (bench_<name>, kept between runs so that
large data sets are built once) and never as part of the test suite.
"""

import importlib
import json
import os
import pkgutil
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
# Cached data (the category tree) describes the bench database: keep it apart from the tests',
# also when CACHE_KEY_PREFIX is exported for them (a tree cached by a test run made the bench's
# categories 404).
os.environ["CACHE_KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX", "tienda") + "-bench"


def main(selected: list[str]) -> int:
    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        print(json.dumps({"warning": "benchmarks are meant for PostgreSQL; set DATABASE_URL"}), file=sys.stderr)
    # Not setup_test_environment(): its instrumented template rendering (a signal and a
    # context copy per template) is test-harness work that a production server never does.
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Nor the suite's check of every stock figure a page shows against the database: a query on each
    # product page that production never makes (config.settings.test).
    settings.STOCK_SHOWN_VERIFY = False
    # A database of its own: the test suite recreates test_<name>, which would drop the data.
    connection.settings_dict["TEST"]["NAME"] = "bench_" + str(connection.settings_dict["NAME"]).rsplit("/", 1)[-1]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)

    import bench

    # The catalog bench first: it lays down the 50,000-product catalog that the others find and build on,
    # and on a fresh bench database it could not replace a smaller catalog that their orders already point at.
    names = sorted(
        (m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")),
        key=lambda name: (name != "bench_catalog", name),
    )
    for name in names:
        if selected and not any(s in name for s in selected):
            continue
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        for figure in module.run():
            print(json.dumps({"bench": name.removeprefix("bench_"), **figure}), flush=True)
        print(
            json.dumps(
                {
                    "bench": name.removeprefix("bench_"),
                    "name": "wall_time",
                    "value": round(time.perf_counter() - started, 2),
                    "unit": "s",
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
