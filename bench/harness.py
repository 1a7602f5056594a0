"""What the benchmarks share: the throwaway database they run against (never the real
data), and the timing of pages.

On SQLite a file in a temporary folder (closer to a real install than the test runner's
in-memory database); with DATABASE_URL a `bench_<name>` database of its own, so it never
clobbers the test suite's `test_<name>`. Dropped at the end either way.
"""

import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@contextmanager
def throwaway_database() -> Iterator[None]:
    with tempfile.TemporaryDirectory(prefix="parcours-bench-") as scratch:
        os.environ["PARCOURS_VAR_DIR"] = scratch
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings")
        warnings.filterwarnings("ignore", message="No directory at")
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection

        # The test client's host. No setup_test_environment(): it instruments template
        # rendering for tests, which would add its own cost to every page measured.
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        if connection.vendor == "sqlite":
            connection.settings_dict["TEST"]["NAME"] = str(Path(scratch) / "bench.sqlite3")
        else:
            connection.settings_dict["TEST"]["NAME"] = f"bench_{connection.settings_dict['NAME']}"
        print(f"Database: {connection.vendor}, throwaway copy "
              f"{connection.creation._get_test_db_name()}")
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            yield
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def run_pages(seed, measures, args, *, width: int = 52) -> None:
    """Seed, refresh the statistics, then time each page and print p50/p95/max and the
    queries of one request. `measures(seeded, args)` yields (label, calls)."""
    started = time.perf_counter()
    seeded = seed(args)
    print(f"Seeded {seeded['counts']} in {time.perf_counter() - started:.1f} s")
    analyse()
    print()
    print(f"{'page':<{width}} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
          f"{'queries':>8}")
    for label, calls in measures(seeded, args):
        timings, queries = measure(calls)
        print(f"{label:<{width}} {len(timings):>8} {percentile(timings, 50):>8.1f} "
              f"{percentile(timings, 95):>8.1f} {max(timings):>8.1f} {queries:>8}")
    # Other work on the machine shows in the slowest requests: say how busy it was.
    print(f"Load average over the last minute: {os.getloadavg()[0]:.2f}")


def percentile(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def analyse() -> None:
    """Fresh statistics, as a database that has been running a while has."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(calls) -> tuple[list[float], int]:
    """Time each call (after a warm-up) and count the queries of one.

    Queries are counted with an execute wrapper: DEBUG is off, and the test client's
    request_started signal resets `connection.queries` anyway.
    """
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        check(calls[0]())
    timings = []
    for call in calls:
        started = time.perf_counter()
        response = call()
        timings.append((time.perf_counter() - started) * 1000)
        check(response)
    return timings, queries


def check(response) -> None:
    assert response.status_code == 200, response.status_code
