"""Seed the discipline rules the article names (see `banzi/conduct/rules_seed.py`).

Idempotent by code: a rule the county edited keeps its edits. Reversing is a no-op.
"""
from django.db import migrations
from django.utils import timezone

from banzi.conduct.rules_seed import SEED, SOURCE


def seed_rules(apps, schema_editor):
    DisciplineRule = apps.get_model("conduct", "DisciplineRule")
    HistoricalDisciplineRule = apps.get_model("conduct", "HistoricalDisciplineRule")
    now = timezone.now()
    for code, title, description, sort_order in SEED:
        rule, created = DisciplineRule.objects.get_or_create(code=code, defaults={
            "title": title, "description": description, "source": SOURCE, "sort_order": sort_order})
        if created:
            # Historical models in migrations do not write history themselves.
            HistoricalDisciplineRule.objects.create(
                id=rule.pk, created_at=rule.created_at, code=rule.code, title=rule.title,
                description=rule.description, source=rule.source, sort_order=rule.sort_order, is_active=True,
                history_date=now, history_type="+", history_change_reason="Seeded catalog", history_user=None,
            )


class Migration(migrations.Migration):
    dependencies = [("conduct", "0001_initial")]

    operations = [migrations.RunPython(seed_rules, migrations.RunPython.noop)]
