"""Every cadre flagged as a reserve cadre before the pool existed enters the pool (see
banzi/reserves/conversion.py)."""
from django.db import migrations

from banzi.reserves.conversion import convert_flagged, noop


class Migration(migrations.Migration):

    dependencies = [
        ("reserves", "0001_initial"),
        ("org", "0005_cadre_id_number_and_phone_sealed_with_fingerprints"),
    ]

    operations = [migrations.RunPython(convert_flagged, noop)]
