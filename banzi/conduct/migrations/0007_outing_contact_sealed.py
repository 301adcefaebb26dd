"""The contact phone of an outing report sealed with SM4 (GB/T 39786-2021), in the records and their history."""
import banzi.core.fields
import banzi.core.validators
from django.db import migrations

from banzi.core.fields import reseal, unseal

MODELS = ('OutingReport', 'HistoricalOutingReport')
FIELDS = ['contact']


def seal(apps, schema_editor):
    for name in MODELS:
        reseal(apps.get_model("conduct", name), FIELDS)


def open_again(apps, schema_editor):
    for name in MODELS:
        unseal(apps.get_model("conduct", name), FIELDS)


class Migration(migrations.Migration):

    dependencies = [
        ('conduct', '0006_unique_error_codes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicaloutingreport',
            name='contact',
            field=banzi.core.fields.EncryptedCharField(max_length=20, validators=[banzi.core.validators.validate_phone], verbose_name='contact while away'),
        ),
        migrations.AlterField(
            model_name='outingreport',
            name='contact',
            field=banzi.core.fields.EncryptedCharField(max_length=20, validators=[banzi.core.validators.validate_phone], verbose_name='contact while away'),
        ),
        migrations.RunPython(seal, open_again),
    ]
