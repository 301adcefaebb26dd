"""The database refuses UPDATE and DELETE of audit events and archive records (and TRUNCATE on
PostgreSQL): a plpgsql function and triggers on PostgreSQL, RAISE(ABORT) triggers on SQLite. An event
may be deleted only when an archive record covers it (`manage.py archive_audit`), and a deleted
user's id may be set to NULL. The statements are in core.audit_chain (`guard_sql`).

On SQLite, a later migration that rebuilds the core_auditevent table drops these triggers: it must
install them again (tests/core/test_audit_integrity.py checks they are in place)."""
from django.db import migrations


def install(apps, schema_editor):
    from banzi.core.audit_chain import install_guard

    install_guard(schema_editor.connection, apps)


def remove(apps, schema_editor):
    from banzi.core.audit_chain import remove_guard

    remove_guard(schema_editor.connection, apps)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0009_audit_chain_existing_events"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
