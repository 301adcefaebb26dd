"""Seed the organizational-life rule table with the article's defaults (三会一课 and the rest)."""
from django.db import migrations

BRANCH_RULES = [
    ("branch_general", "quarterly", ""),
    ("branch_committee", "monthly", ""),
    ("party_group", "monthly", ""),
    ("party_lecture", "quarterly", ""),
    ("theme_party_day", "monthly", ""),
    ("org_life", "yearly", ""),
    ("democratic_appraisal", "yearly", ""),
]
SEED = [
    *[(org_kind, *rule) for org_kind in ("village", "community") for rule in BRANCH_RULES],
    ("township", "life_meeting", "yearly", "two_thirds"),
]


def seed(apps, schema_editor):
    OrgLifeRule = apps.get_model("governance", "OrgLifeRule")
    for organization_kind, meeting_kind, frequency, min_attendance in SEED:
        OrgLifeRule.objects.get_or_create(
            organization_kind=organization_kind, meeting_kind=meeting_kind,
            defaults={"frequency": frequency, "min_attendance": min_attendance},
        )


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
