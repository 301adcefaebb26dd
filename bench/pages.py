"""Benchmark (not a test): the county home page and the cadre list under gunicorn, against a trivial page.

    .venv/bin/python bench/pages.py --townships 150          # SQLite file in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/banzi_bench .venv/bin/python bench/pages.py --townships 150

Builds a scratch database (a SQLite file in the temporary directory, or on PostgreSQL the database named in
DATABASE_URL with "_pages" appended, dropped and created again), fills it with `manage.py generate_scale
--townships N`, starts gunicorn (2 workers, 127.0.0.1) on it, signs in as the county administrator and sends
a fixed number of requests from a few threads (urllib) to each page:

- the trivial signed-in page: /accounts/password/, the password form every signed-in user has. It has the
  site's layout, navigation, notifications, session and sign-in checks, and no business query: what every
  page pays before its own work;
- the county home page / and the cadre list /org/cadres/, as the county administrator.

The home page keeps its figures per user while nothing is written (banzi/core/metrics.py, BANZI_FIGURES_SECONDS):
the repeated requests of one user measure that. A second gunicorn, started with BANZI_FIGURES_SECONDS=0, measures
the home page computing every figure on every request (what the first request after a write costs): its rows
carry no throughput target, and its one-request time is held to the same 300 ms.

It prints req/s and the ratio to the trivial page (throughput: higher is better; the issue's targets are
≥ 0.3 for the home page, ≥ 0.5 for the cadre list) and the home page's time per request (target < 300 ms).
"""
import argparse
import hashlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
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
TRIVIAL = "/accounts/password/"
PAGES = [
    ("home page / (county_admin)", "/", 0.3),
    ("cadre list /org/cadres/ (county_admin)", "/org/cadres/", 0.5),
]
HOME_LIMIT_S = 0.3
USERNAME, PASSWORD = "scale_county_admin", "Banzi#2026"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--townships", type=int, default=13)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    parser.add_argument("--budget", type=float, default=120.0,
                        help="seconds a page may take: no new request is sent after them (at least --threads are)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--json", action="store_true")
    return parser.parse_args(argv)


# --- the scratch database ---------------------------------------------------------------------------------

def manage(env, *args, quiet=True):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL if quiet else None)


def migrations_key():
    digest = hashlib.sha1()
    for path in sorted(ROOT.glob("banzi/*/migrations/*.py")):
        digest.update(f"{path.relative_to(ROOT)}:{path.stat().st_size}".encode())
    return digest.hexdigest()[:12]


def scratch_database(args):
    """(DATABASE_URL, backend, cleanup) of a new database holding a synthetic province of N townships."""
    configured = os.environ.get("DATABASE_URL", "")
    base_env = dict(os.environ, BANZI_ENV="development", CONN_MAX_AGE="0")
    if configured.startswith(("postgres://", "postgresql://")):
        url = configured.rstrip("/") + "_pages"
        name = urllib.parse.urlparse(url).path.lstrip("/")
        server = urllib.parse.urlparse(configured)._replace(path="/postgres").geturl()
        env = dict(base_env, DATABASE_URL=server)
        drop = ["-c", "from django.db import connection; c = connection.cursor(); "
                      f"c.execute('DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)')"]
        manage(env, "shell", *drop)
        manage(env, "shell", "-c", f"from django.db import connection; connection.cursor().execute('CREATE DATABASE \"{name}\"')")
        env["DATABASE_URL"] = url
        manage(env, "migrate")
        backend = "postgresql"

        def cleanup():
            manage(dict(env, DATABASE_URL=server), "shell", *drop)
    else:
        # Migrating SQLite takes long: one migrated copy per set of migrations is kept and copied.
        template = Path(tempfile.gettempdir()) / f"banzi-bench-migrated-{migrations_key()}.sqlite3"
        if not template.exists():
            partial = template.with_suffix(".partial")
            manage(dict(base_env, DATABASE_URL=f"sqlite:///{partial}"), "migrate")
            partial.rename(template)
        directory = Path(tempfile.mkdtemp(prefix="banzi-pages-"))
        path = directory / "bench.sqlite3"
        shutil.copy(template, path)
        url, backend = f"sqlite:///{path}", "sqlite"

        def cleanup():
            shutil.rmtree(directory, ignore_errors=True)
    started = time.monotonic()
    manage(dict(base_env, DATABASE_URL=url), "generate_scale", "--townships", str(args.townships),
           "--seed", str(args.seed))
    print(f"  generate_scale --townships {args.townships}: {time.monotonic() - started:.0f} s", file=sys.stderr)
    return url, backend, cleanup


# --- gunicorn and the load generator ------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url, workers, **extra_env):
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, BANZI_ENV="development", BANZI_DEBUG="0",
               ALLOWED_HOSTS="127.0.0.1,localhost", **extra_env)
    log = open(Path(tempfile.gettempdir()) / f"banzi-pages-gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "banzi.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "300"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/accounts/login/", timeout=10):
                return process, log, base
        except OSError:
            time.sleep(0.3)
    stop(process, log)
    raise SystemExit(f"gunicorn did not start: see {log.name}")


def stop(process, log):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def signed_in_opener(base):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/accounts/login/", timeout=60) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD}).encode()
    request = urllib.request.Request(base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"})
    # The answer is a redirect to the home page, which is measured later: not followed here.
    signing_in = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    try:
        signing_in.open(request, timeout=60).close()
        raise SystemExit("could not sign in as " + USERNAME)  # the form again: refused
    except urllib.error.HTTPError as answer:
        if answer.code != 302 or answer.headers.get("Location", "").startswith("/accounts/login"):
            raise SystemExit(f"could not sign in as {USERNAME}: {answer.code}") from None
    return opener


def measure(opener, url, requests, threads, budget=None):
    """(req/s, mean seconds a request) for a fixed number of requests from `threads` clients; past `budget`
    seconds no new request is sent (a very slow page is measured on fewer)."""
    remaining, lock, times, errors = [requests], threading.Lock(), [], []
    stop_at = time.perf_counter() + budget if budget else None

    def client():
        while True:
            with lock:
                if remaining[0] <= 0 or (stop_at and time.perf_counter() > stop_at and len(times) >= threads):
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                with opener.open(url, timeout=300) as response:
                    response.read()
                    if response.status != 200 or response.geturl() != url:
                        errors.append(response.status)
            except (OSError, urllib.error.HTTPError) as error:
                errors.append(repr(error))
            with lock:
                times.append(time.perf_counter() - started)

    started = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{url}: {len(errors)} errors, e.g. {errors[0]}")
    return len(times) / elapsed, sum(times) / len(times)


def alone(opener, base, args, what, backend):
    """The home page's time for one request alone (one client: no queueing behind the others)."""
    _rate, seconds = measure(opener, base + "/", min(args.requests, 8), 1, args.budget)
    return {"what": f"{what}, one request alone (s)", "townships": args.townships, "backend": backend,
            "measured_s": round(seconds, 4), "limit": "300 ms a request", "limit_s": HOME_LIMIT_S,
            "ratio": round(seconds / HOME_LIMIT_S, 3), "target": 1.0, "queries": None}


def throughput(what, rate, seconds, trivial_rate, target, args, backend):
    return {"what": f"{what}, req/s ÷ trivial page's (higher is better)", "townships": args.townships,
            "backend": backend, "measured_s": round(1 / rate, 4),
            "limit": f"trivial page {TRIVIAL} ({trivial_rate:.1f} req/s)", "limit_s": round(1 / trivial_rate, 4),
            "ratio": round(rate / trivial_rate, 3), "target": target, "queries": None, "req_per_s": round(rate, 1),
            "ms_per_request": round(1000 * seconds)}


def main():
    args = parse_args()
    url, backend, cleanup = scratch_database(args)
    rows = []
    try:
        process, log, base = start_gunicorn(url, args.workers)
        try:
            opener = signed_in_opener(base)
            for path in (TRIVIAL, *(p for _w, p, _t in PAGES)):  # warm up every worker
                measure(opener, base + path, args.workers, args.workers)
            trivial_rate, trivial_s = measure(opener, base + TRIVIAL, args.requests, args.threads, args.budget)
            for what, path, target in PAGES:
                rate, seconds = measure(opener, base + path, args.requests, args.threads, args.budget)
                rows.append(throughput(what, rate, seconds, trivial_rate, target, args, backend))
                if path == "/":
                    rows.append(alone(opener, base, args, what, backend))
        finally:
            stop(process, log)
        # The same home page computing every figure on every request: the first request after a write.
        process, log, base = start_gunicorn(url, args.workers, BANZI_FIGURES_SECONDS="0")
        try:
            opener = signed_in_opener(base)
            measure(opener, base + "/", args.workers, args.workers)
            what = "home page / (county_admin), every figure computed"
            rate, seconds = measure(opener, base + "/", args.requests, args.threads, args.budget)
            rows.append(throughput(what, rate, seconds, trivial_rate, None, args, backend))
            rows.append(alone(opener, base, args, what, backend))
        finally:
            stop(process, log)
    finally:
        cleanup()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    else:
        print(f"\n{args.townships} townships, {backend}, gunicorn {args.workers} workers, {args.requests} requests "
              f"per page from {args.threads} threads")
        print(f"  {'page':<45}{'req/s':>8}{'ms/req':>8}{'ratio':>8}{'target':>8}")
        print(f"  {'trivial ' + TRIVIAL:<45}{trivial_rate:>8.1f}{1000 * trivial_s:>8.0f}")
        for row in rows:
            if "req_per_s" in row:
                target = "≥ " + str(row["target"]) if row["target"] is not None else ""
                print(f"  {row['what'].split(', req/s')[0]:<45}{row['req_per_s']:>8.1f}{row['ms_per_request']:>8}"
                      f"{row['ratio']:>8.2f}{target:>8}")
            else:
                print(f"  {row['what']:<53}{1000 * row['measured_s']:>8.0f} ms (target < 300 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
