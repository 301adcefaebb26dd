"""Benchmark (not a test): the figures of the study, training, talks and practice apps over the demo
county — every dashboard card, panel and action these apps register, and their figure pages — for
a county_admin, a township_admin and a cadre: time (best of N) and the number of queries.

    DATABASE_URL=sqlite:////tmp/study.sqlite3 BANZI_ENV=development manage.py migrate
    DATABASE_URL=sqlite:////tmp/study.sqlite3 BANZI_ENV=development manage.py load_demo
    DATABASE_URL=sqlite:////tmp/study.sqlite3 BANZI_ENV=development .venv/bin/python bench/study_figures.py

It reads the database it is pointed at and writes nothing to it.
"""
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banzi.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from banzi.accounts.models import User  # noqa: E402
from banzi.core import metrics  # noqa: E402
from banzi.core.roles import Role  # noqa: E402
from banzi.dashboard import views as _dashboard_views  # noqa: E402,F401  (imports every app's metrics)

APPS = ("banzi.study.", "banzi.training.", "banzi.talks.", "banzi.practice.")
REPEAT = int(os.environ.get("REPEAT", "3"))


def measure(func):
    best, queries = None, 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            func()
            elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
        queries = len(ctx.captured_queries)
    return best * 1000, queries


def users():
    found = {}
    for role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.CADRE):
        user = User.objects.filter(role=role, is_active=True).order_by("id").first()
        if user is not None:
            found[role] = user
    return found


def pages(user):
    from banzi.talks.metrics import latest_plan
    plan = latest_plan(user)
    out = [
        ("home (every app's cards)", reverse("dashboard:home")),
        ("study monthly totals", reverse("study:monthly_totals")),
        ("study calendar", reverse("study:calendar")),
        ("study duty matrix", reverse("study:duty_matrix")),
        ("training statistics", reverse("training:statistics")),
        ("training hours", reverse("training:hours")),
        ("training hours short", reverse("training:hours") + "?short=true"),
        ("training needs matching", reverse("training:needs_matching")),
        ("talks integrity", reverse("talks:integrity")),
        ("practice enterprise service", reverse("practice:enterprise_service")),
        ("practice campaign", reverse("practice:campaign")),
        ("practice tempering", reverse("practice:tempering")),
        ("practice mentoring", reverse("practice:mentoring")),
        ("practice designation map", reverse("practice:designation_grid")),
    ]
    if plan is not None:
        out.append(("talks plan detail (latest)", plan.get_absolute_url()))
    return out


def main():
    settings.ALLOWED_HOSTS = ["*"]
    logging.disable(logging.ERROR)  # a page refused to a role (403) is a result, not an error
    registered = [("card", f) for _o, f in metrics._cards] + [("panel", f) for _o, f in metrics._panels] + [
        ("action", f) for _o, f in metrics._actions]
    registered = [(kind, f) for kind, f in registered if f.__module__.startswith(APPS)]
    print(f"{'function / page':<48}{'role':<16}{'ms':>9}{'queries':>9}  status")
    for role, user in users().items():
        for kind, func in registered:
            ms, n = measure(lambda func=func, user=user: func(user))
            print(f"{kind + ' ' + func.__module__.split('.')[1] + '.' + func.__name__:<48}{role:<16}{ms:>9.1f}{n:>9}")
        client = Client()
        client.force_login(user)
        for name, url in pages(user):
            status = []
            ms, n = measure(lambda url=url, status=status, client=client: status.append(client.get(url).status_code))
            print(f"{'page ' + name:<48}{role:<16}{ms:>9.1f}{n:>9}  {status[-1]}")


if __name__ == "__main__":
    main()
