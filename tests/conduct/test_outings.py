"""Outing reports: filed before departure or accepted and marked late, the return, and the
secretary's and the department's lists of who is away today (outings and leave)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from banzi.conduct import metrics, services
from banzi.conduct.models import LeaveRequest, OutingReport
from banzi.core import clock
from banzi.core.errors import Code
from tests import factories as f
from tests.conduct import factories as c
from tests.errors import ALL, refused
from tests.generic import table_pks, xlsx_rows

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def now():
    return timezone.now().replace(second=0, microsecond=0)


def report(cadre, departs_at, hours=24):
    return OutingReport(cadre=cadre, destination="太原市", reason="参加培训", departs_at=departs_at,
                        planned_return_at=departs_at + hours * HOUR, contact="13900000000")


def test_a_report_filed_before_departure_is_on_time(township, township_admin):
    saved = services.save_outing_report(township_admin, report(f.CadreFactory(organization=township), now() + HOUR))
    assert saved.is_late is False and saved.filed_at <= timezone.now()


def test_a_report_filed_after_departure_is_accepted_and_marked_late(township):
    cadre = f.CadreFactory(organization=township)
    saved = services.save_outing_report(c.account(cadre), report(cadre, now() - 3 * HOUR))
    assert saved.pk and saved.is_late is True


def test_the_late_mark_follows_a_corrected_departure(township, township_admin):
    saved = services.save_outing_report(township_admin, report(f.CadreFactory(organization=township), now() + HOUR))
    saved.departs_at = now() - 2 * HOUR
    saved.planned_return_at = now() + HOUR
    services.save_outing_report(township_admin, saved)
    assert OutingReport.objects.get(pk=saved.pk).is_late is True


def test_the_return_before_departure_is_refused(township, township_admin):
    with refused("planned_return_at", Code.DATE_ORDER):
        services.save_outing_report(township_admin, report(f.CadreFactory(organization=township), now(), hours=-1))
    assert not OutingReport.objects.exists()


def test_recording_the_return_closes_the_report(township, township_admin):
    saved = services.save_outing_report(township_admin, report(f.CadreFactory(organization=township), now() - 5 * HOUR))
    with refused("returned_at", Code.DATE_ORDER):
        services.record_outing_return(township_admin, saved, returned_at=now() - 6 * HOUR)
    services.record_outing_return(township_admin, saved, returned_at=now() - HOUR)
    saved.refresh_from_db()
    assert saved.returned_at == now() - HOUR
    with refused(ALL, Code.WRONG_STATE):
        services.save_outing_report(township_admin, saved)
    with refused(ALL, Code.WRONG_STATE):
        services.record_outing_return(township_admin, saved)


def test_a_cadre_files_only_their_own_reports(township):
    cadre, other = f.CadreFactory(organization=township), f.CadreFactory(organization=township)
    with pytest.raises(PermissionDenied):
        services.save_outing_report(c.account(cadre), report(other, now() + HOUR))


def test_who_is_away_today(township, other_township, township_admin, county_client, township_client):
    today = clock.today()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(8)))
    cadres = [f.CadreFactory(organization=township) for _ in range(6)]
    away = c.outing(cadres[0], departs_at=start - 24 * HOUR, hours=72)                  # out since yesterday
    overdue = c.outing(cadres[1], departs_at=start - 72 * HOUR, hours=24)               # should be back, is not
    c.outing(cadres[2], departs_at=start - 72 * HOUR, hours=24, returned_at=start - 30 * HOUR)  # back already
    c.outing(cadres[3], departs_at=start + 48 * HOUR)                                   # leaves the day after tomorrow
    far = c.outing(f.CadreFactory(organization=other_township), departs_at=start, hours=4)
    on_leave = c.leave(cadres[4], starts_on=today - datetime.timedelta(days=1), days=3, status=LeaveRequest.Status.APPROVED)
    c.leave(cadres[5], starts_on=today, days=2, status=LeaveRequest.Status.SUBMITTED)   # not approved: not away
    c.leave(cadres[5], starts_on=today - datetime.timedelta(days=5), days=10, status=LeaveRequest.Status.APPROVED,
            returned_on=today - datetime.timedelta(days=1))                             # back early
    assert set(metrics.away_on(township_admin, today)) == {away, overdue}
    assert set(metrics.on_leave_on(township_admin, today)) == {on_leave}

    page = township_client.get(reverse("conduct:away_today"))
    assert page.status_code == 200
    assert {r.record.pk for r in page.context["outing_table"].rows} == {away.pk, overdue.pk}
    assert page.context["overdue_ids"] == {overdue.pk}
    county_page = county_client.get(reverse("conduct:away_today"))
    assert {r.record.pk for r in county_page.context["outing_table"].rows} == {away.pk, overdue.pk, far.pk}
    # The page's export links are the lists filtered to the day.
    listed = township_client.get(reverse("conduct:outingreport_list"), {"away_on": today.isoformat()})
    assert table_pks(listed) == {away.pk, overdue.pk}
    rows = xlsx_rows(township_client.get(reverse("conduct:leaverequest_list"),
                                         {"on_leave_on": today.isoformat(), "_export": "xlsx"}))
    assert [r[0] for r in rows[1:]] == [cadres[4].name]


def test_late_reports_are_listed(township, township_client):
    cadre = f.CadreFactory(organization=township)
    late = services.save_outing_report(c.account(cadre), report(cadre, now() - HOUR))
    on_time = services.save_outing_report(c.account(cadre), report(cadre, now() + 30 * HOUR))
    assert table_pks(township_client.get(reverse("conduct:outingreport_list"), {"is_late": "true"})) == {late.pk}
    assert table_pks(township_client.get(reverse("conduct:outingreport_list"), {"is_late": "false"})) == {on_time.pk}
    assert "Filed after departure" in township_client.get(late.get_absolute_url()).content.decode()


def test_one_trip_at_a_time(township, township_admin):
    cadre = f.CadreFactory(organization=township)
    first = services.save_outing_report(township_admin, report(cadre, now() + 24 * HOUR, hours=48))
    with refused("departs_at", Code.OUTING_OVERLAPS):
        services.save_outing_report(township_admin, report(cadre, now() + 48 * HOUR))
    # Right after the planned return is fine, and so is a trip after an early return.
    services.save_outing_report(township_admin, report(cadre, now() + 72 * HOUR))
    back = services.save_outing_report(township_admin, report(f.CadreFactory(organization=township), now() - 10 * HOUR))
    services.record_outing_return(township_admin, back, returned_at=now() - 8 * HOUR)
    services.save_outing_report(township_admin, report(back.cadre, now() - 6 * HOUR, hours=2))
    assert OutingReport.objects.count() == 4 and first.pk
