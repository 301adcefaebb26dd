"""The one task the queue knows: run a `Job` by its id (what it does is in `works`)."""
from django_tasks import task

from . import runner


@task(takes_context=True)
def run_job(context, job_id):
    worker_ids = context.task_result.worker_ids
    runner.run(job_id, worker_id=worker_ids[-1] if worker_ids else "")
