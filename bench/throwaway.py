"""The throwaway database every benchmark runs against: never the real data.

On SQLite a file in a temporary folder (closer to a real install than the test runner's
in-memory database); with DATABASE_URL a `bench_<name>` database of its own, so it never
clobbers the test suite's `test_<name>`. Dropped at the end either way.
"""

import os
import sys
import tempfile
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
