"""Seed the training topics (leadership, policy theory, Party building, economic development,
social services, mass work, …).

Idempotent by name: a topic the county already has is left as it is. Reversing is a no-op.
"""
from django.db import migrations
from django.utils import timezone

from banzi.training.topics_seed import SEED


def seed_topics(apps, schema_editor):
    TrainingTopic = apps.get_model("training", "TrainingTopic")
    HistoricalTrainingTopic = apps.get_model("training", "HistoricalTrainingTopic")
    now = timezone.now()
    for name, sort_order in SEED:
        topic, created = TrainingTopic.objects.get_or_create(name=name, defaults={"sort_order": sort_order})
        if created:
            # Historical models in migrations do not write history themselves.
            HistoricalTrainingTopic.objects.create(
                id=topic.pk, created_at=topic.created_at, name=topic.name, description="",
                sort_order=topic.sort_order, is_active=True, history_date=now, history_type="+",
                history_change_reason="Seeded catalog", history_user=None,
            )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed_topics, migrations.RunPython.noop)]
