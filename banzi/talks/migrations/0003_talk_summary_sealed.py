"""Talk summaries and follow-ups sealed with SM4 (GB/T 39786-2021), in the records and their history."""
import banzi.core.fields
from django.db import migrations

from banzi.core.fields import reseal, unseal

MODELS = ('Talk', 'HistoricalTalk')
FIELDS = ['summary', 'follow_up']


def seal(apps, schema_editor):
    for name in MODELS:
        reseal(apps.get_model("talks", name), FIELDS)


def open_again(apps, schema_editor):
    for name in MODELS:
        unseal(apps.get_model("talks", name), FIELDS)


class Migration(migrations.Migration):

    dependencies = [
        ('talks', '0002_labels'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicaltalk',
            name='follow_up',
            field=banzi.core.fields.EncryptedTextField(blank=True, help_text='Confidential, like the summary.', verbose_name='follow-up'),
        ),
        migrations.AlterField(
            model_name='historicaltalk',
            name='summary',
            field=banzi.core.fields.EncryptedTextField(blank=True, help_text='Confidential: only the talker and the county organization department can read it.', verbose_name='talk summary'),
        ),
        migrations.AlterField(
            model_name='talk',
            name='follow_up',
            field=banzi.core.fields.EncryptedTextField(blank=True, help_text='Confidential, like the summary.', verbose_name='follow-up'),
        ),
        migrations.AlterField(
            model_name='talk',
            name='summary',
            field=banzi.core.fields.EncryptedTextField(blank=True, help_text='Confidential: only the talker and the county organization department can read it.', verbose_name='talk summary'),
        ),
        migrations.RunPython(seal, open_again),
    ]
