"""Existing audit events get their outcome (a refusal was denied, a failed login failed), their user's
name, and their place in the HMAC-SM3 chain (core.audit_chain), in the order of ids."""
from django.db import migrations

BATCH = 1000


def chain_existing_events(apps, schema_editor):
    from banzi.core.audit_chain import event_mac

    AuditEvent = apps.get_model("core", "AuditEvent")
    User = apps.get_model("accounts", "User")
    db = schema_editor.connection.alias
    events = AuditEvent._base_manager.using(db)
    events.filter(action="denied").update(outcome="denied")
    events.filter(action="login_failed").update(outcome="failure")
    names = {}
    previous, batch = "", []
    for event in events.order_by("id").iterator(chunk_size=BATCH):
        if event.user_id and not event.user_display:
            if event.user_id not in names:
                user = User.objects.using(db).filter(pk=event.user_id).first()
                names[event.user_id] = (
                    (f"{user.first_name} {user.last_name}".strip() or user.username) if user else ""
                )
            event.user_display = names[event.user_id][:150]
        event.mac = event_mac(event, previous)
        previous = event.mac
        batch.append(event)
        if len(batch) >= BATCH:
            AuditEvent._base_manager.using(db).bulk_update(batch, ["user_display", "mac"])
            batch = []
    if batch:
        AuditEvent._base_manager.using(db).bulk_update(batch, ["user_display", "mac"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0008_audit_outcome_names_chain_archive"),
    ]

    operations = [
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
    ]
