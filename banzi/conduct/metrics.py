"""Read-only figures of strict management, computed from records in the user's scope: who has
signed the commitment letter and declared concurrent posts this year, who is away on a day, leave
waiting for the user's approval, violation candidates waiting for the department, late outing
reports. Registered for the dashboard."""
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from banzi.core import clock, metrics
from banzi.core.roles import STAFF, has_role

from .filters import away_on_q, on_leave_q, township_cadres
from .models import CommitmentLetter, ConcurrentPostDeclaration, LeaveRequest, OutingReport, Violation

ITEMS_SHOWN = 5


def signing_summary(user, year):
    """{cadres, signed, declared, missing_either} over the active township cadres the user may see (one query)."""
    counts = (township_cadres(user).order_by()
              .alias(has_letter=Exists(CommitmentLetter.objects.filter(year=year, cadre=OuterRef("pk"))),
                     has_declaration=Exists(ConcurrentPostDeclaration.objects.filter(year=year, cadre=OuterRef("pk"))))
              .aggregate(cadres=Count("pk"), signed=Count("pk", filter=Q(has_letter=True)),
                         declared=Count("pk", filter=Q(has_declaration=True)),
                         both=Count("pk", filter=Q(has_letter=True, has_declaration=True))))
    both = counts.pop("both")
    return {**counts, "missing_either": counts["cadres"] - both}


def away_on(user, day):
    """Outing reports of cadres away on the day, in the user's scope."""
    return (OutingReport.objects.visible_to(user).filter(away_on_q(day)).select_related("cadre__organization")
            .order_by("cadre__name_pinyin", "departs_at"))


def on_leave_on(user, day):
    """Approved leave covering the day, in the user's scope."""
    return (LeaveRequest.objects.visible_to(user).filter(on_leave_q(day)).select_related("cadre", "approver__cadre")
            .order_by("cadre__name_pinyin", "starts_on"))


def leave_to_approve(user):
    """Submitted requests waiting for this user's decision."""
    mine = Q(approver=user)
    if user.is_county_admin:
        mine |= Q(approver_kind=LeaveRequest.ApproverKind.COUNTY)
    return (LeaveRequest.objects.visible_to(user).filter(mine, status=LeaveRequest.Status.SUBMITTED)
            .exclude(cadre_id=user.cadre_id or 0).select_related("cadre").order_by("submitted_at", "pk"))


def late_outings(user, year):
    return OutingReport.objects.visible_to(user).filter(is_late=True, departs_at__year=year)


def _url(name, query=""):
    return reverse(name) + (f"?{query}" if query else "")


@metrics.card(45)
def conduct_cards(user):
    if not has_role(user, STAFF):
        return []
    today = clock.today()
    summary = signing_summary(user, today.year)
    return [
        {"label": _("Not signed or declared %(year)s") % {"year": today.year}, "value": summary["missing_either"],
         "url": _url("conduct:missing_list")},
        {"label": _("Away today"), "value": away_on(user, today).count() + on_leave_on(user, today).count(),
         "url": _url("conduct:away_today")},
    ]


@metrics.action(45)
def leave_waiting(user):
    rows = list(leave_to_approve(user)[: ITEMS_SHOWN + 1])
    if not rows:
        return []
    count = len(rows) if len(rows) <= ITEMS_SHOWN else leave_to_approve(user).count()
    shown = [{"label": str(r), "url": r.get_absolute_url(), "note": _("%(days)d days") % {"days": r.days}}
             for r in rows[:ITEMS_SHOWN]]
    return [{"label": _("Leave requests waiting for your approval"), "count": count, "items": shown,
             "url": _url("conduct:leaverequest_list", "to_approve=true"), "level": "warning"}]


@metrics.action(46)
def violation_candidates(user):
    if not user.is_county_admin:
        return []
    candidates = Violation.objects.visible_to(user).filter(status=Violation.Status.CANDIDATE)
    count = candidates.count()
    if not count:
        return []
    shown = [{"label": str(v), "url": v.get_absolute_url(), "note": v.source}
             for v in candidates.select_related("cadre", "rule")[:ITEMS_SHOWN]]
    return [{"label": _("Possible violations awaiting your decision"), "count": count, "items": shown,
             "url": _url("conduct:violation_list", "status=candidate"), "level": "danger"}]
