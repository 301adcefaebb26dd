"""Background jobs: imports, large exports and reminders run by the database queue's worker, with
progress, owner-only status and files, all-or-nothing failures that say why, and no job left "running"
by a worker that stopped."""
import datetime
import io
import re
import threading
from unittest import mock

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from banzi.core import clock, exporting
from banzi.core.errors import Code
from banzi.core.importing import batch, workbook
from banzi.core.models import AuditEvent
from banzi.jobs import files, runner
from banzi.jobs.models import Job
from banzi.org.models import Cadre
from tests import factories as f
from tests.errors import form_codes
from tests.org.test_imports import cadre_row, xlsx

ROWS = [("张三", datetime.date(1986, 5, 4), 1), ("李四", datetime.date(1990, 1, 2), 2), ("王五", datetime.date(1979, 7, 8), 3)]


@pytest.fixture
def queue(settings):
    """The real database queue: jobs wait in the database until `run_worker` runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def keeping_the_test_connection():
    """The worker closes connections it finds inside a transaction, as a long-running process should; the
    test's own transaction (PostgreSQL) is one it must keep."""
    return mock.patch.object(db_worker, "close_old_connections", lambda: None)


def run_worker(worker_id="test-worker"):
    """The worker of `manage.py run_jobs`, in this process: runs every queued job once, then stops."""
    with keeping_the_test_connection():
        db_worker.Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                         startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[]).run()


def roster():
    return xlsx([cadre_row(name, birth, "新城镇", seq=seq) for name, birth, seq in ROWS])


def job_of(response):
    assert response.status_code == 302, response
    return Job.objects.get(pk=int(re.search(r"job=(\d+)", response.url).group(1)))


@pytest.mark.django_db
def test_an_import_runs_in_the_database_queue_with_progress_then_preview_then_result(queue, county_admin,
                                                                                      county_client, township):
    before = Cadre.objects.count()
    url = reverse("org:cadre_import")

    check = job_of(county_client.post(url, {"file": roster()}))
    assert check.status == Job.Status.QUEUED and check.kind == Job.Kind.IMPORT_PREVIEW
    assert DBTaskResult.objects.filter(pk=check.task_id, status=TaskResultStatus.READY).exists()
    waiting = county_client.get(url, {"job": check.pk}).content.decode()
    assert reverse("jobs:status", args=[check.pk]) in waiting and "js/jobs.js" in waiting

    run_worker()

    check.refresh_from_db()
    assert check.status == Job.Status.DONE and check.done == check.total == len(ROWS)
    assert bytes(check.payload) == b""  # the sealed upload now lives in the ImportJob only
    preview = county_client.get(url, {"job": check.pk})
    assert preview.context["report"].counts == {"new": len(ROWS), "update": 0, "skip": 0, "error": 0}
    assert preview.context["job"].pk == check.import_job_id and Cadre.objects.count() == before

    commit = job_of(county_client.post(url, {"job": check.import_job_id}))
    assert commit.status == Job.Status.QUEUED and Cadre.objects.count() == before
    run_worker()

    commit.refresh_from_db()
    assert commit.status == Job.Status.DONE and commit.result["counts"]["new"] == len(ROWS)
    assert commit.done == commit.total > 0  # the bar reaches its end
    assert Cadre.objects.count() == before + len(ROWS)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2
    page = county_client.get(url, {"job": commit.pk}).content.decode()
    assert 'data-job-outcome="done"' in page and "3 new" in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, outcome=AuditEvent.Outcome.SUCCESS,
                                     user=county_admin).count() == 1


@pytest.mark.django_db
@pytest.mark.zh
def test_a_failing_import_job_saves_nothing_and_says_why_in_chinese(queue, county_client, township, monkeypatch):
    url = reverse("org:cadre_import")
    check = job_of(county_client.post(url, {"file": roster()}))
    run_worker()
    check.refresh_from_db()
    before = Cadre.objects.count()
    written = []

    def write_then_fail(model, objs, **kwargs):  # the batch is written, then the disk fills up
        written.extend(real_create(model, objs, **kwargs))
        raise RuntimeError("disk full")

    real_create = batch.create_with_history
    monkeypatch.setattr(batch, "create_with_history", write_then_fail)
    commit = job_of(county_client.post(url, {"job": check.import_job_id}))
    run_worker()  # the worker logs the error and goes on

    commit.refresh_from_db()
    assert len(written) == len(ROWS) and commit.status == Job.Status.FAILED
    assert Cadre.objects.count() == before  # the rows written before the failure were rolled back
    assert not Cadre.history.filter(name__in=[name for name, _birth, _seq in ROWS]).exists()
    with translation.override("zh-hans"):
        why = translation.gettext("The job stopped on an unexpected error; nothing has been saved. Try again, or "
                                  "tell the system administrator.")
    assert commit.message == why and re.search(r"[\u4e00-\u9fff]", why)
    assert why in county_client.get(url, {"job": commit.pk}).content.decode()


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_and_rolls_the_work_back(county_admin, township, monkeypatch):
    def boom(job):
        Cadre.objects.create(name="半截", organization=township, id_number=f.make_id_number(
            datetime.date(1980, 1, 1), "male", 9))
        raise RuntimeError("worker crashed mid-way")

    def in_one_transaction(job):
        with transaction.atomic():
            boom(job)

    monkeypatch.setitem(runner_works(), Job.Kind.REMINDERS, in_one_transaction)
    job = runner.start(county_admin, Job.Kind.REMINDERS, "x", params={"commands": []})
    assert job.status == Job.Status.FAILED and "unexpected error" in job.message
    assert not Cadre.objects.filter(name="半截").exists()


def runner_works():
    from banzi.jobs import works
    return works.WORKS


@pytest.mark.django_db
def test_a_jobs_status_page_and_file_are_its_owners_only(county_admin, county_client, township_client, client):
    job = Job.objects.create(user=county_admin, kind=Job.Kind.EXPORT, title="名册", status=Job.Status.RUNNING,
                             done=3, total=12, heartbeat_at=clock.now())
    mine = county_client.get(reverse("jobs:status", args=[job.pk]))
    assert mine.status_code == 200 and mine["Cache-Control"] == "no-store"
    assert mine.json()["percent"] == 3 * 100 // 12 and (mine.json()["done"], mine.json()["total"]) == (3, 12)
    assert mine.json()["status"] == "running" and not mine.json()["finished"]
    for name in ("jobs:status", "jobs:job", "jobs:download"):
        assert township_client.get(reverse(name, args=[job.pk])).status_code == 404, name
        assert client.get(reverse(name, args=[job.pk])).status_code == 302, name


@pytest.mark.django_db
def test_a_large_export_becomes_a_job_with_a_download_kept_for_a_day(settings, tmp_path, county_admin, county_client,
                                                                     township_client, township, travel, client_for):
    settings.MEDIA_ROOT = tmp_path
    settings.BANZI_EXPORT_JOB_ROWS = 2
    f.CadreFactory.create_batch(3, organization=township)
    rows = Cadre.objects.visible_to(county_admin).count()

    asked = county_client.get(reverse("org:cadre_list"), {"_export": "xlsx", "q": ""})
    assert asked.status_code == 200 and not Job.objects.exists()  # a link only asks
    assert f"{rows}" in asked.content.decode() and 'method="post"' in asked.content.decode()
    response = county_client.post(reverse("jobs:export"), {"path": reverse("org:cadre_list"), "query": "_export=xlsx"})
    job = Job.objects.get(kind=Job.Kind.EXPORT)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == Job.Status.DONE and job.result["rows"] == rows
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=county_admin).count() == 1
    assert b"PK" not in (tmp_path / job.file_path).read_bytes()[:2]  # kept sealed on disk

    page = county_client.get(job.get_absolute_url()).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in page
    download = county_client.get(reverse("jobs:download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert download.status_code == 200 and sheet.max_row - exporting.HEADER_ROW == rows  # under the title and header
    assert township_client.get(reverse("jobs:download", args=[job.pk])).status_code == 404

    travel.shift(datetime.timedelta(hours=settings.BANZI_JOB_FILE_HOURS + 1))
    assert files.delete_expired() == 1
    assert client_for(county_admin).get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert not list(tmp_path.glob("jobs/*"))
    travel.shift(datetime.timedelta(days=files.JOB_KEEP_DAYS))
    files.delete_expired()
    assert not Job.objects.filter(pk=job.pk).exists()


@pytest.mark.django_db
def test_only_a_list_page_may_be_exported_by_a_job(county_client, township_client, township, settings):
    settings.BANZI_EXPORT_JOB_ROWS = 0
    f.CadreFactory(organization=township)
    assert county_client.post(reverse("org:cadre_list")).status_code == 405  # a list takes no POST
    for path in ("/accounts/logout/", "/nowhere/", reverse("jobs:export"), "https://example.com/org/cadres/"):
        assert county_client.post(reverse("jobs:export"), {"path": path, "query": "_export=xlsx"}).status_code == 404
    assert not Job.objects.exists()
    assert county_client.get(reverse("jobs:export")).status_code == 405
    # The list answers as the user who confirms: a township exports its own cadres only.
    response = township_client.post(reverse("jobs:export"), {"path": reverse("org:cadre_list"), "query": "_export=xlsx"})
    job = Job.objects.get()
    assert response.status_code == 302 and job.user.role == "township_admin"
    assert job.result["rows"] == Cadre.objects.filter(organization__township=township).count()


@pytest.mark.django_db
def test_a_small_export_is_answered_at_once(county_client, township):
    f.CadreFactory(organization=township)
    response = county_client.get(reverse("org:cadre_list"), {"_export": "xlsx"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_a_job_left_running_by_a_stopped_worker_is_failed_never_stuck(queue, county_admin, county_client, travel,
                                                                      settings):
    stale = runner.start(county_admin, Job.Kind.REMINDERS, "stale", params={"commands": []})
    mine = runner.start(county_admin, Job.Kind.REMINDERS, "same worker", params={"commands": []})
    fresh = runner.start(county_admin, Job.Kind.REMINDERS, "another worker", params={"commands": []})
    for job, worker in ((stale, "w0"), (mine, "w1"), (fresh, "w2")):
        DBTaskResult.objects.get(pk=job.task_id).claim(worker)  # the worker took it, then died
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, worker_id=worker, heartbeat_at=clock.now())
    travel.shift(datetime.timedelta(seconds=settings.BANZI_JOB_STALE_SECONDS - 60))
    Job.objects.filter(pk__in=[mine.pk, fresh.pk]).update(heartbeat_at=clock.now())
    travel.shift(datetime.timedelta(seconds=120))

    with keeping_the_test_connection():
        call_command("run_jobs", "--batch", "--no-startup-delay", "--worker-id", "w1", verbosity=0)

    statuses = dict(Job.objects.values_list("title", "status"))
    assert statuses == {"stale": "failed", "same worker": "failed", "another worker": "running"}
    assert "interrupted" in Job.objects.get(pk=stale.pk).message
    assert DBTaskResult.objects.get(pk=stale.task_id).status == TaskResultStatus.FAILED

    # The page of a job whose worker stopped says so once its heartbeat is old, without any worker.
    travel.shift(datetime.timedelta(seconds=settings.BANZI_JOB_STALE_SECONDS))
    status = county_client.get(reverse("jobs:status", args=[fresh.pk])).json()
    assert status["status"] == "failed" and status["finished"] and status["message"]


@pytest.mark.django_db(transaction=True)
def test_progress_is_stored_throttled_and_outside_the_works_transaction(county_admin):
    job = Job.objects.create(user=county_admin, kind=Job.Kind.IMPORT_PREVIEW, title="x", status=Job.Status.RUNNING)
    writer = runner.ProgressWriter(job.pk)
    writer(1, 1000)
    writer(2, 1000)  # under 1% and within half a second of the last: not stored
    job.refresh_from_db()
    assert (job.done, job.total) == (1, 1000)
    writer(1000, 1000)  # the last step always is
    job.refresh_from_db()
    assert (job.done, job.total) == (1000, 1000)

    other = runner.ProgressWriter(job.pk)
    with transaction.atomic():
        other(3, 10)
        transaction.set_rollback(True)  # the work fails: its progress, stored beside it, stays
    other.close()
    job.refresh_from_db()
    if connection.vendor == "postgresql":
        assert (job.done, job.total) == (3, 10)
    else:  # SQLite: the work's transaction holds the one write lock; progress waits for none
        assert (job.done, job.total) in ((3, 10), (1000, 1000))


@pytest.mark.django_db
def test_an_import_over_the_size_limit_is_refused_before_parsing(settings, county_client, township, monkeypatch):
    settings.BANZI_IMPORT_MAX_BYTES = 1000

    def must_not_parse(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(workbook, "read_sheet", must_not_parse)
    monkeypatch.setattr("banzi.core.importing.views.validate_xlsx", must_not_parse)
    big = roster()
    assert big.size > settings.BANZI_IMPORT_MAX_BYTES
    response = county_client.post(reverse("org:cadre_import"), {"file": big})
    assert response.status_code == 200 and form_codes(response.context["form"]) == {"file": [Code.FILE_SIZE]}
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_reminders_can_be_queued_as_a_job(queue, township):
    call_command("enqueue_reminders", stdout=io.StringIO())
    job = Job.objects.get(kind=Job.Kind.REMINDERS)
    assert job.status == Job.Status.QUEUED and job.user is None
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and len(job.result["output"]) == 4


@pytest.mark.django_db
def test_a_check_that_fails_on_the_file_says_why_on_its_page(queue, county_client, township):
    url = reverse("org:cadre_import")
    check = job_of(county_client.post(url, {"file": xlsx([["张三"]], headings=["姓名"])}))  # columns missing
    run_worker()
    check.refresh_from_db()
    assert check.status == Job.Status.FAILED and check.result["errors"][0]["code"] == Code.MISSING_COLUMNS
    page = county_client.get(url, {"job": check.pk})
    assert page.status_code == 200 and check.message in page.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, outcome=AuditEvent.Outcome.FAILURE).count() == 1


@pytest.mark.django_db
def test_a_bulletin_document_is_made_by_the_worker_and_downloaded_by_its_owner(queue, settings, tmp_path, county,
                                                                              county_admin, county_client,
                                                                              township_client):
    from docx import Document

    from tests.tasks.boards_data import county_bulletin

    settings.MEDIA_ROOT = tmp_path
    bulletin = county_bulletin(county)
    response = county_client.post(reverse("tasks:bulletin_docx", args=[bulletin.pk]))
    job = Job.objects.get(kind=Job.Kind.BULLETIN)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert "data-job-status" in county_client.get(job.get_absolute_url()).content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()  # nothing has left yet

    run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.file_name == f"{bulletin.title}.docx"
    download = county_client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200 and "wordprocessingml" in download["Content-Type"]
    assert bulletin.title in [p.text for p in Document(io.BytesIO(download.content)).paragraphs]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=county_admin).count() == 1
    assert township_client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_running_jobs_heartbeat_goes_on_while_its_work_reports_nothing(county_admin, monkeypatch, travel):
    monkeypatch.setattr(runner, "HEARTBEAT_SECONDS", 0.05)
    started = clock.now()
    job = Job.objects.create(user=county_admin, kind=Job.Kind.EXPORT, title="x", status=Job.Status.RUNNING,
                             heartbeat_at=started)
    travel.shift(datetime.timedelta(minutes=5))
    with runner.Heartbeat(job.pk):
        for _ in range(100):
            job.refresh_from_db()
            if job.heartbeat_at > started:
                break
            threading.Event().wait(0.05)
    assert job.heartbeat_at >= started + datetime.timedelta(minutes=5)


@pytest.mark.django_db
def test_an_export_job_that_fails_is_on_the_audit_trail(county_admin, monkeypatch):
    def broken(job):
        raise RuntimeError("disk full")

    monkeypatch.setattr(files, "keep", broken)
    job = runner.start(county_admin, Job.Kind.EXPORT, "名册.xlsx", params={
        "path": reverse("org:cadre_list"), "query": "_export=xlsx", "file_name": "名册.xlsx", "rows": 0})
    assert job.status == Job.Status.FAILED and job.message
    failure = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, outcome=AuditEvent.Outcome.FAILURE)
    assert failure.user == county_admin and "名册.xlsx" in failure.detail


@pytest.mark.django_db(transaction=True)
def test_the_side_connections_of_progress_and_heartbeat_are_closed_when_done(county_admin, monkeypatch):
    """Left open on SQLite's shared in-memory test database, a side connection was closed by the garbage
    collector in the middle of another statement, where SQLite waited for its own lock for ever."""
    made = []
    original = runner._side_connection

    def recorded():
        side = original()
        made.append(side)
        return side

    monkeypatch.setattr(runner, "_side_connection", recorded)
    monkeypatch.setattr(runner, "HEARTBEAT_SECONDS", 0.01)
    job = Job.objects.create(user=county_admin, kind=Job.Kind.IMPORT_PREVIEW, title="x", status=Job.Status.RUNNING)
    writer = runner.ProgressWriter(job.pk)
    with runner.Heartbeat(job.pk) as heartbeat:
        with transaction.atomic():
            writer(5, 10)
        heartbeat.stopped.wait(0.1)
    writer.close()
    assert len(made) == 2  # one for the progress, one for the heartbeat
    assert all(side.connection is None for side in made)
