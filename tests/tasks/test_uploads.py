"""Uploads on the work-implementation pages: a progress report's attachment and a problem's evidence
file are checked by content (a renamed program is refused with the field's error and nothing saved,
a real PDF is kept), and the files are served only through a download view that looks the record up
within the user's scope."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from banzi.core.errors import Code
from banzi.tasks.models import Problem, ProgressReport
from tests.errors import form_codes
from tests.tasks import cases as c

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 64


@pytest.fixture(autouse=True)
def english_and_media(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


def url(name, *args):
    return reverse(f"tasks:{name}", args=args)


def report_data(township, attachment):
    return {"task": c.task(township).pk, "reported_on": c.year_start().isoformat(), "percent": "30",
            "narrative": "已完成摸底", "effect": "", "attachment": attachment}


def test_a_renamed_program_is_refused_with_the_field_error(township, township_client, tmp_path):
    data = report_data(township, SimpleUploadedFile("photo.jpg", EXE))
    response = township_client.post(url("progressreport_add"), data)
    assert response.status_code == 200
    assert form_codes(response.context["form"]) == {"attachment": [Code.FILE_TYPE]}
    assert not ProgressReport.objects.exists()
    assert not any(tmp_path.rglob("*.jpg"))


def test_a_pdf_named_otherwise_is_refused(township, township_client):
    data = report_data(township, SimpleUploadedFile("photo.jpg", PDF))
    response = township_client.post(url("progressreport_add"), data)
    assert form_codes(response.context["form"]) == {"attachment": [Code.FILE_NAME]}
    assert not ProgressReport.objects.exists()


def test_a_real_pdf_is_kept(township, township_client):
    data = report_data(township, SimpleUploadedFile("方案.pdf", PDF))
    response = township_client.post(url("progressreport_add"), data)
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.attachment.name.endswith(".pdf")
    with report.attachment.open("rb") as stored:
        assert stored.read() == PDF


def test_the_report_step_refuses_a_renamed_program(township, township_client):
    task = c.task(township)
    response = township_client.post(url("task_report", task.pk), {
        "percent": "35", "narrative": "完成方案", "attachment": SimpleUploadedFile("photo.jpg", EXE)}, follow=True)
    assert "This file is not a PDF, image or Office document." in [str(m) for m in response.context["messages"]]
    assert not ProgressReport.objects.exists()


def test_the_rectification_step_refuses_a_renamed_program(township, township_client):
    problem = c.problem(township)
    township_client.post(url("problem_submit", problem.pk), {
        "submit-evidence": "已整改", "submit-evidence_file": SimpleUploadedFile("evidence.pdf", EXE)})
    problem.refresh_from_db()
    assert problem.status == Problem.Status.OPEN and not problem.evidence_file


def test_editing_a_report_does_not_read_its_stored_file_again(township, township_client):
    report = c.progress_report(township)
    ProgressReport.objects.filter(pk=report.pk).update(attachment="tasks/progress/missing.pdf")
    data = report_data(township, "")
    data.pop("attachment")
    data["task"] = report.task_id
    response = township_client.post(url("progressreport_edit", report.pk), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.narrative == "已完成摸底" and report.attachment.name == "tasks/progress/missing.pdf"


def report_with_pdf(township):
    report = c.progress_report(township)
    report.attachment = SimpleUploadedFile("方案.pdf", PDF)
    report.save()
    return report


def test_the_download_view_serves_the_file_within_scope(township, township_client, client_for,
                                                        other_township_admin):
    report = report_with_pdf(township)
    response = township_client.get(url("progressreport_file", report.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for(other_township_admin).get(url("progressreport_file", report.pk)).status_code == 404


def test_the_download_view_is_404_without_a_file_and_needs_a_login(township, township_client, client):
    report = c.progress_report(township)
    assert township_client.get(url("progressreport_file", report.pk)).status_code == 404
    assert client.get(url("progressreport_file", report.pk)).status_code == 302


def test_the_pages_link_to_the_download_views_not_to_media(township, township_client, client_for,
                                                          other_township_admin):
    report = report_with_pdf(township)
    body = township_client.get(report.task.get_absolute_url()).content.decode()
    assert url("progressreport_file", report.pk) in body and "/media/" not in body

    problem = c.problem(township)
    problem.evidence_file = SimpleUploadedFile("整改照片.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    problem.save()
    body = township_client.get(problem.get_absolute_url()).content.decode()
    assert url("problem_file", problem.pk) in body and "/media/" not in body
    response = township_client.get(url("problem_file", problem.pk))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert client_for(other_township_admin).get(url("problem_file", problem.pk)).status_code == 404


@pytest.mark.django_db
def test_api_links_files_to_the_scoped_download_view(county_client, township):
    """The API gives the download view's address (scoped), never the unserved /media/ address."""
    report = report_with_pdf(township)
    data = county_client.get(f"/api/v1/tasks/progress-reports/{report.pk}/").json()
    assert data["attachment"].endswith(f"/tasks/progress-reports/{report.pk}/file/")
    assert "/media/" not in data["attachment"]
