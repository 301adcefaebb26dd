"""Background jobs on the database: imports, large exports, bulletins and reminders run outside the
request that starts them, with their progress on the page.

The queue is django-tasks (the reference implementation of Django 6's `django.tasks`) with its
database backend (django-tasks-db): the queue is a table in Banzi's own database, so a county needs
no other server, and several app servers and workers share it. A `Job` row is what the user sees:
its owner, its progress, why it failed, its result or file. `manage.py run_jobs` is the worker.

- `models`: `Job`, visible to its owner only;
- `runner`: `start` (create and enqueue a job) and `run` (claim it, do the work with progress, record
  the outcome), `recover_stale` (a job whose worker died is failed, never left "running");
- `works`: what each kind of job does;
- `views`: the job page, its JSON status (polled by static/js/jobs.js) and the file download.
"""
