"""Reminders of overnight duty: each cadre on duty hears the day before their night (a published
roster's shift tomorrow). Keys name the shift, the cadre and the night, so running the job again
notifies nobody twice, and a swap that puts someone new on the night reminds the newcomer."""
import datetime

from django.utils.translation import gettext as _

from banzi.core import clock
from banzi.core.notifications import Message

from .models import DutyRoster, DutyShift


def duty_messages(today=None):
    """A reminder for every cadre on duty tomorrow who has an active user account."""
    today = today or clock.today()
    tomorrow = today + datetime.timedelta(days=1)
    shifts = (DutyShift.objects.filter(date=tomorrow, roster__status=DutyRoster.Status.PUBLISHED)
              .select_related("roster__township", "leader__user", "staff__user"))
    for shift in shifts:
        for cadre, role in ((shift.leader, _("leader on duty")), (shift.staff, _("staff on duty"))):
            user = getattr(cadre, "user", None)
            if user is None or not user.is_active:
                continue
            title = _("Overnight duty tomorrow (%(date)s) in %(township)s as %(role)s") % {
                "date": tomorrow.isoformat(), "township": shift.roster.township, "role": role}
            body = _("On duty with %(other)s. Check in on the evening of your night.") % {
                "other": shift.staff if cadre == shift.leader else shift.leader}
            yield Message(user.pk, f"conduct.dutyshift:{shift.pk}:{cadre.pk}:{tomorrow.isoformat()}:eve", title,
                          shift.get_absolute_url(), body)
