from django.db import migrations, models


class Migration(migrations.Migration):
    """The once-per-program and once-per-session rules refuse with the code `unique` (banzi/core/errors.py)."""

    dependencies = [
        ("org", "0004_cadre_full_name_label"),
        ("training", "0003_defaults_from_core_clock"),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name="attendance",
            name="training_attendance_once",
            constraint=models.UniqueConstraint(
                fields=("session", "cadre"), name="training_attendance_once", violation_error_code="unique",
                violation_error_message="This cadre's attendance at the session is already recorded.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="enrollment",
            name="training_enrollment_once",
            constraint=models.UniqueConstraint(
                fields=("program", "cadre"), name="training_enrollment_once", violation_error_code="unique",
                violation_error_message="This cadre is already enrolled in the program.",
            ),
        ),
    ]
