"""Load and fault test (not a test of the suite): simulated users against gunicorn + PostgreSQL.

    .venv/bin/python bench/load.py                      # 50 users of mixed roles for 60 s, then the fault run
    .venv/bin/python bench/load.py --no-fault           # the load run only
    .venv/bin/python bench/load.py --no-load --fault    # the fault run only (restarts PostgreSQL!)

It needs a PostgreSQL database holding the demo county (default
postgres://postgres@127.0.0.1:5432/banzi_load: `createdb banzi_load`, then `manage.py migrate` and
`manage.py load_demo` with that DATABASE_URL). It adds accounts named `load_*` for the simulated users
(cadres, township and county administrators; the demo password), starts gunicorn (2 workers, 127.0.0.1)
and drives it with threads and urllib: a fixed set of users, each signing in once, then reading pages and
writing (a cadre records their daily study; an administrator reads the home page, the cadre list, the
study totals, the task list) with a short random pause between requests.

The load run expects 0 errors and prints p50/p95 per kind of request. The fault run puts every cadre
account to writing, restarts PostgreSQL (`pg_ctlcluster 15 main restart`, or `--restart-command`) in the
middle, and checks that every request either succeeded or failed cleanly (a 5xx carrying the Chinese error
page, no traceback), that no record is half-written (the study records, their history rows and their
audit rows agree, one for one), and that the application, not restarted, serves again afterwards.
"""
import argparse
import datetime
import http.cookiejar
import json
import os
import random
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/banzi_load"
PASSWORD = "Banzi#2026"
ERROR_PAGE_TEXT = "系统出错了"  # the Chinese title of templates/errors/500.html
MATERIAL = "负载测试学习材料"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of the load run")
    parser.add_argument("--fault-duration", type=float, default=30.0, help="seconds of the fault run")
    parser.add_argument("--restart-at", type=float, default=10.0, help="seconds into the fault run")
    parser.add_argument("--restart-command", default="pg_ctlcluster 15 main restart")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-load", dest="load", action="store_false")
    parser.add_argument("--fault", dest="fault", action="store_true", default=True)
    parser.add_argument("--no-fault", dest="fault", action="store_false")
    parser.add_argument("--json", action="store_true", help="print the results as JSON on the last line")
    parser.add_argument("--django", choices=["prepare", "counts"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- the database side, in a child process with Django set up -----------------------------------------

def django_setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banzi.settings")
    import django

    django.setup()


def prepare_accounts(users):
    """Accounts for the simulated users: 60% cadres (each their own cadre record), 25% township administrators,
    15% county administrators. Existing `load_*` accounts are kept (the run can be repeated)."""
    django_setup()
    from django.db import transaction

    from banzi.accounts.models import User
    from banzi.core import clock
    from banzi.core.roles import Role
    from banzi.org.models import Cadre, Organization

    counts = {"cadre": round(users * 0.6), "township_admin": round(users * 0.25)}
    counts["county_admin"] = users - counts["cadre"] - counts["township_admin"]
    county_admin = User.objects.get(username="county_admin")
    townships = list(Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).order_by("id"))
    free_cadres = list(Cadre.objects.filter(user__isnull=True, organization__in=townships).order_by("id")
                       .values_list("id", flat=True)[: counts["cadre"]])
    template = User(username="x")
    template.set_password(PASSWORD)  # hashed once: hashing is slow on purpose
    accounts = []
    with transaction.atomic():
        for role, count in counts.items():
            for number in range(count):
                username = f"load_{role}_{number:02d}"
                fields = {"role": role, "password": template.password, "password_changed_at": clock.now(),
                          "is_demo": True, "is_active": True}
                if role == Role.CADRE:
                    fields["cadre_id"] = free_cadres[number]
                elif role == Role.TOWNSHIP_ADMIN:
                    fields["organization"] = townships[number % len(townships)]
                else:
                    fields["organization_id"] = county_admin.organization_id
                user, created = User.objects.get_or_create(username=username, defaults=fields)
                if not created:
                    User.objects.filter(pk=user.pk).update(password=template.password, is_active=True)
                accounts.append({"username": username, "role": role})
    print(json.dumps(accounts))


def record_counts():
    """The load accounts' study records, their creation history rows and their creation audit rows."""
    django_setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from banzi.core.models import AuditEvent
    from banzi.study.models import StudyRecord

    records = StudyRecord.objects.filter(cadre__user__username__startswith="load_", material=MATERIAL)
    ids = records.values("pk")
    history = StudyRecord.history.filter(id__in=ids, history_type="+")
    content_type = ContentType.objects.get_for_model(StudyRecord)
    audit = AuditEvent.objects.filter(content_type=content_type, action=AuditEvent.Action.CREATE,
                                      object_id__in=[str(pk) for pk in records.values_list("pk", flat=True)])
    duplicates = history.values("id").annotate(n=Count("history_id")).filter(n__gt=1).count()
    without_history = records.exclude(pk__in=history.values("id")).count()
    print(json.dumps({"records": records.count(), "history": history.count(), "audit": audit.count(),
                      "history_duplicates": duplicates, "records_without_history": without_history}))


def in_django(args, what):
    env = dict(os.environ, DATABASE_URL=args.database_url, BANZI_ENV="development", CONN_MAX_AGE="0")
    command = [sys.executable, __file__, "--django", what, "--users", str(args.users)]
    out = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- the app server -------------------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(args, port):
    env = dict(os.environ, DATABASE_URL=args.database_url, BANZI_ENV="development", BANZI_DEBUG="0",
               ALLOWED_HOSTS="127.0.0.1,localhost")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    log = open(Path(tempfile.gettempdir()) / f"banzi-load-gunicorn-{port}.log", "w")  # noqa: SIM115 (closed with the server)
    process = subprocess.Popen(
        [gunicorn, "banzi.wsgi", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10) as response:
                if response.status == 200:
                    return process, log
        except OSError:
            time.sleep(0.3)
    stop_gunicorn(process, log)
    raise SystemExit("gunicorn did not start: see " + log.name)


def stop_gunicorn(process, log):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


# --- the simulated users --------------------------------------------------------------------------------

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser: its own cookies, no redirects followed (a redirect is an answer to check)."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.headers, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode("utf-8", "replace")

    def post_form(self, path, data):
        """GET the form, then POST it with its CSRF token; a form page that fails is the answer (nothing posted)."""
        status, headers, body = self.request(path)
        match = CSRF_FIELD.search(body)
        if status != 200 or not match:
            return status if status != 200 else 599, headers, body
        return self.request(path, {"csrfmiddlewaretoken": match.group(1), **data})


class Outcome:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []  # (kind, seconds, status, clean, note)

    def add(self, kind, seconds, status, clean=True, note=""):
        with self.lock:
            self.rows.append((kind, seconds, status, clean, note))


def classify(status, headers, body, expect_redirect_to=None):
    """(ok, clean): ok for the expected answer; a failure is clean when it is a 5xx with the error page."""
    if status == 200 and expect_redirect_to is None:
        return True, True
    if status in (301, 302, 303) and expect_redirect_to is not None:
        location = headers.get("Location", "")
        return expect_redirect_to in location, expect_redirect_to in location
    if status >= 500:
        return False, ERROR_PAGE_TEXT in body and "Traceback" not in body
    return False, False


def timed(outcome, kind, call, expect_redirect_to=None):
    started = time.perf_counter()
    try:
        status, headers, body = call()
    except OSError as error:  # refused, reset, timed out: never a clean failure
        outcome.add(kind, time.perf_counter() - started, 0, False, repr(error))
        return False
    ok, clean = classify(status, headers, body, expect_redirect_to)
    outcome.add(kind, time.perf_counter() - started, status if ok else -status, clean,
                "" if ok else body[:200])
    return ok


def sign_in(client, username, outcome):
    return timed(outcome, "sign in", lambda: client.post_form("/accounts/login/", {
        "username": username, "password": PASSWORD}), expect_redirect_to="/")


READS = {
    "cadre": ["/", "/study/my/", "/tasks/tasks/", "/conduct/leave/"],
    "township_admin": ["/", "/org/cadres/", "/study/monthly-totals/", "/tasks/tasks/"],
    "county_admin": ["/", "/org/cadres/", "/study/monthly-totals/", "/tasks/tasks/"],
}


def write_study(client, rng, outcome):
    return timed(outcome, "write study record", lambda: client.post_form("/study/my/", {
        # A day of the past year: a day's minutes stay under the 24-hour total however often the run is repeated.
        "studied_on": (datetime.date.today() - datetime.timedelta(days=rng.randint(0, 364))).isoformat(), "minutes": str(rng.choice((20, 30, 40, 60))), "material": MATERIAL,
        "note": ""}), expect_redirect_to="/study/my/")


def simulated_user(base, account, clock, outcome, seed, *, think, write_share, start_gate, signed_in_first):
    rng = random.Random(seed)
    client = Client(base)
    if signed_in_first:  # the fault run: everyone is signed in and writing when the database goes away
        signed_in = sign_in(client, account["username"], Outcome())
        start_gate.wait()
    else:
        start_gate.wait()
        time.sleep(rng.uniform(0, think[1]))  # users arrive over the first seconds, not all at once
        signed_in = sign_in(client, account["username"], outcome)
    if not signed_in:
        return
    while time.monotonic() < clock["deadline"]:
        if account["role"] == "cadre" and rng.random() < write_share:
            write_study(client, rng, outcome)
        else:
            path = rng.choice(READS[account["role"]])
            timed(outcome, "read " + ("home page" if path == "/" else path), lambda p=path: client.request(p))
        time.sleep(rng.uniform(*think))


def drive(base, accounts, duration, seed, *, think, write_share, during=None, signed_in_first=False):
    outcome = Outcome()
    clock = {"deadline": time.monotonic() + 3600}
    gate = threading.Barrier(len(accounts) + 1)
    threads = [threading.Thread(target=simulated_user, args=(base, account, clock, outcome, seed * 1000 + n),
                                kwargs={"think": think, "write_share": write_share, "start_gate": gate,
                                        "signed_in_first": signed_in_first})
               for n, account in enumerate(accounts)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.monotonic()
    clock["deadline"] = started + duration
    if during:
        during(started)
    for thread in threads:
        thread.join()
    return outcome, time.monotonic() - started


def percentile(values, share):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(outcome, elapsed):
    kinds = {}
    for kind, seconds, status, _clean, _note in outcome.rows:
        kinds.setdefault(kind, []).append((seconds, status))
    rows = []
    for kind in sorted(kinds):
        times = [s for s, _status in kinds[kind]]
        errors = sum(1 for _s, status in kinds[kind] if status <= 0)
        rows.append({"what": kind, "requests": len(times), "errors": errors,
                     "p50_ms": round(1000 * statistics.median(times)), "p95_ms": round(1000 * percentile(times, 0.95))})
    times = [row[1] for row in outcome.rows]
    errors = sum(1 for row in outcome.rows if row[2] <= 0)
    rows.append({"what": "all", "requests": len(times), "errors": errors,
                 "p50_ms": round(1000 * statistics.median(times)) if times else 0,
                 "p95_ms": round(1000 * percentile(times, 0.95)), "req_per_s": round(len(times) / elapsed, 1)})
    return rows


def print_table(title, rows):
    print(f"\n{title}")
    print(f"  {'what':<32}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for row in rows:
        print(f"  {row['what']:<32}{row['requests']:>9}{row['errors']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}"
              + (f"   {row['req_per_s']} req/s" if "req_per_s" in row else ""))


def load_run(args, base, accounts):
    print(f"Load run: {len(accounts)} users for {args.duration:.0f} s against {base} "
          f"(gunicorn, {args.workers} workers) ...", flush=True)
    outcome, elapsed = drive(base, accounts, args.duration, args.seed, think=(0.5, 2.0), write_share=0.4)
    rows = summary(outcome, elapsed)
    print_table(f"Load run ({elapsed:.0f} s)", rows)
    for row in outcome.rows:
        if row[2] <= 0:
            print("  error:", row[0], row[2], row[4][:120])
    return {"rows": rows, "errors": rows[-1]["errors"]}


def fault_run(args, base, accounts):
    writers = [a for a in accounts if a["role"] == "cadre"]
    before = in_django(args, "counts")
    restart = {}

    def restart_database(started):
        def run():
            time.sleep(max(0.0, started + args.restart_at - time.monotonic()))
            restart["at"] = time.monotonic() - started
            result = subprocess.run(shlex.split(args.restart_command), capture_output=True, text=True)
            restart["took"] = time.monotonic() - started - restart["at"]
            restart["status"] = result.returncode
            restart["output"] = (result.stdout + result.stderr).strip()
        threading.Thread(target=run).start()

    print(f"\nFault run: {len(writers)} cadres writing for {args.fault_duration:.0f} s; "
          f"`{args.restart_command}` at {args.restart_at:.0f} s ...", flush=True)
    outcome, elapsed = drive(base, writers, args.fault_duration, args.seed + 1, think=(0.05, 0.3), write_share=1.0,
                             during=restart_database, signed_in_first=True)
    while "status" not in restart:
        time.sleep(0.2)
    rows = summary(outcome, elapsed)
    print_table(f"Fault run ({elapsed:.0f} s); PostgreSQL restarted at {restart['at']:.1f} s, "
                f"down for {restart['took']:.1f} s (exit status {restart['status']})", rows)
    failures = [row for row in outcome.rows if row[2] <= 0]
    unclean = [row for row in failures if not row[3]]
    for row in unclean[:10]:
        print("  unclean failure:", row[0], row[2], row[4][:160].replace("\n", " "))
    writes_ok = sum(1 for row in outcome.rows if row[0] == "write study record" and row[2] > 0)
    writes_failed = sum(1 for row in outcome.rows if row[0] == "write study record" and row[2] <= 0)

    # Recovery: the same server, not restarted, serves everyone again.
    time.sleep(2)
    recovery, recovery_elapsed = drive(base, accounts, 10, args.seed + 2, think=(0.2, 1.0), write_share=0.5)
    recovery_rows = summary(recovery, recovery_elapsed)
    print_table("Recovery (10 s, all users, same gunicorn)", recovery_rows)

    after = in_django(args, "counts")
    new = {key: after[key] - before[key] for key in ("records", "history", "audit")}
    recovered_writes = sum(1 for row in recovery.rows if row[0] == "write study record" and row[2] > 0)
    consistent = (new["records"] == new["history"] == new["audit"] and after["history_duplicates"] == 0
                  and after["records_without_history"] == 0)
    accounted = writes_ok + recovered_writes <= new["records"] <= writes_ok + writes_failed + recovered_writes
    print(f"\n  writes answered OK: {writes_ok} (+{recovered_writes} in recovery), failed: {writes_failed} "
          f"({len(failures) - len(unclean)} of {len(failures)} failures clean: 5xx with the error page)")
    print(f"  new study records {new['records']}, their creation history rows {new['history']}, "
          f"their creation audit rows {new['audit']}: {'consistent' if consistent else 'INCONSISTENT'}; "
          f"records {'within' if accounted else 'OUTSIDE'} [answered OK, OK + failed]")
    return {"rows": rows, "recovery": recovery_rows, "restart": restart, "new": new, "consistent": consistent,
            "accounted": accounted, "failures": len(failures), "unclean": len(unclean),
            "writes_ok": writes_ok, "writes_failed": writes_failed, "recovery_errors": recovery_rows[-1]["errors"]}


def main():
    args = parse_args()
    if args.django == "prepare":
        return prepare_accounts(args.users)
    if args.django == "counts":
        return record_counts()
    accounts = in_django(args, "prepare")
    port = args.port or free_port()
    process, log = start_gunicorn(args, port)
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        if args.load:
            results["load"] = load_run(args, base, accounts)
        if args.fault:
            results["fault"] = fault_run(args, base, accounts)
    finally:
        stop_gunicorn(process, log)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    failed = (results.get("load", {}).get("errors", 0)
              or results.get("fault", {}).get("unclean", 0)
              or not results.get("fault", {}).get("consistent", True)
              or results.get("fault", {}).get("recovery_errors", 0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
