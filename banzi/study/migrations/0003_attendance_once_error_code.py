from django.db import migrations, models


class Migration(migrations.Migration):
    """The one-attendance-per-session rule refuses with the code `unique` (see banzi/core/errors.py)."""

    dependencies = [
        ("org", "0004_cadre_full_name_label"),
        ("study", "0002_seed_lead_duties"),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name="studyattendance",
            name="study_attendance_once",
            constraint=models.UniqueConstraint(
                fields=("session", "cadre"), name="study_attendance_once", violation_error_code="unique",
                violation_error_message="This cadre is already on the session's list.",
            ),
        ),
    ]
