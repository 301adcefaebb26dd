"""The battle map (挂图作战) and the bulletin pages and downloads.

The battle map's scope comes from the query string: nothing (the user's own scope: the county for
the county department, the township for a township committee, themselves for a cadre),
`?township=<id>` or `?cadre=<id>`. A scope the user may not see is a 404, as everywhere; the data
endpoint answers the same scope as JSON, and the page draws it with the vendored ECharts.
"""
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from banzi.core import clock
from banzi.core.roles import Role
from banzi.core.scoping import sees_everything
from banzi.core.views import ScopedMixin
from banzi.org.models import Cadre, Organization

from . import bulletin_documents, metrics, views
from .models import Bulletin

FIRST_YEAR, LAST_YEAR = 2000, 2100


def battle_map_year(value):
    """The year asked for (`?year=`), or this year."""
    value = str(value or "")
    if value.isdigit() and FIRST_YEAR <= int(value) <= LAST_YEAR:
        return int(value)
    return clock.local_date(clock.now()).year


def battle_map_scope(user, township=None, cadre=None):
    """The scope asked for (`?township=<id>` or `?cadre=<id>`, else the user's own) as (township,
    cadre); a scope the user may not see, or a user with none, is a 404."""
    if cadre:
        cadre = get_object_or_404(Cadre.objects.visible_to(user).select_related("organization__township"),
                                  pk=_int(cadre))
        return cadre.organization.township, cadre
    if township:
        township = get_object_or_404(
            Organization.objects.visible_to(user).filter(kind=Organization.Kind.TOWNSHIP), pk=_int(township))
        return township, None
    if sees_everything(user):
        return None, None
    if user.role == Role.TOWNSHIP_ADMIN and user.township_id:
        return Organization.objects.get(pk=user.township_id), None
    if user.role == Role.CADRE and user.cadre_id:
        return None, Cadre.objects.select_related("organization__township").get(pk=user.cadre_id)
    raise Http404


class BattleMapScope(LoginRequiredMixin):
    """Resolves the scope in the query string to (township, cadre), or 404."""

    def get_year(self):
        return battle_map_year(self.request.GET.get("year"))

    def get_scope(self):
        params = self.request.GET
        return battle_map_scope(self.request.user, params.get("township"), params.get("cadre"))

    def scope_url(self, name, year, **params):
        query = {k: v for k, v in params.items() if v is not None}
        query["year"] = year
        return f"{reverse(name)}?{urlencode(query)}"

    def breadcrumbs(self, township, cadre, year):
        user = self.request.user
        crumbs = []
        if sees_everything(user):
            crumbs.append({"label": metrics._county_name(user), "url": self.scope_url("tasks:battle_map", year)})
        if township is not None and user.role != Role.CADRE:
            crumbs.append({"label": township.name,
                           "url": self.scope_url("tasks:battle_map", year, township=township.pk)})
        if cadre is not None:
            crumbs.append({"label": cadre.name, "url": self.scope_url("tasks:battle_map", year, cadre=cadre.pk)})
        return crumbs


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


class BattleMapView(BattleMapScope, TemplateView):
    """The battle map page: the data is fetched from `tasks:battle_map_data` and drawn in the browser."""

    template_name = "tasks/battle_map.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        township, cadre = self.get_scope()
        year = self.get_year()
        params = {"township": township.pk if township and not cadre else None, "cadre": cadre.pk if cadre else None}
        ctx.update(
            year=year,
            years=range(year - 2, min(year + 2, LAST_YEAR) + 1),
            scope_name=cadre.name if cadre else township.name if township else metrics._county_name(self.request.user),
            breadcrumbs=self.breadcrumbs(township, cadre, year),
            data_url=self.scope_url("tasks:battle_map_data", year, **params),
            scope_params={k: v for k, v in params.items() if v is not None},
            level="person" if cadre else "township" if township else "county",
            overdue_urls=[(_("Overdue tasks"), f"{reverse('tasks:task_list')}?state=overdue&year={year}"),
                          (_("Overdue supervised items"), f"{reverse('tasks:superviseditem_list')}?state=overdue")],
            i18n=script_strings(),
            states=[{"key": k, "label": label, "colour": colour} for k, (label, colour) in metrics.STATES.items()
                    if k != metrics.CANCELLED],
        )
        return ctx


def script_strings():
    """The words the battle map's script shows, translated here."""
    return {
        "progress": _("Progress"),
        "rate_detail": _("{on_time} of {due} due done on time"),
        "rate_bar": _("Implementation rate: {rate}"),
        "by_township": _("Implementation rate by township"),
        "by_member": _("Implementation rate by team member"),
        "township": _("Township"),
        "member": _("Team member"),
        "implementation_rate": _("Implementation rate"),
        "target": _("Target 100%"),
        "overdue_only": _("Overdue items (open a township to see all of its work)"),
        "limited": _("(the first {shown} by deadline; the figures count them all)"),
        "plan": _("Plan"),
        "milestone": _("Milestone"),
        "today": _("Today"),
        "supervised": _("Supervised item"),
        "task": _("Task"),
        "failed": _("The battle map could not be loaded. Reload the page to try again."),
        "rate_short": _("Implementation rate"),
        "open_township": _("Open {name}"),
        "no_due": _("Nothing due yet"),
        "overdue_top": _("The {shown} earliest overdue of {total}"),
        "done_late": _("Done late"),
        "average_progress": _("Average progress"),
        "timeline_open": _("Open work, most urgent first"),
        "timeline_top": _("(the {shown} most urgent of {open}; the table below holds them all)"),
        "nothing": _("Nothing to show for this scope and year."),
        "count": _("({count})"),
    }


class BattleMapDataView(BattleMapScope, View):
    """The battle-map data of a scope as JSON (a fixed number of queries whatever the rows)."""

    def get(self, request):
        township, cadre = self.get_scope()
        year = self.get_year()
        data = metrics.battle_map(request.user, township=township, cadre=cadre, year=year)
        for group in data["groups"]:
            if group["id"] is None:
                group["url"] = None
            elif group["level"] == "township":
                group["url"] = self.scope_url("tasks:battle_map", year, township=group["id"])
            else:
                group["url"] = self.scope_url("tasks:battle_map", year, cadre=group["id"])
        data["breadcrumbs"] = self.breadcrumbs(township, cadre, year)
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


class BulletinDetailView(views.BulletinDetailView):
    """A bulletin with its figures computed from the records, and its downloads."""

    template_name = "tasks/bulletin_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        data = bulletin_documents.bulletin_data(self.object, self.request.user)
        ctx["data"] = data
        ctx["summary"] = bulletin_documents.summary_sentence(data)
        ctx["intro"] = bulletin_documents.intro_sentence(data)
        ctx["definitions"] = bulletin_documents.definitions()
        return ctx


class BulletinDownloadView(ScopedMixin, View):
    """The bulletin as .docx or .xlsx, computed over what the user may see; the export is audited."""

    model = Bulletin
    formats = {
        "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", bulletin_documents.bulletin_docx),
        "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bulletin_documents.bulletin_xlsx),
    }
    file_format = "docx"

    def get(self, request, pk):
        """A link only asks (the bulletin page posts at once): a prefetched or forged link starts no work."""
        bulletin = get_object_or_404(self.get_queryset(), pk=pk)
        return render(request, "core/prepare_file.html", {
            "title": bulletin.title,
            "message": _("The document is made from the records as they are now."),
            "back_url": bulletin.get_absolute_url(),
        })

    def post(self, request, pk):
        """The document is made by a background job (banzi/jobs.works.bulletin, audited there); the page
        follows its progress to the download. A job that has already finished (the immediate backend)
        hands the file over at once."""
        from banzi.jobs import files, runner
        from banzi.jobs.models import Job

        bulletin = get_object_or_404(self.get_queryset(), pk=pk)
        job = runner.start(request.user, Job.Kind.BULLETIN, f"{bulletin.title}.{self.file_format}", params={
            # The red band (红头) is for documents issued under the body's own header; ?red_band=0 leaves it off.
            "bulletin": bulletin.pk, "format": self.file_format, "red_band": request.GET.get("red_band") != "0",
        })
        content = files.read(job) if job.status == Job.Status.DONE else None
        if content is None:
            return HttpResponseRedirect(job.get_absolute_url())
        response = HttpResponse(content, content_type=self.formats[self.file_format][0])
        response["Content-Disposition"] = content_disposition_header(True, job.file_name)
        response.audit_export = False  # recorded by the job
        return response
