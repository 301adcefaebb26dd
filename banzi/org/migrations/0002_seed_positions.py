"""Seed the editable catalog of leadership-team positions.

Idempotent: a position that already exists (by name) is left as it is, so a county that renamed
or reordered its catalog keeps its choices. Reversing is a no-op: positions may already be in use.
"""
from django.db import migrations
from django.utils import timezone

# (name, sort order, is the team head). 乡镇长 stands for 镇长 in a town and 乡长 in a township.
POSITIONS = [
    ("党委书记", 10, True),
    ("乡镇长", 20, False),
    ("党委副书记", 30, False),
    ("人大主席", 40, False),
    ("纪委书记", 50, False),
    ("组织委员", 60, False),
    ("宣传委员", 70, False),
    ("统战委员", 80, False),
    ("武装部长", 90, False),
    ("政法委员", 100, False),
    ("副乡镇长", 110, False),
    ("党委委员", 120, False),
]


def seed_positions(apps, schema_editor):
    Position = apps.get_model("org", "Position")
    HistoricalPosition = apps.get_model("org", "HistoricalPosition")
    now = timezone.now()
    for name, sort_order, is_head in POSITIONS:
        position, created = Position.objects.get_or_create(
            name=name, defaults={"sort_order": sort_order, "is_head": is_head, "is_active": True}
        )
        if created:
            # Historical models in migrations do not write history themselves; keep the creation
            # in the record's history tab like any other.
            HistoricalPosition.objects.create(
                id=position.pk, created_at=position.created_at, name=position.name, is_head=position.is_head,
                sort_order=position.sort_order, is_active=position.is_active, history_date=now,
                history_type="+", history_change_reason="Seeded catalog", history_user=None,
            )


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_positions, migrations.RunPython.noop),
    ]
