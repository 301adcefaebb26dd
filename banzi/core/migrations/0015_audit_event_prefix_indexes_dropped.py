from django.db import migrations

from banzi.core.schema import drop_like_indexes

# An audit event's kind, action, outcome and record key are looked up whole, never by prefix: one index
# each is enough (every event written, ten thousand at an import, wrote two). PostgreSQL only: the
# table is not rebuilt (its triggers keep it append-only).


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0014_picker_source"),
    ]

    operations = [
        drop_like_indexes("core.AuditEvent", "kind", "action", "outcome", "object_id"),
    ]
