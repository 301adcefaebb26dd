"""The audit administrator's home page: security events and recent changes from the audit trail;
and the county administrator's request for the coming year's holiday schedule.

Registered with `banzi.core.metrics` like every app's figures. Only users who may read the audit
trail get them; the trail itself is county-wide, as is the auditor's scope.
"""
import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from banzi.core import clock, metrics
from banzi.core.audit import may_read_audit
from banzi.core.calendar_views import schedule_requests
from banzi.core.models import AuditEvent

# Figures cover the last week; repeated failures are looked for within the last day.
RECENT_DAYS = 7
REPEATED_FAILURES = 3
EVENTS_SHOWN = 10


def audit_url(**params):
    base = reverse("core:auditevent_list")
    return f"{base}?{urlencode(params)}" if params else base


def _since_days(days):
    return clock.now() - datetime.timedelta(days=days)


@metrics.card(90)
def audit_cards(user):
    if not may_read_audit(user):
        return []
    since = _since_days(RECENT_DAYS)
    since_day = clock.today() - datetime.timedelta(days=RECENT_DAYS)
    recent = AuditEvent.objects.filter(time__gte=since)
    counts = recent.aggregate(
        failed=Count("pk", filter=Q(action=AuditEvent.Action.LOGIN_FAILED)),
        changes=Count("pk", filter=Q(kind=AuditEvent.Kind.DATA)),
        transfers=Count("pk", filter=Q(kind=AuditEvent.Kind.TRANSFER)),
    )
    after = since_day.isoformat()
    return [
        {"label": _("Failed logins in the last %(days)d days") % {"days": RECENT_DAYS}, "value": counts["failed"],
         "url": audit_url(action=AuditEvent.Action.LOGIN_FAILED, time_after=after)},
        {"label": _("Data changes in the last %(days)d days") % {"days": RECENT_DAYS}, "value": counts["changes"],
         "url": audit_url(kind=AuditEvent.Kind.DATA, time_after=after)},
        {"label": _("Imports and exports in the last %(days)d days") % {"days": RECENT_DAYS},
         "value": counts["transfers"], "url": audit_url(kind=AuditEvent.Kind.TRANSFER, time_after=after)},
    ]


@metrics.action(90)
def repeated_failed_logins(user):
    if not may_read_audit(user):
        return []
    rows = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, time__gte=_since_days(1))
        .values("username").annotate(n=Count("pk")).filter(n__gte=REPEATED_FAILURES).order_by("-n", "username")
    )
    if not rows:
        return []
    items = [
        {"label": row["username"] or _("(no username)"),
         "url": audit_url(action=AuditEvent.Action.LOGIN_FAILED, q=row["username"]),
         "note": _("%(n)d failed logins") % {"n": row["n"]}}
        for row in rows[:EVENTS_SHOWN]
    ]
    return [{
        "label": _("Usernames with repeated failed logins in the last 24 hours"), "count": len(rows),
        "items": items, "url": audit_url(action=AuditEvent.Action.LOGIN_FAILED), "level": "danger",
    }]


@metrics.panel(90)
def recent_audit_events(user):
    if not may_read_audit(user):
        return []
    security = AuditEvent.objects.filter(kind=AuditEvent.Kind.SECURITY).order_by("-time", "-id")[:EVENTS_SHOWN]
    # A save that changed no field (a user's last-login stamp, say) tells the auditor nothing here.
    changes = (
        AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA).exclude(action=AuditEvent.Action.UPDATE, changes=[])
        .select_related("content_type").order_by("-time", "-id")[:EVENTS_SHOWN]
    )
    return [
        {"title": _("Recent security events"), "template": "dashboard/panels/audit_events.html",
         "events": list(security), "url": audit_url(kind=AuditEvent.Kind.SECURITY), "show_record": False,
         "first": True},
        {"title": _("Recent changes"), "template": "dashboard/panels/audit_events.html",
         "events": list(changes), "url": audit_url(kind=AuditEvent.Kind.DATA), "show_record": True,
         "first": True},
    ]


@metrics.action(5)
def holiday_schedule_due(user):
    """From 1 November until next year's schedule is entered (and in a year that has none yet)."""
    if not user.is_county_admin:
        return []
    return [{"label": r["title"], "count": 1, "items": [], "url": r["url"], "level": "warning", "hint": r["body"]}
            for r in schedule_requests(clock.today())]
