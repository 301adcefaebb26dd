"""A job's page (progress, then its outcome and download), its JSON status for the page's script
(static/js/jobs.js), and its file. Every view starts from `Job.objects.visible_to(user)`: another
user's job is a 404, like any record outside one's scope."""
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.test import RequestFactory
from django.urls import Resolver404, resolve, reverse
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import DetailView

from banzi.core.audit_middleware import EXPORT_TYPES
from banzi.core.net import client_ip

from . import files, runner
from .models import Job

CONTENT_TYPES = {"xlsx": EXPORT_TYPES[0], "docx": EXPORT_TYPES[1]}


class StartExportView(LoginRequiredMixin, View):
    """The confirmed export of a long list (the list's own page asked first): the list answers, as this
    user and with the posted filters, by starting its export job. Only a list page may be named."""

    http_method_names = ["post"]

    def post(self, request):
        from banzi.core.views import ObjectListView

        path, query = request.POST.get("path", ""), request.POST.get("query", "")
        try:
            match = resolve(path)
        except Resolver404:
            raise Http404 from None
        view_class = getattr(match.func, "view_class", None)
        if view_class is None or not issubclass(view_class, ObjectListView):
            raise Http404
        listing = RequestFactory().get(path, data=None, QUERY_STRING=query, REMOTE_ADDR=client_ip(request))
        listing.user = request.user
        listing.resolver_match = match
        listing.banzi_export_confirmed = True
        response = match.func(listing, *match.args, **match.kwargs)
        if response.status_code == 302:
            return HttpResponseRedirect(response.url)  # the job's page
        return response  # the file at once (a list that has become short), or the list's refusal


class OwnJobMixin(LoginRequiredMixin):
    def get_queryset(self):
        return Job.objects.visible_to(self.request.user).defer("payload")

    def get_job(self, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        if job.status == Job.Status.RUNNING and runner.recover_stale(Job.objects.filter(pk=job.pk)):
            job.refresh_from_db()
        return job


def status_data(job):
    """What the page's script needs: where the job is, and where to go once it has finished."""
    return {
        "id": job.pk, "status": job.status, "status_label": str(job.get_status_display()), "done": job.done,
        "total": job.total, "percent": job.percent, "finished": job.is_finished, "message": job.message,
        "download_url": reverse("jobs:download", args=[job.pk]) if job.file_path else "",
    }


class JobView(OwnJobMixin, DetailView):
    """A job's page: a progress bar while it runs, then how it ended and its file."""

    template_name = "jobs/job.html"
    context_object_name = "job"

    def get_object(self, queryset=None):
        return self.get_job(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(file_hours=settings.BANZI_JOB_FILE_HOURS, **kwargs)


class JobStatusView(OwnJobMixin, View):
    """The job's progress as JSON, polled by its page."""

    def get(self, request, pk):
        response = JsonResponse(status_data(self.get_job(pk)))
        response["Cache-Control"] = "no-store"
        return response


class JobDownloadView(OwnJobMixin, View):
    """The job's file, to its owner only, while it is kept. Its export was audited when it was made."""

    def get(self, request, pk):
        job = self.get_job(pk)
        content = files.read(job) if job.status == Job.Status.DONE else None
        if content is None:
            raise Http404
        extension = job.file_name.rsplit(".", 1)[-1]
        response = HttpResponse(content, content_type=CONTENT_TYPES.get(extension, "application/octet-stream"))
        response["Content-Disposition"] = content_disposition_header(True, job.file_name)
        response.audit_export = False  # recorded when the job made the file
        return response
