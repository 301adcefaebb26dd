"""`manage.py backup [--output PATH]`: the database and the uploaded files in one sealed file.

See banzi/core/backup.py for what the file holds and docs/deploy.md ("Backup and restore") for the
schedule, where to keep the files and the keys needed to open them.
"""
from django.core.management.base import BaseCommand, CommandError

from banzi.core import backup


class Command(BaseCommand):
    help = ("Back up the database (SQLite or PostgreSQL) and MEDIA_ROOT into one file sealed with SM4 under the "
            "current key of BANZI_DATA_KEYS. Safe while the application runs.")

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="The file to write, or a folder to write it in (default: "
                                                   "banzi-backup-<date>-<time>.bzbak in the current folder).")

    def handle(self, *args, output=None, **options):
        try:
            made = backup.create_backup(output)
        except backup.BackupError as exc:
            backup.record_failure(restoring=False, reason=str(exc))
            raise CommandError(str(exc)) from None
        manifest = made.manifest
        self.stdout.write(self.style.SUCCESS(f"Backup written to {made.path}"))
        self.stdout.write(
            f"  {manifest['database']['vendor']} database: {sum(manifest['counts'].values())} rows in "
            f"{len(manifest['counts'])} tables; {len(manifest['media'])} uploaded files; Banzi "
            f"{manifest['banzi_version']}; sealed with data key {manifest['key_id']!r}; SHA-256 {made.sha256}"
        )
        self.stdout.write("  Keep the data key: without it the backup cannot be opened.")
