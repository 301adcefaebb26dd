"""Read-only figures of strict management, computed from records in the user's scope: who has
signed the commitment letter and declared concurrent posts this year, who is away on a day, leave
waiting for the user's approval, violation candidates waiting for the department, late outing
reports. Registered for the dashboard."""
import datetime

from django.db.models import Case, Count, DateField, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from banzi.core import clock, metrics, workdays
from banzi.core.roles import STAFF, has_role

from .duty.models import SpotCheck
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


@metrics.card(45, part="supervision")
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


# --- indicators of the assessment (core.metrics.indicator) ------------------------------------------

def _readings(ids, rows, detail, url, value=None):
    """{id: Reading} from {id: {counts}} (zeros for an id without rows)."""
    out = {}
    for pk in ids:
        row = rows.get(pk) or {"n": 0, "due": 0, "good": 0}
        number = row["n"] if value is None else value(row)
        out[pk] = metrics.Reading(number, detail % row, url(pk))
    return out


def _decided(start, end):
    """The list's filter of the violations an indicator counts: confirmed, decided in the period."""
    return f"status=confirmed&decided_after={start:%Y-%m-%d}&decided_before={end:%Y-%m-%d}"


def _duty_dates(start, end):
    return f"date_after={start:%Y-%m-%d}&date_before={end:%Y-%m-%d}"


def _violations(ids, start, end, key, url):
    rows = {row[key]: row for row in Violation.objects.filter(
        status=Violation.Status.CONFIRMED, decided_on__range=(start, end), **{f"{key}__in": ids}).order_by()
        .values(key).annotate(n=Count("pk"))}
    return _readings(ids, rows, _("%(n)d violations decided in the period"), url)


@metrics.indicator("violations", group="discipline", subject="cadre", order=80, unit="count", direction="down",
                   label=gettext_lazy("Violations decided"))
def violations_indicator(ids, start, end):
    """Violations of discipline confirmed by the department with a decision date in the period."""
    return _violations(ids, start, end, "cadre", lambda pk: _url("conduct:violation_list",
                                                                 f"cadre={pk}&{_decided(start, end)}"))


@metrics.indicator("township_violations", group="discipline", subject="team", order=80, unit="count",
                   direction="down", label=gettext_lazy("Violations decided in the township"))
def township_violations_indicator(ids, start, end):
    return metrics.by_township(ids, lambda townships: _violations(
        townships, start, end, "cadre__organization__township",
        lambda pk: _url("conduct:violation_list", f"township={pk}&{_decided(start, end)}")))


@metrics.indicator("outings", group="discipline", subject="cadre", order=81, unit="percent", direction="up",
                   label=gettext_lazy("Outings reported before leaving"))
def outings_indicator(ids, start, end):
    """Outing reports whose departure falls in the period: the share filed in time (not late)."""
    rows = {row["cadre"]: row for row in OutingReport.objects.filter(
        cadre__in=ids, departs_at__date__range=(start, end)).order_by()
        .values("cadre").annotate(due=Count("pk"), good=Count("pk", filter=Q(is_late=False)))}
    return _readings(ids, rows, _("%(good)d of %(due)d outings reported before leaving"),
                     lambda pk: _url("conduct:outingreport_list",
                                     f"cadre={pk}&departs_after={start:%Y-%m-%d}&departs_before={end:%Y-%m-%d}"),
                     value=lambda row: metrics.percent(row["good"], row["due"]))


def _spot_checks(ids, start, end, key, url):
    rows = {row[key]: row for row in SpotCheck.objects.filter(duty_date__range=(start, end), **{f"{key}__in": ids})
            .order_by().values(key).annotate(due=Count("pk"), good=Count("pk", filter=Q(
                result=SpotCheck.Result.PRESENT)))}
    return _readings(ids, rows, _("%(good)d of %(due)d duty spot checks found at the post"), url,
                     value=lambda row: metrics.percent(row["good"], row["due"]))


@metrics.indicator("spot_checks", group="discipline", subject="cadre", order=82, unit="percent", direction="up",
                   label=gettext_lazy("Duty spot checks passed"))
def spot_checks_indicator(ids, start, end):
    """Spot checks of the cadre's night duty in the period: the share that found them at the post."""
    return _spot_checks(ids, start, end, "cadre", lambda pk: _url("conduct:spotcheck_list",
                                                                  f"cadre={pk}&{_duty_dates(start, end)}"))


@metrics.indicator("township_spot_checks", group="discipline", subject="team", order=82, unit="percent",
                   direction="up", label=gettext_lazy("The township's duty spot checks passed"))
def township_spot_checks_indicator(ids, start, end):
    return metrics.by_township(ids, lambda townships: _spot_checks(
        townships, start, end, "township",
        lambda pk: _url("conduct:spotcheck_list", f"township={pk}&{_duty_dates(start, end)}")))


@metrics.indicator("leave", group="discipline", subject="cadre", order=81, unit="percent", direction="up",
                   label=gettext_lazy("Back from leave in time"))
def leave_indicator(ids, start, end):
    """Approved leave whose last day falls in the period: the share whose return was recorded by the
    first working day after it (leave not yet due back is left out)."""
    today = clock.today()
    leave = LeaveRequest.objects.filter(cadre__in=ids, status=LeaveRequest.Status.APPROVED, ends_on__range=(start, end))
    days = sorted(leave.order_by().values_list("ends_on", flat=True).distinct())
    calendar = workdays.Calendar.load(start.year, end.year + 1)
    back_by = Case(*[When(ends_on=day, then=Value(calendar.next_working_day(day + datetime.timedelta(days=1))))
                     for day in days], output_field=DateField())
    rows = {row["cadre"]: row for row in leave.order_by().alias(back_by=back_by).values("cadre").annotate(
        due=Count("pk", filter=Q(returned_on__isnull=False) | Q(back_by__lt=today)),
        good=Count("pk", filter=Q(returned_on__lte=F("back_by"))))} if days else {}
    return _readings(ids, rows, _("%(good)d of %(due)d leaves back at work in time"),
                     lambda pk: _url("conduct:leaverequest_list", f"cadre={pk}&status=approved"
                                                                   f"&ends_after={start:%Y-%m-%d}&ends_before={end:%Y-%m-%d}"),
                     value=lambda row: metrics.percent(row["good"], row["due"]))


# --- report figures (the year-end report, banzi.reports) -------------------------------------------

def _confirmed_violations(township_ids, start, end):
    qs = Violation.objects.filter(status=Violation.Status.CONFIRMED, occurred_on__range=(start, end))
    return metrics.scoped(qs, "cadre__organization__township", township_ids).order_by()


def _violations_link(township_ids, start, end, **params):
    return metrics.list_link("conduct:violation_list", township_ids, status=Violation.Status.CONFIRMED,
                             occurred_after=start.isoformat(), occurred_before=end.isoformat(), **params)


def _cadres_disciplined_link(township_ids, start, end):
    return _violations_link(township_ids, start, end, one_per="cadre")


@metrics.figure("conduct.violations", part="supervision", order=10, label=gettext_lazy("Confirmed violations"),
                unit=pgettext_lazy("unit", "cases"), list_url=_violations_link, definition=gettext_lazy(
                    "Violations of the discipline rules that occurred in the period and were confirmed."))
def violations(township_ids, start, end):
    return _confirmed_violations(township_ids, start, end).aggregate(n=Count("id"))["n"]


@metrics.figure("conduct.cadres_disciplined", part="supervision", order=11,
                label=gettext_lazy("Cadres with a confirmed violation"), unit=pgettext_lazy("unit", "people"),
                list_url=_cadres_disciplined_link, definition=gettext_lazy(
                    "Distinct cadres with at least one confirmed violation that occurred in the period."))
def cadres_disciplined(township_ids, start, end):
    return _confirmed_violations(township_ids, start, end).aggregate(n=Count("cadre", distinct=True))["n"]
