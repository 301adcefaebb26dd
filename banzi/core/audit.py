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

from banzi.core import clock, net

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
    return net.client_ip(request)


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
    `old_label`/`new_label` where the raw value is an id or a code (see `shown_changes`). An encrypted
    field (an ID number, a phone, a talk summary) is only said to have changed (`sealed`, no values)."""
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
        if getattr(field, "sealed", False):
            # Personal data sealed at rest (core.fields) never leaves it in clear: only that it changed.
            changes.append({"field": change.field, "label": label, "old": None, "new": None, "sealed": True})
            continue
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


# The outcome an action has unless the caller says otherwise.
DEFAULT_OUTCOMES = {
    AuditEvent.Action.DENIED: AuditEvent.Outcome.DENIED,
    AuditEvent.Action.LOGIN_FAILED: AuditEvent.Outcome.FAILURE,
    AuditEvent.Action.LOCKOUT: AuditEvent.Outcome.DENIED,
}


def record_event(*, kind, action, user=None, obj=None, detail="", changes=None, request=None, username="",
                 outcome=None, model=None, anonymous=False):
    """Append one event to the audit trail: what (`kind`, `action`, `outcome`), who (`user`, or just the
    `username` tried), on what (`obj`, or only its `model`), from where (the request's client IP) and a
    short `detail`. Chained by `core.audit_chain`; returns the event. An `anonymous` event keeps no user,
    no username and no client address, whatever the request (e.g. a ballot cast with a code)."""
    request = request or current_request()
    if anonymous:
        user, username = None, ""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if model is None and obj is not None:
        model = obj._meta.model  # not type(obj): request.user is a lazy wrapper
    event = AuditEvent.objects.create(
        kind=kind,
        action=action,
        outcome=outcome or DEFAULT_OUTCOMES.get(action, AuditEvent.Outcome.SUCCESS),
        user=user,
        username=username or (user.get_username() if user else ""),
        content_type=ContentType.objects.get_for_model(model) if model is not None else None,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        changes=changes or [],
        detail=str(detail)[:500],
        ip_address=None if anonymous else client_ip(request),
    )
    if request is not None:
        # What the audit middleware need not record again for this request (a DRF request wraps Django's).
        request = getattr(request, "_request", request)
        noted = getattr(request, "_audit_recorded", None)
        if noted is None:
            noted = request._audit_recorded = set()
        noted.add(event.action)
    return event


def error_codes(errors):
    """Which fields a refused write got wrong and why, as codes: never the values submitted.
    `errors` maps a field (None or "__all__" for the record as a whole) to ValidationErrors or codes."""
    parts = []
    for field, items in errors.items():
        codes = []
        for item in items if isinstance(items, list | tuple) else [items]:
            code = getattr(item, "code", None) or (item if isinstance(item, str) and item.isidentifier() else "invalid")
            if code not in codes:
                codes.append(str(code))
        name = "record" if field in (None, "__all__", "non_field_errors") else field
        parts.append(f"{name} ({', '.join(codes)})" if codes else name)
    return "; ".join(parts)


def validation_errors(exc):
    """A Django ValidationError as {field: [ValidationError]} ("__all__" for the record as a whole)."""
    return exc.error_dict if hasattr(exc, "error_dict") else {"__all__": exc.error_list}


def record_failed_write(*, user, action, model=None, obj=None, errors=None, detail="", request=None):
    """A business write that was refused by validation: the event says which fields and rules, with
    outcome "failure", and never the values submitted."""
    text = _("Refused: %(errors)s") % {"errors": error_codes(errors or {})} if errors else str(detail)
    if errors and detail:
        text = f"{detail} — {text}"
    if obj is not None:
        model = model or type(obj)
        # The record as stored: a bound form's instance already carries the values submitted.
        obj = type(obj)._base_manager.filter(pk=obj.pk).first() if obj.pk is not None else None
    return record_event(kind=AuditEvent.Kind.DATA, action=action, outcome=AuditEvent.Outcome.FAILURE, user=user,
                        obj=obj, model=model, detail=text, request=request)


# The API lists of personal data: each list request is recorded with its filters (a bulk read).
PERSONAL_DATA_LISTS = {
    "org.cadre", "talks.talk", "conduct.violation", "conduct.leaverequest", "conduct.outingreport",
    "conduct.concurrentpostdeclaration",
}


def record_list(request, model, count=None):
    """One event for a list request of personal data: who, the record type, the filters, how many."""
    if model._meta.label_lower not in PERSONAL_DATA_LISTS:
        return None
    query = request.GET.urlencode() if hasattr(request, "GET") else ""
    detail = f"{request.method} {request.path}" + (f"?{query}" if query else "")
    if count is not None:
        detail += f" ({count})"
    return record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LIST, user=request.user,
                        model=model, detail=detail, request=request)


def record_denial(request, *, obj=None, model=None, reason=""):
    """A refused request of a signed-in user (403, or 404 on a record that exists outside their
    scope): method, path and why, with outcome "denied"."""
    path = f"{request.method} {request.get_full_path()}"[:300]
    detail = f"{path}: {reason}" if reason else path
    return record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.DENIED, user=request.user,
                        obj=obj, model=model, detail=detail, request=request)


@receiver(post_create_historical_record)
def index_historical_record(sender, instance, history_instance, history_user=None, **kwargs):
    old = None
    if history_instance.history_type == "~":
        old = history_instance.prev_record
    model = type(instance)
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.DATA,
        action=HISTORY_ACTIONS[history_instance.history_type],
        outcome=AuditEvent.Outcome.SUCCESS,
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
    username = str(credentials.get("username", ""))[:150]
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOGIN_FAILED, username=username,
                 request=request)
    # The lock itself, when the failures reach the limit, is recorded by banzi.accounts.lockout.


def record_locked_attempt(request, username):
    """A sign-in refused because the account is locked: a lockout event, not another failed login
    (which would lengthen the lock)."""
    record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.LOCKOUT, username=str(username or "")[:150],
                 request=request, detail=_("Sign-in refused: the account is locked"))
