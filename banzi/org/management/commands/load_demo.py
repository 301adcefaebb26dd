"""`manage.py load_demo`: build the demo county 襄汾县 (idempotent) and print the demo accounts."""
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from banzi.core import demo
from banzi.org.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo county 襄汾县: townships, villages, departments, enterprises, cadres, leadership teams "
        "and the demo accounts. Running it again changes nothing. For demonstration only."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        # One transaction for the whole county (all of it or none), and none of the per-write costs
        # that are not the writes (core.demo.fast_writes).
        with transaction.atomic(), demo.fast_writes():
            # History change reasons are stored text: write them in the site's language.
            with translation.override(settings.LANGUAGE_CODE):
                loader, plan = load_demo()
            # Each module's own demo records (see core.demo): each adds only what is missing.
            loaded = []
            for loader_func in demo.loaders():
                with translation.override(settings.LANGUAGE_CODE):
                    loaded.append((loader_func, loader_func()))
        elapsed = time.monotonic() - started
        if loader.created:
            created = ", ".join(f"{count} {name}" for name, count in sorted(loader.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo county loaded: created {created}."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo county already loaded; nothing changed."))
        self.stdout.write("")
        self.stdout.write("Demo accounts (for demonstration only; never use them in production):")
        self.stdout.write(f"  {'username':<16}{'password':<14}role / scope")
        for user in plan.users:
            self.stdout.write(f"  {user['username']:<16}{DEMO_PASSWORD:<14}{user['role']} / {user['scope']}")
        for loader_func, work in loaded:
            if work:
                self.stdout.write(self.style.SUCCESS(f"{loader_func.__doc__.splitlines()[0]} " + ", ".join(
                    f"{count} {name}" for name, count in sorted(work.items())) + "."))
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {elapsed:.1f}s."))
