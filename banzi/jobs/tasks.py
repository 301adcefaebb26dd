"""The one task the queue knows: run a `Job` by its id (what it does is in `works`)."""
from django_tasks import task

from . import runner


@task()
def run_job(job_id):
    runner.run(job_id)
