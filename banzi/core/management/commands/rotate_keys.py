"""`manage.py rotate_keys`: re-seal every encrypted value under the current data key, and with
`--reindex` recompute the blind indexes under the current index key (GB/T 39786-2021 key management).

To change the data key: put the new key first in BANZI_DATA_KEYS and keep the old one after it
("new:<hex>,old:<hex>"), restart, run `manage.py rotate_keys`, then drop the old key. Every record and
every historical row is rewritten in batches (each batch its own transaction); a value already
sealed under the current key is left alone, so the command can be interrupted and run again.

To change the index key (BANZI_INDEX_KEY): set the new one, restart, run `manage.py rotate_keys
--reindex`. The fingerprints are recomputed from the clear values, which are opened with the data
keys, so the old index key is not needed. Until the command has run, a search or a uniqueness check
by ID number finds nothing, so run it right after the restart.
"""
from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from banzi.core import crypto
from banzi.core.fields import encrypted_fields, reseal


def sealed_models():
    """Every model (historical models included) with encrypted fields, in a stable order."""
    found = [model for model in apps.get_models() if encrypted_fields(model)]
    return sorted(found, key=lambda model: model._meta.label)


class Command(BaseCommand):
    help = ("Re-seal every encrypted value (records and their history) under the first key of BANZI_DATA_KEYS; "
            "with --reindex, also recompute the blind indexes under BANZI_INDEX_KEY. Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--reindex", action="store_true",
                            help="Also recompute blind indexes (after BANZI_INDEX_KEY changed).")
        parser.add_argument("--batch-size", type=int, default=500, help="Rows rewritten per transaction.")
        parser.add_argument("--dry-run", action="store_true", help="Only count the values to re-seal.")

    def handle(self, *args, reindex=False, batch_size=500, dry_run=False, **options):
        key_id = crypto.current_key_id()
        total = 0
        for model in sealed_models():
            count = reseal(model, batch_size=batch_size, dry_run=dry_run)
            total += count
            if count or options["verbosity"] > 1:
                self.stdout.write(_("%(model)s: %(n)d rows re-sealed") % {"model": model._meta.label, "n": count})
        message = _("Values to re-seal under key “%(key)s”: %(n)d rows") if dry_run else \
            _("Re-sealed under key “%(key)s”: %(n)d rows")
        self.stdout.write(message % {"key": key_id, "n": total})
        if reindex and not dry_run:
            indexed = 0
            for model in apps.get_models():
                refresh = getattr(model, "refresh_blind_indexes", None)
                if refresh is not None:
                    count = refresh(batch_size=batch_size)
                    indexed += count
                    self.stdout.write(_("%(model)s: %(n)d fingerprints recomputed") % {
                        "model": model._meta.label, "n": count})
            self.stdout.write(_("Blind indexes recomputed: %(n)d rows") % {"n": indexed})
