"""`manage.py restore PATH [--yes]`: replace the database and the uploaded files by a backup.

The whole file is authenticated and checked (hashes, database vendor, migrations) before anything is
changed; then the database and MEDIA_ROOT are replaced, the audit chain is verified where this release
has it, and the row counts are compared with the backup's manifest. See docs/deploy.md.
"""
import tempfile

from django.core.management.base import BaseCommand, CommandError

from banzi.core import backup


class Command(BaseCommand):
    help = ("Restore a backup made by manage.py backup: REPLACES the whole database and every file under "
            "MEDIA_ROOT. Stop the application servers first.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file (.bzbak).")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, path, yes=False, **options):
        with tempfile.TemporaryDirectory(prefix="banzi-restore-") as work:
            try:
                opened = backup.open_backup(path, work)
                opened.notes = backup.check_restorable(opened.manifest)
            except backup.BackupError as exc:
                backup.record_failure(restoring=True, reason=str(exc))
                raise CommandError(f"{exc} Nothing was changed.") from None
            manifest = opened.manifest
            self.stdout.write(
                f"Backup made {manifest['created_at']} by Banzi {manifest['banzi_version']}: "
                f"{manifest['database']['vendor']} database, {sum(manifest['counts'].values())} rows in "
                f"{len(manifest['counts'])} tables, {len(manifest['media'])} uploaded files."
            )
            for note in opened.notes:
                self.stdout.write(self.style.WARNING(note))
            if not yes and not self.confirmed():
                raise CommandError("Restore cancelled. Nothing was changed.")
            try:
                restored = backup.restore_backup(opened)
            except backup.BackupError as exc:
                backup.record_failure(restoring=True, reason=str(exc))
                raise CommandError(str(exc)) from None
        self.report(restored, options["verbosity"])

    def confirmed(self):
        self.stdout.write("This replaces the whole database and every uploaded file by the backup's.")
        self.stdout.flush()
        try:
            answer = input("Type 'yes' to restore: ")
        except EOFError:
            answer = ""
        return answer.strip().lower() == "yes"

    def report(self, restored, verbosity):
        self.stdout.write(self.style.SUCCESS("Database and uploaded files restored."))
        if restored.mismatches:
            self.stdout.write(self.style.WARNING("Row counts that differ from the backup's manifest:"))
            for table, expected, now in restored.mismatches:
                self.stdout.write(f"  {table}: {expected if expected is not None else 'absent'} in the backup, "
                                  f"{now if now is not None else 'absent'} now")
        else:
            self.stdout.write(f"Row counts: all {len(restored.manifest['counts'])} tables as in the backup.")
        if verbosity > 1:
            for table, rows in sorted(restored.manifest["counts"].items()):
                self.stdout.write(f"  {table}: {rows}")
        style = {True: self.style.SUCCESS, False: self.style.ERROR}.get(restored.chain_ok, str)
        self.stdout.write(style(f"Audit chain: {restored.chain_text}"))
        for note in restored.notes:
            self.stdout.write(self.style.WARNING(note))
