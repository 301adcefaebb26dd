"""The conversion of the yes/no flag `Cadre.is_reserve` into the pool: every cadre flagged before the
pool existed gets an "in the pool" entry (entered on the day their record was created, nominated by
the township committee, noted as converted), with its history row. Run by migration 0002; written
against the migration's historical models, so that it also runs on the real models (tests, the demo),
where django-simple-history writes the history row itself."""
from django.apps import apps as django_apps

from banzi.core import clock

NOTE = "由原后备干部标记转入"


def _convert(apps, cadre, user=None):
    Entry = apps.get_model("reserves", "ReserveEntry")
    History = apps.get_model("reserves", "HistoricalReserveEntry")
    day = clock.local_date(cadre.created_at) if cadre.created_at else clock.today()
    entry = Entry(cadre_id=cadre.pk, unit_id=cadre.organization.township_id or cadre.organization_id,
                  nominated_on=day, source="committee", recommendation=NOTE, note=NOTE, status="in_pool",
                  entered_on=day, development_plan=NOTE)
    entry._history_user = user
    entry._change_reason = NOTE
    entry.save()
    if not History.objects.filter(id=entry.pk).exists():  # the migration's models keep no history themselves
        kept = {field.attname for field in History._meta.concrete_fields}
        values = {field.attname: getattr(entry, field.attname) for field in Entry._meta.concrete_fields
                  if field.attname in kept}
        History.objects.create(**values, history_date=clock.now(), history_type="+",
                               history_change_reason=NOTE, history_user_id=getattr(user, "pk", None))
    return entry


def convert_flagged(apps, schema_editor=None):
    """Give every flagged cadre without an entry in the pool one. Returns the number created."""
    Cadre = apps.get_model("org", "Cadre")
    Entry = apps.get_model("reserves", "ReserveEntry")
    have = set(Entry.objects.filter(status="in_pool").values_list("cadre_id", flat=True))
    created = 0
    for cadre in Cadre.objects.filter(is_reserve=True).select_related("organization").order_by("pk").iterator():
        if cadre.pk not in have:
            _convert(apps, cadre)
            created += 1
    return created


def convert_flagged_cadre(cadre, user=None):
    """Convert one flagged cadre (the demo's flagged cadres whom the checks would not let in)."""
    return _convert(django_apps, cadre, user)


def noop(apps, schema_editor):
    """Going back leaves the entries: the flag they came from is still on the cadres."""
