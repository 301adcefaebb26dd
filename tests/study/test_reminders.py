"""The opt-in study reminder: only who asked, only after a week without a record, once a week."""
import datetime

import pytest
from django.core.management import call_command

from banzi.core.models import Notification
from banzi.core.roles import Role
from banzi.study import services
from banzi.study.management.commands.send_study_reminders import reminder_messages
from tests import factories as f

from .factories import record, today

pytestmark = pytest.mark.django_db


def test_reminds_only_cadres_who_opted_in_after_a_quiet_week(township, cadre_user):
    quiet_without_choice = f.UserFactory(role=Role.CADRE, cadre=f.CadreFactory(organization=township))
    active = f.UserFactory(role=Role.CADRE, cadre=f.CadreFactory(organization=township))
    services.set_reminder_choice(cadre_user, True)
    services.set_reminder_choice(active, True)
    record(cadre_user.cadre, studied_on=today() - datetime.timedelta(days=7))  # exactly a week ago: due
    record(active.cadre, studied_on=today() - datetime.timedelta(days=6))  # six days: not yet
    users = {m.user_id for m in reminder_messages(today())}
    assert users == {cadre_user.pk}
    assert quiet_without_choice.pk not in users

    call_command("send_study_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("send_study_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Notification.objects.filter(user=cadre_user).count() == 1
    assert Notification.objects.count() == 1


def test_no_reminder_once_turned_off(cadre_user):
    services.set_reminder_choice(cadre_user, True)
    services.set_reminder_choice(cadre_user, False)
    assert list(reminder_messages(today())) == []
