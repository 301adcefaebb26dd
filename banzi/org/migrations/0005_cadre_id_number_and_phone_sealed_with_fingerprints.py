"""Cadres' ID numbers and phones sealed with SM4 (GB/T 39786-2021), in the records and their history,
with HMAC-SM3 fingerprints for uniqueness and exact search."""
import banzi.core.fields
import banzi.core.validators
from django.db import migrations, models

from banzi.core.fields import reseal, unseal
from banzi.org.models import refresh_fingerprints

FIELDS = ["id_number", "phone"]


def seal(apps, schema_editor):
    for name in ("Cadre", "HistoricalCadre"):
        model = apps.get_model("org", name)
        reseal(model, FIELDS)
        refresh_fingerprints(model)


def open_again(apps, schema_editor):
    for name in ("Cadre", "HistoricalCadre"):
        unseal(apps.get_model("org", name), FIELDS)


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0004_cadre_full_name_label'),
    ]

    operations = [
        migrations.AddField(
            model_name='cadre',
            name='id_number_index',
            field=models.CharField(blank=True, editable=False, error_messages={'unique': 'Another cadre already has this ID number.'}, max_length=64, null=True, unique=True, verbose_name='ID number fingerprint'),
        ),
        migrations.AddField(
            model_name='cadre',
            name='phone_index',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64, verbose_name='phone fingerprint'),
        ),
        migrations.AddField(
            model_name='historicalcadre',
            name='id_number_index',
            field=models.CharField(blank=True, db_index=True, editable=False, error_messages={'unique': 'Another cadre already has this ID number.'}, max_length=64, null=True, verbose_name='ID number fingerprint'),
        ),
        migrations.AddField(
            model_name='historicalcadre',
            name='phone_index',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64, verbose_name='phone fingerprint'),
        ),
        migrations.AlterField(
            model_name='cadre',
            name='id_number',
            field=banzi.core.fields.EncryptedCharField(blank=True, max_length=18, null=True, validators=[banzi.core.validators.validate_id_number], verbose_name='ID number'),
        ),
        migrations.AlterField(
            model_name='cadre',
            name='phone',
            field=banzi.core.fields.EncryptedCharField(blank=True, max_length=20, validators=[banzi.core.validators.validate_phone], verbose_name='phone'),
        ),
        migrations.AlterField(
            model_name='historicalcadre',
            name='id_number',
            field=banzi.core.fields.EncryptedCharField(blank=True, max_length=18, null=True, validators=[banzi.core.validators.validate_id_number], verbose_name='ID number'),
        ),
        migrations.AlterField(
            model_name='historicalcadre',
            name='phone',
            field=banzi.core.fields.EncryptedCharField(blank=True, max_length=20, validators=[banzi.core.validators.validate_phone], verbose_name='phone'),
        ),
        migrations.RunPython(seal, open_again),
    ]
