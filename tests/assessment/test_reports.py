"""The 述职述廉 report written by its author: the cadre assessed (only their own, only while the
assessment collects), the township administrator for its township's assessees in the county's
assessment, the county for anyone; the attachment checked by its content; kept in the history."""
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banzi.assessment import services
from banzi.assessment.models import Assessee, Assessment
from banzi.core.errors import Code
from banzi.core.roles import Role
from tests import factories as f
from tests.errors import ALL, refused

from .factories import assessee, assessment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def _write_url(person):
    return reverse("assessment:assessee_write_report", args=[person.pk])


@pytest.fixture
def collecting_assessment(county):
    return assessment(county, status=Assessment.Status.COLLECTING)


def test_a_cadre_writes_their_own_report_only(collecting_assessment, township, cadre_user):
    own = assessee(collecting_assessment, township, cadre_user.cadre)
    other = assessee(collecting_assessment, township)
    services.save_report(cadre_user, own, "一年来，我认真履行职责……", SimpleUploadedFile("述职.pdf", PDF))
    own.refresh_from_db()
    assert own.report.startswith("一年来") and own.report_file.name.endswith(".pdf")
    assert own.history.first().history_user == cadre_user
    with pytest.raises(PermissionDenied):
        services.save_report(cadre_user, other, "不是我的")
    assert Assessee.objects.get(pk=other.pk).report == ""
    services.save_report(cadre_user, own, "改后的报告", False)  # the attachment removed
    own.refresh_from_db()
    assert own.report == "改后的报告" and not own.report_file


def test_only_while_collecting(county, township, cadre_user):
    planned = assessment(county)
    own = assessee(planned, township, cadre_user.cadre)
    with refused(ALL, Code.WRONG_STATE):
        services.save_report(cadre_user, own, "太早")
    planned.status = Assessment.Status.CONFIRMED
    planned.save()
    with refused(ALL, Code.WRONG_STATE):
        services.save_report(cadre_user, own, "太晚")
    assert Assessee.objects.get(pk=own.pk).report == ""


def test_the_attachment_is_checked_by_its_content(collecting_assessment, township, cadre_user):
    own = assessee(collecting_assessment, township, cadre_user.cadre)
    with refused("report_file", Code.FILE_TYPE):
        services.save_report(cadre_user, own, "", SimpleUploadedFile("述职.pdf", b"MZ\x90\x00 not a pdf"))
    assert not Assessee.objects.get(pk=own.pk).report_file


def test_the_township_writes_its_own_assessees_reports_in_the_countys_assessment(
        collecting_assessment, township, other_township, township_admin):
    ours = assessee(collecting_assessment, township)
    theirs = assessee(collecting_assessment, other_township)
    services.save_report(township_admin, ours, "代为录入的述职述廉报告")
    assert Assessee.objects.get(pk=ours.pk).report == "代为录入的述职述廉报告"
    with pytest.raises(PermissionDenied):
        services.save_report(township_admin, theirs, "别的乡镇")
    auditor = f.UserFactory(role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        services.save_report(auditor, ours, "审计员")


def test_the_cadre_writes_it_on_the_page(collecting_assessment, township, cadre_user, cadre_client):
    own = assessee(collecting_assessment, township, cadre_user.cadre)
    other = assessee(collecting_assessment, township)
    detail = cadre_client.get(own.get_absolute_url())
    assert detail.status_code == 200 and _write_url(own) in detail.content.decode()
    assert cadre_client.get(_write_url(own)).status_code == 200
    response = cadre_client.post(_write_url(own), {"report": "本人述职述廉报告",
                                                   "report_file": SimpleUploadedFile("述职.pdf", PDF)})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.report == "本人述职述廉报告" and own.report_file
    assert cadre_client.get(_write_url(other)).status_code == 404  # another's is not even visible
    collecting_assessment.status = Assessment.Status.CONFIRMED
    collecting_assessment.save()
    refused_page = cadre_client.post(_write_url(own), {"report": "改"})
    assert refused_page.status_code == 200 and "while it is collecting" in refused_page.content.decode()
    assert Assessee.objects.get(pk=own.pk).report == "本人述职述廉报告"


def test_the_township_administrator_writes_it_on_the_page(collecting_assessment, township, other_township,
                                                         township_client):
    ours = assessee(collecting_assessment, township)
    theirs = assessee(collecting_assessment, other_township)
    assert township_client.post(_write_url(ours), {"report": "乡镇代录"}).status_code == 302
    assert Assessee.objects.get(pk=ours.pk).report == "乡镇代录"
    assert township_client.post(_write_url(theirs), {"report": "越权"}).status_code == 404
    assert Assessee.objects.get(pk=theirs.pk).report == ""


def test_the_report_is_written_through_the_api_by_its_author(collecting_assessment, township, cadre_user, county):
    from tests.api import api_for

    own = assessee(collecting_assessment, township, cadre_user.cadre)
    other = assessee(collecting_assessment, township)
    api = api_for(cadre_user)
    url = reverse("assessment-assessee-report", args=[own.pk])
    response = api.post(url, {"report": "一年来的述职", "report_file": SimpleUploadedFile("述职.pdf", PDF)},
                        format="multipart")
    assert response.status_code == 200, response.content.decode()
    own.refresh_from_db()
    assert response.json()["report"] == own.report == "一年来的述职" and own.report_file.name.endswith(".pdf")
    assert own.history.first().history_user == cadre_user

    bad = api.post(url, {"report": "换个附件", "report_file": SimpleUploadedFile("述职.pdf", b"MZ\x90 not a pdf")},
                   format="multipart", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 400 and "report_file" in bad.json()
    own.refresh_from_db()
    assert own.report == "一年来的述职" and own.report_file.name.endswith(".pdf")  # nothing changed

    assert api.post(url, {"report": "只留文字", "remove_file": True}, format="json").status_code == 200
    own.refresh_from_db()
    assert own.report == "只留文字" and not own.report_file
    # Another's report: not even visible to the cadre; nothing written.
    assert api.post(reverse("assessment-assessee-report", args=[other.pk]), {"report": "x"},
                    format="json").status_code == 404
    assert Assessee.objects.get(pk=other.pk).report == ""


def test_the_api_refuses_a_report_outside_the_collecting_period(county, township, cadre_user):
    from tests.api import api_for

    own = assessee(assessment(county), township, cadre_user.cadre)
    response = api_for(cadre_user).post(reverse("assessment-assessee-report", args=[own.pk]), {"report": "太早"},
                                        format="json")
    assert response.status_code == 400 and Assessee.objects.get(pk=own.pk).report == ""
