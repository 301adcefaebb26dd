"""Units carry their name's pinyin, so that a long unit picker searched on the server finds 新城镇 by "xcz"."""

from django.db import migrations, models

from banzi.core.pinyin import pinyin_and_initials


def fill(apps, schema_editor):
    Organization = apps.get_model("org", "Organization")
    units = list(Organization.objects.only("pk", "name"))
    for unit in units:
        unit.name_pinyin, unit.name_initials = pinyin_and_initials(unit.name)
    Organization.objects.bulk_update(units, ["name_pinyin", "name_initials"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0005_cadre_id_number_and_phone_sealed_with_fingerprints'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalorganization',
            name='name_initials',
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name='pinyin initials'),
        ),
        migrations.AddField(
            model_name='historicalorganization',
            name='name_pinyin',
            field=models.CharField(blank=True, editable=False, max_length=600, verbose_name='name in pinyin'),
        ),
        migrations.AddField(
            model_name='organization',
            name='name_initials',
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name='pinyin initials'),
        ),
        migrations.AddField(
            model_name='organization',
            name='name_pinyin',
            field=models.CharField(blank=True, editable=False, max_length=600, verbose_name='name in pinyin'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
