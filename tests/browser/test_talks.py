"""A talker records a talk in Chromium: a talk with oneself is refused on the talkee field, the
corrected talk is saved and its summary read behind the confidential link; the township
administrator, on a phone, sees who talked with whom but not what was said (404 on the summary)."""
import pytest

from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from banzi.talks.models import Talk
from tests import factories as f

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "谈了分管工作的打算，本人表示压力较大"


def test_talker_records_a_talk_and_only_the_entitled_read_it(live_server, open_page, log_in, township):
    talker = f.CadreFactory(organization=township, name="王书记")
    talkee = f.CadreFactory(organization=township, name="赵委员")
    f.UserFactory(username="talker", role=Role.CADRE, cadre=talker)
    f.UserFactory(username="township", role=Role.TOWNSHIP_ADMIN, organization=township)

    page = open_page()
    log_in(page, "talker", f.PASSWORD)
    page.goto(f"{live_server.url}/talks/talks/add/")
    assert page.locator("#id_talker").input_value() == str(talker.pk)
    page.select_option("#id_talkee", str(talker.pk))
    page.fill("#id_held_on", "2025-03-01")
    page.select_option("#id_kind", Talk.Kind.HEART_TO_HEART)
    page.fill("#id_summary", SUMMARY)
    page.click("button[accesskey=s]")
    page.locator('[data-field-error="talkee"]').wait_for()
    assert not Talk.objects.exists()

    page.select_option("#id_talkee", str(talkee.pk))
    page.check("#id_reason_newly_appointed")
    page.click("button[accesskey=s]")
    page.locator("#summary").wait_for()
    record = Talk.objects.get()
    assert record.summary == SUMMARY and record.reason_newly_appointed
    assert SUMMARY not in page.content()
    page.click(f'a[href="/talks/talks/{record.pk}/summary/"]')
    page.get_by_text(SUMMARY).wait_for()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_id=str(record.pk)).count() == 1

    phone = open_page(PHONE)
    log_in(phone, "township", f.PASSWORD)
    phone.goto(f"{live_server.url}/talks/talks/")
    assert "赵委员" in phone.content() and SUMMARY not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    phone.goto(f"{live_server.url}/talks/talks/{record.pk}/")
    assert phone.locator(f'a[href="/talks/talks/{record.pk}/summary/"]').count() == 0
    response = phone.goto(f"{live_server.url}/talks/talks/{record.pk}/summary/")
    assert response.status == 404 and SUMMARY not in phone.content()
