"""Seed the nine lead-by-example duties (九个带头) with the article's wording.

Idempotent by key: a duty the county renamed or reordered keeps its edits. Reversing is a no-op.
"""
from django.db import migrations
from django.utils import timezone

from banzi.study.duties import SEED


def seed_duties(apps, schema_editor):
    LeadDuty = apps.get_model("study", "LeadDuty")
    HistoricalLeadDuty = apps.get_model("study", "HistoricalLeadDuty")
    now = timezone.now()
    for key, name, sort_order in SEED:
        duty, created = LeadDuty.objects.get_or_create(key=key, defaults={"name": name, "sort_order": sort_order})
        if created:
            # Historical models in migrations do not write history themselves.
            HistoricalLeadDuty.objects.create(
                id=duty.pk, created_at=duty.created_at, key=duty.key, name=duty.name,
                description="", sort_order=duty.sort_order, is_active=True, history_date=now, history_type="+",
                history_change_reason="Seeded catalog", history_user=None,
            )


class Migration(migrations.Migration):
    dependencies = [("study", "0001_initial")]

    operations = [migrations.RunPython(seed_duties, migrations.RunPython.noop)]
