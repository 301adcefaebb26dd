"""An import in Chromium through the real database queue: the upload's page shows the job waiting and
its progress as the worker reports it, turns into the preview by itself once the check is done, and
after the confirmation shows the result. The worker is `run_jobs`' own, run in a thread."""
import datetime
import threading

import pytest
from django.db import connection
from django.utils import translation
from playwright.sync_api import expect

from banzi.core import clock
from banzi.core.roles import Role
from banzi.jobs.models import Job
from banzi.org.models import Cadre
from tests import factories as f
from tests.jobs.test_jobs import run_worker
from tests.org.test_imports import cadre_row, xlsx

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [("张三", datetime.date(1986, 5, 4)), ("李四", datetime.date(1990, 1, 2)), ("王五", datetime.date(1979, 7, 8))]


def work_in_background():
    """One pass of the worker in another thread (its own database connection), as `run_jobs` would."""
    def run():
        try:
            run_worker("browser-worker")
        finally:
            connection.close()
            if connection.connection is not None:  # SQLite's in-memory database ignores close()
                connection.connection.close()  # not left to the garbage collector (see jobs.runner)
                connection.connection = None

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()


def test_an_import_shows_its_progress_then_preview_then_result(settings, live_server, open_page, log_in, township,
                                                               tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    f.UserFactory(username="zuzhibu", role=Role.COUNTY_ADMIN)
    file = xlsx([cadre_row(name, birth, "新城镇", seq=seq) for seq, (name, birth) in enumerate(PEOPLE, start=1)])
    path = tmp_path / "名册.xlsx"
    path.write_bytes(file.read())
    before = Cadre.objects.count()

    page = open_page(PHONE)
    log_in(page, "zuzhibu", f.PASSWORD)
    page.goto(f"{live_server.url}/org/cadres/import/")
    page.set_input_files("#id_file", str(path))
    page.click("main form button[type=submit]")

    # Waiting for a worker: the page says so, with its progress bar, and follows the job's status.
    page.wait_for_url("**/org/cadres/import/?job=*")
    box = page.locator("[data-job-status]")
    expect(box).to_be_visible()
    with translation.override("zh-hans"):
        waiting, running = str(Job.Status.QUEUED.label), str(Job.Status.RUNNING.label)
    expect(box.locator("[data-job-label]")).to_have_text(waiting)
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=1, total=len(PEOPLE),  # as the work reports it
                                         heartbeat_at=clock.now())
    expect(box.locator("[data-job-count]")).to_have_text(f"1 / {len(PEOPLE)}")
    expect(box.locator("[data-job-label]")).to_have_text(running)
    expect(box.locator("[data-job-bar]")).to_have_attribute("aria-valuenow", str(100 // len(PEOPLE)))
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, done=0, total=0)

    work_in_background()

    # The check is done: the page turns into the preview by itself.
    confirm = page.locator("main form button[type=submit]")
    expect(confirm).to_be_visible()
    for count in page.locator("[data-count=new]").all_text_contents():
        assert int(count) == len(PEOPLE)
    assert Cadre.objects.count() == before
    confirm.click()

    page.wait_for_url("**/org/cadres/import/?job=*")
    expect(page.locator("[data-job-status]")).to_be_visible()
    work_in_background()

    outcome = page.locator("[data-job-outcome=done]")
    expect(outcome).to_be_visible()
    with translation.override("zh-hans"):
        expected = translation.gettext("Imported %(file)s: %(new)d new, %(update)d updated, %(skip)d unchanged.") % {
            "file": path.name, "new": len(PEOPLE), "update": 0, "skip": 0}
    expect(outcome).to_have_text(expected)
    assert Cadre.objects.count() == before + len(PEOPLE)
