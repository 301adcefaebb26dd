"""`manage.py generate_scale --townships N --seed S`: build a synthetic province for measuring (see `_province`).

For benchmarks only: it refuses a database that holds anything but a synthetic province unless --force.
"""
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from . import _province


class Command(BaseCommand):
    help = (
        "Build a synthetic province of N townships (counties of 13) with the demo county's ratios of cadres, "
        "meetings, study, attendance, tasks and talks, reproducible by seed. For benchmarks only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--townships", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true",
                            help="Run even though the database holds other data (never on a production database).")

    def handle(self, *args, townships, seed, force, **options):
        if townships < 1:
            raise CommandError("--townships must be at least 1.")
        found = _province.real_data_summary()
        if found and not force:
            what = ", ".join(f"{count} {name}" for name, count in found.items())
            raise CommandError(
                f"数据库中已有真实数据（{what}），拒绝生成模拟数据；请使用空数据库，或确认后加 --force。\n"
                f"The database holds real data ({what}): refusing to add a synthetic province. "
                f"Use an empty database, or pass --force if you are sure."
            )
        started = time.monotonic()
        province = _province.generate(townships, seed, stdout=self.stdout)
        if connection.vendor == "postgresql":
            # Gather the planner's statistics of the rows just loaded, as autovacuum would on a live database
            # (PostgreSQL's advice after a bulk load): without them the planner guesses a handful of rows per
            # table and may loop over a whole table for every row of another.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        created = ", ".join(f"{count} {name}" for name, count in province.created.items())
        self.stdout.write(self.style.SUCCESS(
            f"Synthetic province of {townships} townships (seed {seed}) built in {time.monotonic() - started:.1f}s: "
            f"{created}."))
        self.stdout.write(f"Accounts (password {_province.PASSWORD}): " + ", ".join(_province.USERNAMES.values()))
