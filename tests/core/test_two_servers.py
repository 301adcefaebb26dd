"""Two app servers on one PostgreSQL database (the README says the application keeps no state of its own):
a session signed in on one is used on the other, failed sign-ins spread over both lock the account, and an
import previewed on one is confirmed on the other.

Two gunicorn processes serve the test database (pytest-django's, committed data: `transaction=True`); the
test speaks HTTP to them with one cookie jar, as a browser behind a load balancer would."""
import datetime
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from banzi.accounts import lockout
from banzi.core.models import ImportJob
from banzi.core.roles import Role
from banzi.org.models import Cadre
from tests import factories as f
from tests.org.test_imports import cadre_row, xlsx

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two app servers share a PostgreSQL database; "
                                                                  "SQLite is the one-server embedded setup"),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Two-servers#2026"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def servers(tmp_path):
    """Two gunicorn processes (one worker each) on the test database; their base URLs. One test uses them for
    everything: the flush after a transactional test creates the content types again under new ids, which a
    running server would still hold in its cache."""
    env = dict(os.environ, DATABASE_URL=database_url(), BANZI_ENV="development", BANZI_DEBUG="0", CONN_MAX_AGE="0",
               ALLOWED_HOSTS="127.0.0.1",
               # Each import job runs inside the request that starts it: what must cross servers here is the
               # kept upload (ImportJob); the queue's worker is tested in tests/jobs.
               BANZI_TASKS_BACKEND="immediate")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    started = []
    try:
        for _ in range(2):
            port = free_port()
            log = open(tmp_path / f"gunicorn-{port}.log", "w")  # noqa: SIM115 (closed below)
            process = subprocess.Popen([gunicorn, "banzi.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                                        "--timeout", "60"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            started.append((process, log, f"http://127.0.0.1:{port}"))
        deadline = time.monotonic() + 25
        for process, log, base in started:
            while True:
                try:
                    with urllib.request.urlopen(base + "/accounts/login/", timeout=5):
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.flush()
                        pytest.fail(f"gunicorn at {base} did not start:\n" + Path(log.name).read_text())
                    time.sleep(0.2)
        yield [base for _process, _log, base in started]
    finally:
        for process, log, _base in started:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One browser (one cookie jar) that may reach either server."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect)

    def open(self, url, data=None, headers=None):
        request = urllib.request.Request(url, data=data, headers={"Referer": url, **(headers or {})})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def token(self, url):
        status, _headers, body = self.open(url)
        assert status == 200, (url, status)
        return CSRF.search(body).group(1)

    def post(self, url, fields, token_from=None):
        fields = {"csrfmiddlewaretoken": self.token(token_from or url), **fields}
        return self.open(url, urllib.parse.urlencode(fields).encode())

    def post_file(self, url, fields, name, content, token_from=None):
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in {"csrfmiddlewaretoken": self.token(token_from or url), **fields}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.open(url, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def sign_in(self, base, username, password):
        return self.post(base + "/accounts/login/", {"username": username, "password": password})


def with_server_password(user):
    """A password the servers can check: theirs is the production hasher list, not the tests' fast MD5 (the
    PBKDF2 iterations are in the hash, so a small count keeps the test fast)."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


def test_sign_in_lockout_and_import_work_across_two_servers(servers, township_admin, township):
    session_moves_between_servers(servers, with_server_password(township_admin))
    import_moves_between_servers(servers, with_server_password(township_admin), township)
    failures_add_up_over_servers(servers, with_server_password(
        f.UserFactory(username="locked", role=Role.TOWNSHIP_ADMIN, organization=township)))


def session_moves_between_servers(servers, user):
    first, second = servers
    browser = Browser()
    status, headers, _body = browser.sign_in(first, user.username, PASSWORD)
    assert status == 302 and not headers["Location"].startswith("/accounts/login")

    status, _headers, body = browser.open(second + "/org/cadres/")
    assert status == 200
    assert user.username in body  # the page of the signed-in user, not the sign-in form
    # Signing out on the second ends the session on the first too.
    browser.post(second + "/accounts/logout/", {}, token_from=second + "/org/cadres/")
    status, headers, _body = browser.open(first + "/org/cadres/")
    assert status == 302 and headers["Location"].startswith("/accounts/login")


def failures_add_up_over_servers(servers, user):
    first, second = servers
    failures = lockout.max_failures()
    for attempt in range(failures):
        status, _headers, _body = Browser().sign_in(servers[attempt % 2], user.username, "wrong password")
        assert status == 200  # the form again, with its error
    assert lockout.is_locked(user.username)

    # The right password, on either server, no longer signs in.
    for base in (first, second):
        status, _headers, _body = Browser().sign_in(base, user.username, PASSWORD)
        assert status == 200
    user.refresh_from_db()
    assert user.last_login is None


def import_moves_between_servers(servers, user, township):
    first, second = servers
    browser = Browser()
    assert browser.sign_in(first, user.username, PASSWORD)[0] == 302
    file = xlsx([cadre_row("张三", datetime.date(1986, 5, 4), township.name, seq=3),
                 cadre_row("李四", datetime.date(1990, 8, 9), township.name, seq=5, gender="女")])

    status, _headers, body = browser.post_file(first + "/org/cadres/import/", {}, file.name, file.read())
    assert status == 200, body[:500]
    job = ImportJob.objects.get(user=user)
    assert job.status == ImportJob.Status.PENDING
    assert f'name="job" value="{job.pk}"' in body
    assert not Cadre.objects.exists()  # the preview saved nothing

    status, headers, _body = browser.post(second + "/org/cadres/import/", {"job": job.pk},
                                          token_from=second + "/org/cadres/import/")
    assert status == 302 and headers["Location"].startswith("/org/cadres/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert sorted(Cadre.objects.values_list("name", flat=True)) == ["张三", "李四"]
    assert Cadre.history.filter(history_type="+").count() == 2
    # Nothing is left to confirm twice: the first server refuses the same job again, and nothing is added.
    browser.post(first + "/org/cadres/import/", {"job": job.pk}, token_from=first + "/org/cadres/import/")
    assert Cadre.objects.count() == 2
