"""The conversion of the yes/no flag `Cadre.is_reserve` into the pool: every cadre flagged before the
pool existed gets an "in the pool" entry (entered on the day their record was created, nominated by
the township committee, noted as converted), with its history row. Run by migration 0002; written
against the migration's historical models, so that it also runs on real models (tests)."""
from django.utils import timezone

NOTE = "由原后备干部标记转入"


def convert_flagged(apps, schema_editor=None):
    """Give every flagged cadre without an entry in the pool one. Returns the number created."""
    Cadre = apps.get_model("org", "Cadre")
    Entry = apps.get_model("reserves", "ReserveEntry")
    History = apps.get_model("reserves", "HistoricalReserveEntry")
    have = set(Entry.objects.filter(status="in_pool").values_list("cadre_id", flat=True))
    created = 0
    flagged = Cadre.objects.filter(is_reserve=True).select_related("organization").order_by("pk")
    for cadre in flagged.iterator():
        if cadre.pk in have:
            continue
        day = timezone.localtime(cadre.created_at).date() if cadre.created_at else timezone.localdate()
        entry = Entry.objects.create(
            cadre_id=cadre.pk, unit_id=cadre.organization.township_id or cadre.organization_id,
            nominated_on=day, source="committee", recommendation=NOTE, note=NOTE, status="in_pool",
            entered_on=day, development_plan=NOTE)
        kept = {field.attname for field in History._meta.concrete_fields}
        values = {field.attname: getattr(entry, field.attname) for field in Entry._meta.concrete_fields
                  if field.attname in kept}
        History.objects.create(**values, history_date=timezone.now(), history_type="+",
                               history_change_reason=NOTE, history_user_id=None)
        created += 1
    return created


def noop(apps, schema_editor):
    """Going back leaves the entries: the flag they came from is still on the cadres."""
