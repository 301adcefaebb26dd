"""Audit glue: every historical record and security event becomes an `AuditEvent`.

django-simple-history keeps the full per-record history (the record's history tab); this module
indexes each change in one table so that the auditor can filter the whole trail at once.
"""
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from banzi.core import clock

from .models import AuditEvent
from .roles import Role

# What a django-simple-history record's type means in the audit trail.
HISTORY_ACTIONS = {"+": AuditEvent.Action.CREATE, "~": AuditEvent.Action.UPDATE, "-": AuditEvent.Action.DELETE}


AUDITOR_ONLY = _("Only the audit administrator may read the audit trail.")


def may_read_audit(user):
    """The audit trail is the audit administrator's alone (三员分立); `is_superuser` gives nothing."""
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.AUDITOR)


def audit_trail(user):
    """Every audit event, latest first, for the audit administrator; anyone else is refused."""
    if not may_read_audit(user):
        raise PermissionDenied(AUDITOR_ONLY)
    return AuditEvent.objects.select_related("content_type")


def client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def current_request():
    return getattr(HistoricalRecords.context, "request", None)


def _display(value):
    if value is None:
        return None
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _value_labels(field, values):
    """What a reader recognises for stored values: a related record's name for a foreign key (its id
    when it no longer exists), a choice's label for a choice field; None where the value says it all."""
    if field is None:
        return None
    if field.many_to_one or field.one_to_one:
        ids = [v for v in values if v is not None]
        names = {obj.pk: str(obj) for obj in field.related_model._base_manager.filter(pk__in=ids)} if ids else {}
        return [None if v is None else names.get(v, f"#{v}") for v in values]
    if field.choices:
        choices = dict(field.flatchoices)
        return [None if v is None or v == "" else str(choices.get(v, v)) for v in values]
    return None


def field_changes(new_record, old_record):
    """The fields that differ between two historical records, as [{field, label, old, new}], with
    `old_label`/`new_label` where the raw value is an id or a code (see `shown_changes`)."""
    if old_record is None:
        return []
    delta = new_record.diff_against(old_record)
    model = new_record.instance_type
    changes = []
    for change in delta.changes:
        try:
            field = model._meta.get_field(change.field)
            label = str(field.verbose_name)
        except Exception:
            field, label = None, change.field
        entry = {"field": change.field, "label": label, "old": _display(change.old), "new": _display(change.new)}
        labels = _value_labels(field, [change.old, change.new])
        if labels is not None:
            entry["old_label"], entry["new_label"] = labels
        changes.append(entry)
    return changes


def shown_changes(changes):
    """Changes as a reader sees them: each with `old_shown`/`new_shown` (the label where there is one)."""
    return [{**c, "old_shown": c.get("old_label", c.get("old")), "new_shown": c.get("new_label", c.get("new"))}
            for c in changes or []]


def record_event(*, kind, action, user=None, obj=None, detail="", changes=None, request=None, username=""):
    request = request or current_request()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    AuditEvent.objects.create(
        kind=kind,
        action=action,
        user=user,
        username=username or (user.get_username() if user else ""),
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        changes=changes or [],
        detail=str(detail)[:500],
        ip_address=client_ip(request),
    )


@receiver(post_create_historical_record)
def index_historical_record(sender, instance, history_instance, history_user=None, **kwargs):
    old = None
    if history_instance.history_type == "~":
        old = history_instance.prev_record
    model = type(instance)
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.DATA,
        action=HISTORY_ACTIONS[history_instance.history_type],
        user=history_user if getattr(history_user, "pk", None) else None,
        username=history_user.get_username() if getattr(history_user, "pk", None) else "",
        content_type=ContentType.objects.get_for_model(model),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        changes=field_changes(history_instance, old),
        detail=(history_instance.history_change_reason or "")[:500],
        ip_address=client_ip(current_request()),
    )


# Django saves the whole user on each sign-in to set last_login, which would add an empty "updated"
# version to the user's history every time. A sign-in is a security event; set the date directly.
user_logged_in.disconnect(dispatch_uid="update_last_login")


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    user.last_login = clock.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=user.last_login)
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN, user=user, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    record_event(
        kind=AuditEvent.Kind.SECURITY,
        action=AuditEvent.Action.LOGIN_FAILED,
        username=str(credentials.get("username", ""))[:150],
        request=request,
    )
