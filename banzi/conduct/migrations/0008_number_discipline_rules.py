"""The seeded discipline rules get numbers as codes (01–06) instead of the English words they had,
which showed on the pages; a code the county already changed, or a number already taken, is left."""
from django.db import migrations

from banzi.conduct.rules_seed import FORMER_CODES


def renumber(apps, schema_editor):
    DisciplineRule = apps.get_model("conduct", "DisciplineRule")
    taken = set(DisciplineRule.objects.values_list("code", flat=True))
    for former, number in FORMER_CODES.items():
        if number not in taken:
            DisciplineRule.objects.filter(code=former).update(code=number)


def restore(apps, schema_editor):
    DisciplineRule = apps.get_model("conduct", "DisciplineRule")
    taken = set(DisciplineRule.objects.values_list("code", flat=True))
    for former, number in FORMER_CODES.items():
        if former not in taken:
            DisciplineRule.objects.filter(code=number, source__startswith="襄汾县委组织部").update(code=former)


class Migration(migrations.Migration):
    dependencies = [("conduct", "0007_outing_contact_sealed")]
    operations = [migrations.RunPython(renumber, restore)]
