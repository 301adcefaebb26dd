"""`manage.py verify_audit`: walk the audit trail's HMAC-SM3 chain and name the first broken row.

Exits with status 1 naming the first event (id, time) that was changed, or after which events were
removed, around the application; prints how many events verified otherwise. With `--archive FILE`,
checks an archive written by `manage.py archive_audit` instead: its seal and its chain.
"""
from django.core.management.base import BaseCommand, CommandError

from banzi.core import audit_chain


class Command(BaseCommand):
    help = "Verify the audit trail's chain (or an archive file's) and name the first broken row."

    def add_arguments(self, parser):
        parser.add_argument("--archive", metavar="FILE", help="verify this archive file instead of the trail")
        parser.add_argument("--database", default="default")

    def handle(self, *args, archive=None, database="default", **options):
        if archive:
            try:
                report = audit_chain.verify_archive(archive, using=database)
            except audit_chain.ArchiveError as exc:
                raise CommandError(f"Audit archive BROKEN: {exc}") from exc
            recorded = "recorded in this database" if report.recorded else "not recorded in this database"
            self.stdout.write(self.style.SUCCESS(
                f"Audit archive OK: {report.count} events #{report.first_id}–#{report.last_id} before "
                f"{report.before}, seal and chain verified ({recorded})."))
            return
        report = audit_chain.check(using=database)
        if report.broken is not None:
            raise CommandError(f"Audit trail BROKEN at {report.broken} ({report.count} events verified before it).")
        span = f" (#{report.first_id}–#{report.last_id})" if report.count else ""
        archived = f", after {report.archives} archive(s)" if report.archives else ""
        self.stdout.write(self.style.SUCCESS(f"Audit trail OK: {report.count} events verified{span}{archived}."))
