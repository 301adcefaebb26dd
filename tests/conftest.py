"""Shared fixtures: the pinned clock, two townships with records, and a user of every role."""
import contextlib
import datetime
import os
import sqlite3
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from banzi.core.roles import Role

from . import factories as f

# Every test runs at one pinned moment, never at the real date: by default PINNED_AT below, or the
# local time (Asia/Shanghai) given in BANZI_TEST_NOW, e.g. BANZI_TEST_NOW="2027-01-04 09:00" make test.
# The clock ticks from there, so durations still pass; each test starts again at the same moment.
LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
PINNED_AT = "2026-12-02 10:00"


def pinned_moment():
    text = os.environ.get("BANZI_TEST_NOW", "").strip() or PINNED_AT
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError as exc:
        raise pytest.UsageError(f"BANZI_TEST_NOW={text!r} is not a date and time like 2027-01-04 09:00") from exc
    return moment.replace(tzinfo=LOCAL) if moment.tzinfo is None else moment


_session_travel = None


def pytest_configure(config):
    """The session itself (migrations, module-scoped fixtures) runs at the pinned moment too."""
    global _session_travel
    _session_travel = time_machine.travel(pinned_moment(), tick=True)
    _session_travel.start()


def pytest_unconfigure(config):
    if _session_travel is not None:
        _session_travel.stop()


def pytest_report_header(config):
    return f"clock pinned at {pinned_moment().isoformat()} (BANZI_TEST_NOW)"


# --- the test database: migrated once per run -------------------------------------------------------
# Under pytest-xdist each worker used to create and migrate its own test database. Now the first worker
# to come migrates one template (under a file lock, in the run's shared temporary directory) and every
# worker copies it: on PostgreSQL `CREATE DATABASE test_x_gwN TEMPLATE test_x` (Django's clone); on
# SQLite the template is a file that each worker copies into its own in-memory database (the backup API).


@contextlib.contextmanager
def _file_lock(path):
    import fcntl

    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _migrate_template(connection, name):
    """Create and migrate the test database `name` on this connection, then let it go."""
    test = connection.settings_dict.setdefault("TEST", {})
    suffixed = test.get("NAME")
    test["NAME"] = name
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # one file, nothing left in a write-ahead log
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cursor.execute("PRAGMA journal_mode=DELETE")
    finally:
        test["NAME"] = suffixed
        connection.close()


def _use(connection, name):
    from django.conf import settings

    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _setup_from_template(connection, shared, worker):
    """This worker's test database, copied from the run's template (migrated by whichever worker came first)."""
    ready = shared / f"test-db-{connection.alias}.ready"
    if connection.vendor == "sqlite":
        template = shared / f"test-db-{connection.alias}.sqlite3"
        with _file_lock(shared / "test-db.lock"):
            if not ready.exists():
                _migrate_template(connection, str(template))
                ready.write_text(str(template))
        memory = f"file:memorydb_{connection.alias}_{worker}?mode=memory&cache=shared"
        keep = sqlite3.connect(memory, uri=True)  # holds the in-memory database until Django connects
        source = sqlite3.connect(template)
        try:
            source.backup(keep)
        finally:
            source.close()
        _use(connection, memory)
        connection.ensure_connection()
        keep.close()
        return
    suffixed = connection.settings_dict["TEST"]["NAME"]  # test_x_gwN (pytest-django's suffix)
    template = suffixed.removesuffix(f"_{worker}")
    with _file_lock(shared / "test-db.lock"):
        if not ready.exists():
            _migrate_template(connection, template)
            ready.write_text(template)
        _use(connection, template)
        connection.creation.clone_test_db(suffix=worker, verbosity=0, keepdb=False)
    _use(connection, suffixed)
    connection.ensure_connection()


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_use_migrations,
                    django_db_keepdb, django_db_createdb, django_db_modify_db_settings, tmp_path_factory):
    """pytest-django's test databases, except that the workers of one run share one migration."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    connection = connections["default"]
    shared_template = (worker and django_db_use_migrations and not django_db_keepdb
                       and connection.vendor in ("sqlite", "postgresql") and len(connections.settings) == 1)
    if not shared_template:
        if not django_db_use_migrations:
            from pytest_django.fixtures import _disable_migrations

            _disable_migrations()
        with django_db_blocker.unblock():
            config = setup_databases(verbosity=request.config.option.verbose, interactive=False,
                                     keepdb=django_db_keepdb and not django_db_createdb)
        yield
        if not django_db_keepdb:
            with django_db_blocker.unblock():
                teardown_databases(config, verbosity=request.config.option.verbose)
        return
    original = connection.settings_dict["NAME"]
    shared = tmp_path_factory.getbasetemp().parent  # the run's directory, above each worker's own
    with django_db_blocker.unblock():
        _setup_from_template(connection, shared, worker)
    yield
    with django_db_blocker.unblock():
        connection.creation.destroy_test_db(original, verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _flush_lifts_the_audit_guard():
    """The database refuses to delete audit events (core.audit_chain's triggers); the flush that
    empties every table after a transactional test (browser tests) lifts that guard and puts it back."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from banzi.core import audit_chain

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        audit_chain.remove_guard(self.connection)
        try:
            original(self, sql_list)
        finally:
            audit_chain.install_guard(self.connection)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original


@pytest.fixture(autouse=True)
def travel():
    """The pinned clock of this test: `travel.move_to(moment)` or `travel.shift(timedelta)` moves it."""
    with time_machine.travel(pinned_moment(), tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests log in many users; the production hasher's deliberate slowness only costs time here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _jobs_run_immediately(settings):
    """Background jobs (banzi/jobs) run inside the request that starts them, so a test sees their outcome
    at once; tests/jobs runs the real database queue and its worker where that is the point."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _figures_computed_every_time(settings):
    """The home page computes its figures on every request, so that a test sees each change and counts
    the figures' own queries; tests/dashboard/test_home_cache.py tests the keeping of them."""
    settings.BANZI_FIGURES_SECONDS = 0


@pytest.fixture
def figures_kept(settings):
    """What the home page and the lists' filters keep while nothing is written, kept for 60 s (the
    default), in an empty cache: for the tests of that keeping."""
    from django.core.cache import caches

    from banzi.core import metrics

    settings.BANZI_FIGURES_SECONDS = 60
    caches[metrics.CACHE].clear()
    yield
    caches[metrics.CACHE].clear()


@pytest.fixture(autouse=True)
def english(request, settings):
    """Tests read messages in English, so they check what is said, not the catalog's wording.
    Tests marked `zh` run with the Chinese default that users get (and the browser asks for Chinese)."""
    language = "zh-hans" if request.node.get_closest_marker("zh") else "en"
    settings.LANGUAGE_CODE = language
    with translation.override(language):
        yield


@pytest.fixture
def county(db):
    return f.CountyFactory()


@pytest.fixture
def township(county):
    return f.TownshipFactory(name="新城镇", parent=county)


@pytest.fixture
def other_township(county):
    return f.TownshipFactory(name="赵康镇", parent=county)


@pytest.fixture
def county_admin(county):
    return f.UserFactory(username="county", role=Role.COUNTY_ADMIN)


@pytest.fixture
def township_admin(township):
    return f.UserFactory(username="township", role=Role.TOWNSHIP_ADMIN, organization=township)


@pytest.fixture
def other_township_admin(other_township):
    return f.UserFactory(username="other", role=Role.TOWNSHIP_ADMIN, organization=other_township)


@pytest.fixture
def auditor(county):
    return f.UserFactory(username="auditor", role=Role.AUDITOR)


@pytest.fixture
def system_admin(county):
    return f.UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN)


@pytest.fixture
def security_admin(county):
    return f.UserFactory(username="secadmin", role=Role.SECURITY_ADMIN)


@pytest.fixture
def cadre_user(township):
    cadre = f.CadreFactory(organization=township, name="李四")
    return f.UserFactory(username="cadre", role=Role.CADRE, cadre=cadre)


def _client(user):
    """A signed-in client; for a role that needs the second factor, with a verified session (an enrolled
    authenticator, as after typing its code)."""
    from .second_factor import sign_in

    return sign_in(Client(), user)


@pytest.fixture
def county_client(county_admin):
    return _client(county_admin)


@pytest.fixture
def township_client(township_admin):
    return _client(township_admin)


@pytest.fixture
def auditor_client(auditor):
    return _client(auditor)


@pytest.fixture
def system_admin_client(system_admin):
    return _client(system_admin)


@pytest.fixture
def security_admin_client(security_admin):
    return _client(security_admin)


@pytest.fixture
def cadre_client(cadre_user):
    return _client(cadre_user)


@pytest.fixture
def client_for():
    return _client


@pytest.fixture
def no_second_factor(settings):
    """For tests of other sign-in rules (passwords, tokens, limits): no role needs the second factor, which
    tests/accounts/test_second_factor.py proves on its own."""
    settings.BANZI_SECOND_FACTOR_ROLES = []
