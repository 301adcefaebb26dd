"""Read-only figures of overnight duty for the dashboard: tonight's coverage and check-ins, swaps
awaiting the township's decision."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from banzi.core import metrics
from banzi.core.roles import STAFF, has_role

from .models import DutyRoster, DutyShift, DutySwap, SpotCheck, current_night


def tonight(user, day=None):
    """Tonight's figures in the user's scope: published nights, cadres on duty, check-ins, spot checks
    and absences found (two queries)."""
    day = day or current_night()
    shifts = (DutyShift.objects.visible_to(user).filter(date=day, roster__status=DutyRoster.Status.PUBLISHED)
              .order_by().aggregate(shifts=Count("pk", distinct=True), checked_in=Count("check_ins")))
    checks = (SpotCheck.objects.visible_to(user).filter(duty_date=day).order_by()
              .aggregate(spot_checks=Count("pk"), absent=Count("pk", filter=Q(result=SpotCheck.Result.ABSENT))))
    return {"date": day, "shifts": shifts["shifts"], "on_duty": shifts["shifts"] * 2,
            "checked_in": shifts["checked_in"], **checks}


@metrics.card(45, part="supervision")
def duty_card(user):
    if not has_role(user, STAFF):
        return []
    figures = tonight(user)
    if not figures["shifts"]:
        return []
    return [{"label": _("Checked in for overnight duty tonight"),
             "value": f"{figures['checked_in']}/{figures['on_duty']}", "url": reverse("conduct:duty_tonight")}]


@metrics.action(45)
def swaps_to_decide(user):
    if not has_role(user, STAFF):
        return []
    count = DutySwap.objects.visible_to(user).filter(status=DutySwap.Status.REQUESTED).count()
    if not count:
        return []
    return [{"label": _("Duty swaps awaiting approval"), "count": count,
             "url": reverse("conduct:dutyswap_list") + "?status=requested", "level": "warning"}]


@metrics.action(46)
def my_duty_tonight(user):
    if not user.cadre_id:
        return []
    day = current_night()
    shift = (DutyShift.objects.filter(Q(leader_id=user.cadre_id) | Q(staff_id=user.cadre_id), date=day,
                                      roster__status=DutyRoster.Status.PUBLISHED)
             .exclude(check_ins__cadre_id=user.cadre_id).first())
    if shift is None:
        return []
    return [{"label": _("You are on overnight duty tonight: check in"), "count": 1, "url": shift.get_absolute_url(),
             "level": "info"}]
