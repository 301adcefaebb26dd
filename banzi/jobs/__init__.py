"""Background jobs on the database: imports, large exports, bulletins and reminders run outside the
request that starts them, with their progress on the page.

The queue is django-tasks (the reference implementation of Django 6's `django.tasks`) with its
database backend (django-tasks-db): the queue is a table in Banzi's own database, so a county needs
no other server, and several app servers and workers share it. A `Job` row is what the user sees:
its owner, its progress, why it failed, its result or file. `manage.py run_jobs` is the worker.

Why django-tasks: it is the reference implementation of Django 6's `django.tasks` (DEP 14), so the
`@task`/`enqueue` code here moves to Django 6 by changing an import; it supports Django 5.2 and
Python 3.11; its database backend claims a task with `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL
and an exclusive transaction on SQLite, so several workers never run one job twice; arguments are
JSON (no pickles in the database). django-q2's ORM broker would also need no server, but brings its
own cluster, scheduler and pickled payloads: more to run and to secure for what Banzi needs.

- `models`: `Job`, visible to its owner only;
- `runner`: `start` (create and enqueue a job) and `run` (claim it, do the work with progress, record
  the outcome), `recover_stale` (a job whose worker died is failed, never left "running");
- `works`: what each kind of job does;
- `views`: the job page, its JSON status (polled by static/js/jobs.js) and the file download.
"""
