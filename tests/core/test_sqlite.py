"""The embedded SQLite database takes concurrent writers without "database is locked"
(banzi/settings.py: IMMEDIATE transactions, WAL, a busy timeout)."""
import threading

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite settings only")

WRITERS = 20
WRITES = 5


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """A second alias on a database file (not the test database), with exactly the options the application
    runs with."""
    with django_db_blocker.unblock():
        yield from _file_database(tmp_path)


def _file_database(tmp_path):
    alias = "concurrency"
    connections.settings[alias] = {**connections.settings["default"], "NAME": str(tmp_path / "banzi.sqlite3"),
                                   "TEST": {}}
    connections.settings[alias]["OPTIONS"] = dict(settings.DATABASES["default"]["OPTIONS"])
    with connections[alias].cursor() as cursor:
        cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, writer INTEGER, seen INTEGER)")
    yield alias
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


def test_the_application_runs_sqlite_with_immediate_transactions_and_wal(file_database):
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 20
    with connections[file_database].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_twenty_writers_that_read_before_they_write_all_succeed(file_database):
    """Each writer reads, then writes, in one transaction, as every service does; on DEFERRED transactions
    two such writers deadlock and one fails at once with "database is locked"."""
    errors, start = [], threading.Barrier(WRITERS)

    def writer(number):
        try:
            start.wait()
            for _ in range(WRITES):
                with transaction.atomic(using=file_database), connections[file_database].cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM counter")
                    seen = cursor.fetchone()[0]
                    cursor.execute("INSERT INTO counter (writer, seen) VALUES (%s, %s)", [number, seen])
        except Exception as exc:  # noqa: BLE001  (every failure is what the test counts)
            errors.append(repr(exc))
        finally:
            connections[file_database].close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with connections[file_database].cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT seen) FROM counter")
        # Every write landed, and each saw the ones before it: the transactions ran one after another.
        assert cursor.fetchone() == (WRITERS * WRITES, WRITERS * WRITES)
