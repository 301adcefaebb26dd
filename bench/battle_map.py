"""Benchmark (not a test): the battle map and bulletins over a province's worth of work.

Builds, in a scratch database, N townships (default 1,500, about a province: ~120 counties) with a
leadership team of 12 members each, 4 tasks per member with 2 milestones, and 5 supervised items per
township, then prints how long the battle-map data (all townships, one township, one person) and the
bulletins (one county of 13 townships, one township) take, and how many queries they run, on SQLite
and — when DATABASE_URL points to PostgreSQL — on PostgreSQL too.

    .venv/bin/python bench/battle_map.py                 # SQLite, 1,500 townships
    .venv/bin/python bench/battle_map.py --townships 150 # a quicker run
    DATABASE_URL=postgres://banzi:…@localhost/banzi .venv/bin/python bench/battle_map.py

The scratch database is Django's test database ("test_<name>" on PostgreSQL, in memory on SQLite):
it is created and migrated for the run and dropped afterwards; your data is not touched.
"""
import argparse
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQLITE_URL = "sqlite:///:memory:"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--townships", type=int, default=1500)
    parser.add_argument("--members", type=int, default=12, help="team members per township")
    parser.add_argument("--tasks", type=int, default=4, help="tasks per team member")
    parser.add_argument("--items", type=int, default=5, help="supervised items per township")
    parser.add_argument("--run", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main():
    args = parse_args()
    if args.run:
        return run(args)
    urls = [("SQLite", SQLITE_URL)]
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://", "pgsql://")):
        urls.append(("PostgreSQL", configured))
    else:
        print("DATABASE_URL does not point to PostgreSQL: measuring SQLite only.\n")
    status = 0
    for label, url in urls:
        print(f"== {label} ==", flush=True)
        env = dict(os.environ, DATABASE_URL=url, BANZI_ENV="development", CONN_MAX_AGE="0")
        command = [sys.executable, __file__, "--run", url, "--townships", str(args.townships),
                   "--members", str(args.members), "--tasks", str(args.tasks), "--items", str(args.items)]
        status |= subprocess.call(command, env=env, cwd=ROOT)
        print()
    return status


# --- one backend, in a child process ----------------------------------------------------------

def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banzi.settings")
    import django

    django.setup()


def build(args, today):
    """Bulk-load the records directly (no history or audit: only the read side is measured)."""
    from django.db.models import F
    from django.utils import timezone

    from banzi.accounts.models import User
    from banzi.core.roles import Role
    from banzi.org.models import Cadre, Organization, Position, Team, TeamMembership
    from banzi.tasks.models import Milestone, SupervisedItem, Task

    started = time.perf_counter()
    counties = Organization.objects.bulk_create(
        Organization(name=f"第{c}县", kind=Organization.Kind.COUNTY) for c in range((args.townships + 12) // 13)
    )
    townships = Organization.objects.bulk_create(
        Organization(name=f"第{t}镇", kind=Organization.Kind.TOWNSHIP, parent=counties[t // 13], sort_order=t)
        for t in range(args.townships)
    )
    Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).update(township_id=F("id"))
    position, _ = Position.objects.get_or_create(name="党委委员", defaults={"sort_order": 120})
    teams = Team.objects.bulk_create(
        Team(township=t, elected_on=today - datetime.timedelta(days=400), term_years=5,
             term_ends_on=today + datetime.timedelta(days=1400)) for t in townships
    )
    cadres = Cadre.objects.bulk_create(
        Cadre(name=f"干部{t}-{m}", gender=Cadre.Gender.MALE, birth_date=datetime.date(1980, 1, 1),
              organization=township, post="党委委员")
        for t, township in enumerate(townships) for m in range(args.members)
    )
    TeamMembership.objects.bulk_create(
        TeamMembership(team=teams[i // args.members], cadre=cadre, position=position, started_on=teams[0].elected_on,
                       sort_order=i % args.members)
        for i, cadre in enumerate(cadres)
    )
    start = datetime.date(today.year, 1, 10)
    tasks = []
    for i, cadre in enumerate(cadres):
        for k in range(args.tasks):
            deadline = datetime.date(today.year, 3 + (i + k) % 10, 20)
            done = deadline < today and (i + k) % 4 != 0
            tasks.append(Task(
                title=f"任务{i}-{k}", organization_id=cadre.organization_id, responsible=cadre, start_on=start,
                deadline=deadline, status=Task.Status.DONE if done else Task.Status.IN_PROGRESS,
                completed_on=deadline - datetime.timedelta(days=(i + k) % 3 * 5 - 3) if done else None,
                progress=100 if done else (i * 7 + k * 13) % 100, target="目标", latest_effect="成效",
            ))
    tasks = Task.objects.bulk_create(tasks, batch_size=5000)
    Milestone.objects.bulk_create(
        (Milestone(task=task, title=title, due_on=task.start_on + (task.deadline - task.start_on) * share // 100,
                   done_on=None if (task.pk + share) % 5 == 0 else task.deadline - datetime.timedelta(days=40))
         for task in tasks for title, share in (("方案", 30), ("实施", 70))),
        batch_size=5000,
    )
    admin = User.objects.create(username="bench-county", role=Role.COUNTY_ADMIN)
    now = timezone.now()
    SupervisedItem.objects.bulk_create(
        (SupervisedItem(
            title=f"督办{t}-{k}", organization=township, assignee=cadres[t * args.members + k % args.members],
            assigned_by=admin, assigned_at=now - datetime.timedelta(days=3 + 9 * k),
            deployed_at=now - datetime.timedelta(days=2 + 9 * k),
            item_class=SupervisedItem.ItemClass.COMPLEX if k == 4 else SupervisedItem.ItemClass.ORDINARY)
         for t, township in enumerate(townships) for k in range(args.items)),
        batch_size=5000,
    )
    first = Organization.objects.get(pk=townships[0].pk)  # with the township set by the update above
    township_admin = User.objects.create(username="bench-township", role=Role.TOWNSHIP_ADMIN, organization=first)
    print(f"built {len(townships):,} townships, {len(cadres):,} team members, {len(tasks):,} tasks, "
          f"{2 * len(tasks):,} milestones, {len(townships) * args.items:,} supervised items "
          f"in {time.perf_counter() - started:.1f}s", flush=True)
    return admin, township_admin, counties[0], first, cadres[0]


def measure(label, func):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = func()
    elapsed = time.perf_counter() - started
    print(f"  {label:<52} {elapsed:8.2f}s  {len(queries.captured_queries):4d} queries", flush=True)
    return result


def run(args):
    setup()
    from django.db import connection
    from django.utils import timezone

    from banzi.tasks import bulletin_documents, metrics
    from banzi.tasks.models import Bulletin

    print(f"database: {connection.vendor}", flush=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        today = timezone.localdate()
        admin, township_admin, county, township, cadre = build(args, today)
        year_start, year_end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
        county_bulletin = Bulletin(title="县通报", organization=county, period_start=year_start, period_end=year_end,
                                   issuing_body="县委组织部")
        township_bulletin = Bulletin(title="乡镇通报", organization=township, period_start=year_start,
                                     period_end=year_end, issuing_body="乡镇党委")

        data = measure(f"battle map, all {args.townships:,} townships", lambda: metrics.battle_map(admin))
        print(f"    implementation rate {data['rate']['percent']}%, {data['total']:,} entries, "
              f"{len(data['groups']):,} township rows")
        data = measure("battle map, one township (township user)",
                       lambda: metrics.battle_map(township_admin, township=township))
        print(f"    {data['total']:,} entries, {len(data['groups'])} team members")
        measure("battle map, one team member", lambda: metrics.battle_map(admin, cadre=cadre))
        figures = measure("bulletin figures, one county (13 townships)",
                          lambda: bulletin_documents.bulletin_data(county_bulletin, admin))
        print(f"    on-time rate {figures.rate.display()}, {len(figures.townships)} townships, "
              f"{len(figures.members)} people, {len(figures.tasks)} tasks")
        measure("  as .docx", lambda: bulletin_documents.bulletin_docx(figures))
        measure("  as .xlsx", lambda: bulletin_documents.bulletin_xlsx(figures))
        figures = measure("bulletin figures, one township", lambda: bulletin_documents.bulletin_data(township_bulletin, admin))
        measure("  as .docx", lambda: bulletin_documents.bulletin_docx(figures))
        measure("  as .xlsx", lambda: bulletin_documents.bulletin_xlsx(figures))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
