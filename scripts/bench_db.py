"""The start of a benchmark: Django set up on a throwaway test database.

SQLite: a file in a temporary folder (unless DATABASE_URL names another database). PostgreSQL:
Django's test database beside DATABASE_URL's (``test_<name>``), created afresh.
"""

import os
import shutil
import tempfile


def throwaway_database(prefix: str):
    """Set Django up on a new test database and say which, on what machine; returns the function
    that removes the database again."""
    workdir = tempfile.mkdtemp(prefix=prefix)
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, as in the test suite
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = f"{workdir}/bench_test.sqlite3"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    print(f"database: {connection.vendor}; machine: {os.cpu_count()} CPUs; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    def remove():
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)

    return remove
