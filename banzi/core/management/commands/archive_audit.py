"""`manage.py archive_audit --before YYYY-MM-DD --output FILE`: move old audit events to an archive.

Events older than the date (which must be at least BANZI_AUDIT_RETENTION_DAYS ago, 180 by default)
are written to FILE as JSON lines with their macs, sealed (SM4-GCM under the data key, an HMAC-SM3
seal under the audit key inside), and only then deleted, in one transaction that also records where
the trail's chain now starts; `manage.py verify_audit` still passes, and `verify_audit --archive FILE`
checks the file. Keep the file (and the data key that opens it) as long as the rules require.
"""
import datetime

from django.core.management.base import BaseCommand, CommandError

from banzi.core import audit_chain


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--before {text!r} is not a date like 2026-01-01") from None


class Command(BaseCommand):
    help = "Export audit events older than a date to a sealed file, then delete them."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, metavar="YYYY-MM-DD",
                            help="archive the events before this date (at least the retention ago)")
        parser.add_argument("--output", required=True, metavar="FILE", help="the archive file to write (new)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, before, output, database="default", **options):
        try:
            record = audit_chain.archive(_date(before), output, using=database)
        except audit_chain.ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        if record is None:
            self.stdout.write(f"No audit events before {before}: nothing archived.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Archived {record.count} audit events #{record.first_id}–#{record.last_id} to {record.file_name}; "
            "they are deleted from the trail, whose chain now starts from the archive."))
