"""Frontline-practice pages: declarations over core's generic views, detail pages with their related
records, and the read-only figure pages (designation map, campaign overview, enterprise service,
hard-place tempering, mentoring, a cadre's frontline record)."""
import datetime
import io

import openpyxl
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from banzi.core import clock
from banzi.core.audit import record_event
from banzi.core.importing.workbook import XLSX_CONTENT_TYPE
from banzi.core.models import AuditEvent
from banzi.core.scoping import can_write_model
from banzi.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from banzi.org.models import Cadre, VillageDesignation

from . import filters, forms, metrics, services, tables
from .models import (
    Mentorship,
    MentorshipMeeting,
    Posting,
    RectificationGroup,
    StudyVisit,
    VillageRectification,
    WorkLog,
)


def _year(request):
    try:
        year = int(request.GET.get("year") or clock.today().year)
    except ValueError:
        return clock.today().year
    return year if 2000 <= year <= 2100 else clock.today().year


class FigurePage(LoginRequiredMixin, TemplateView):
    """A read-only figure page: `figure(user[, year])` from metrics, in the context as `name`;
    `can_act` tells whether the user may add the `action_model` records the page suggests. With
    `?_export=xlsx` the page's table (`export_rows`) downloads as Excel."""

    name = figure = action_model = None
    by_year = False
    title = ""

    def compute(self):
        args = (_year(self.request),) if self.by_year else ()
        return self.figure(self.request.user, *args)

    def get(self, request, *args, **kwargs):
        if request.GET.get("_export") == "xlsx" and hasattr(self, "export_rows"):
            return self.export(self.compute())
        return super().get(request, *args, **kwargs)

    def export(self, data):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        for row in self.export_rows(data):
            sheet.append([str(v) if v is not None and not isinstance(v, int | datetime.date) else v for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=self.request.user,
                     detail=f"{self.title} ?{self.request.GET.urlencode()}", request=self.request)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
        stamp = clock.local_now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = content_disposition_header(True, f"{self.title}-{stamp}.xlsx")
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx[self.name] = self.compute()
        ctx["can_act"] = bool(self.action_model) and can_write_model(self.request.user, self.action_model)
        ctx["export_url"] = "?" + "&".join(filter(None, [self.request.GET.urlencode(), "_export=xlsx"]))
        return ctx


# --- designations and rectification -----------------------------------------------------------

class DesignationOverviewView(ObjectListView):
    """The registry's village designations with their rectification and first secretaries."""

    model = VillageDesignation
    template_name = "practice/designation_list.html"
    filterset_class = filters.DesignationOverviewFilterSet
    table_class = tables.DesignationOverviewTable

    def get_queryset(self):
        # "Today" is worked out per request, not when the module is loaded.
        queryset = VillageDesignation.objects.select_related("organization__township", "rectification").prefetch_related(
            Prefetch("organization__postings", to_attr="first_secretary_postings",
                     queryset=Posting.objects.filter(metrics.active_on(clock.today()),
                                                     kind=Posting.Kind.FIRST_SECRETARY).select_related("cadre")))
        return queryset.visible_to(self.request.user).order_by("-year", "organization__township__sort_order",
                                                               "organization__name")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = None
        ctx["grid_url"] = reverse("practice:designation_grid")
        return ctx


class DesignationGridView(FigurePage):
    """The map-like overview: every township's villages as tiles coloured by designation."""

    template_name = "practice/designation_grid.html"
    name, figure, by_year = "grid", staticmethod(metrics.designation_grid), True


class VillageRectificationListView(ObjectListView):
    queryset = VillageRectification.objects.select_related("designation__organization__township")
    filterset_class = filters.VillageRectificationFilterSet
    table_class = tables.VillageRectificationTable


class VillageRectificationDetailView(ObjectDetailView):
    queryset = VillageRectification.objects.select_related("designation__organization")


class VillageRectificationEditView(ObjectEditView):
    model = VillageRectification
    form_class = forms.VillageRectificationForm
    service = staticmethod(services.save_rectification)


class RectificationGroupListView(ObjectListView):
    queryset = RectificationGroup.objects.select_related("township", "leader").annotate(
        member_count=Count("postings")).order_by("-year", "township__sort_order", "township__name")
    filterset_class = filters.RectificationGroupFilterSet
    table_class = tables.RectificationGroupTable


class RectificationGroupDetailView(ObjectDetailView):
    queryset = RectificationGroup.objects.select_related("township", "leader")
    template_name = "practice/rectificationgroup_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        group = self.object
        ctx["villages"] = group.covered_designations().select_related("organization", "rectification").order_by(
            "organization__sort_order", "organization__name", "category")
        ctx["members"] = group.postings.visible_to(self.request.user).select_related("cadre", "organization")
        if ctx["edit_url"]:
            ctx["add_member_url"] = f"{reverse('practice:posting_add')}?kind={Posting.Kind.RECTIFICATION}&group={group.pk}"
        return ctx


class RectificationGroupEditView(ObjectEditView):
    model = RectificationGroup
    form_class = forms.RectificationGroupForm
    service = staticmethod(services.save_group)


class CampaignOverviewView(FigurePage):
    template_name = "practice/campaign.html"
    name, figure, by_year = "overview", staticmethod(metrics.campaign_overview), True
    title = gettext_lazy("Rectification campaign")

    def export_rows(self, data):
        yield [_("township"), _("campaign"), _("group leader"), _("members"), _("villages covered"), _("lifted"),
               _("average progress")]
        for r in data["rows"]:
            yield [r["township"], r["group"].campaign if r["group"] else "", r["leader"] or "", r["members"],
                   r["villages"], r["lifted"], r["progress"]]


# --- postings and work logs -------------------------------------------------------------------

class PostingListView(ObjectListView):
    queryset = Posting.objects.select_related("cadre", "organization__township").annotate(log_count=Count("logs")).order_by(
        "-started_on", "-id")
    filterset_class = filters.PostingFilterSet
    table_class = tables.PostingTable
    import_url_name = "practice:posting_import"


class PostingDetailView(ObjectDetailView):
    queryset = Posting.objects.select_related("cadre", "organization", "group__township")
    template_name = "practice/posting_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        logs = self.object.logs.visible_to(self.request.user).order_by("-logged_on", "-id")
        ctx["logs"] = logs[:100]
        ctx["log_totals"] = logs.order_by().aggregate(visits=Sum("visits"), found=Sum("problems_found"),
                                                      solved=Sum("problems_solved"))
        if can_write_model(self.request.user, WorkLog):
            ctx["add_log_url"] = f"{reverse('practice:worklog_add')}?posting={self.object.pk}"
        ctx["record_url"] = reverse("practice:record", args=[self.object.cadre_id])
        return ctx


class PostingEditView(ObjectEditView):
    model = Posting
    form_class = forms.PostingForm
    service = staticmethod(services.save_posting)


class WorkLogListView(ObjectListView):
    queryset = WorkLog.objects.select_related("posting__cadre", "posting__organization")
    filterset_class = filters.WorkLogFilterSet
    table_class = tables.WorkLogTable


class WorkLogDetailView(ObjectDetailView):
    queryset = WorkLog.objects.select_related("posting__cadre", "posting__organization")


class WorkLogEditView(ObjectEditView):
    model = WorkLog
    form_class = forms.WorkLogForm
    service = staticmethod(services.save_work_log)


class EnterpriseServiceView(FigurePage):
    template_name = "practice/enterprise_service.html"
    name, figure = "summary", staticmethod(metrics.enterprise_service)
    title = gettext_lazy("Enterprise service")

    def export_rows(self, data):
        yield [_("township"), _("cadres"), _("enterprises"), _("visits"), _("problems reported"),
               _("problems solved")]
        for r in data["by_township"]:
            yield [r["township"], r["cadres"], r["enterprises"], r["visits"], r["found"], r["solved"]]
        yield [_("County"), data["cadres"], data["enterprises"], data["visits"], data["found"], data["solved"]]


class TemperingView(FigurePage):
    template_name = "practice/tempering.html"
    name, figure, action_model = "tempering", staticmethod(metrics.tempering), Posting
    title = gettext_lazy("Hard-place tempering")

    def export_rows(self, data):
        yield [_("team member"), _("township"), _("position"), _("hard-place posting"), _("since")]
        for r in data["rows"]:
            posting = r["posting"]
            yield [r["cadre"], r["township"], r["membership"].position,
                   f"{posting.get_kind_display()} · {posting.organization}" if posting else "", r["since"]]


# --- mentoring --------------------------------------------------------------------------------

class MentorshipListView(ObjectListView):
    queryset = Mentorship.objects.select_related("mentor", "mentee__organization__township").annotate(
        meeting_count=Count("meetings")).order_by("-started_on", "-id")
    filterset_class = filters.MentorshipFilterSet
    table_class = tables.MentorshipTable
    import_url_name = "practice:mentorship_import"


class MentorshipDetailView(ObjectDetailView):
    queryset = Mentorship.objects.select_related("mentor", "mentee")
    template_name = "practice/mentorship_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["meetings"] = self.object.meetings.visible_to(self.request.user).order_by("-met_on", "-id")
        if ctx["edit_url"]:
            ctx["add_meeting_url"] = f"{reverse('practice:mentorshipmeeting_add')}?mentorship={self.object.pk}"
        return ctx


class MentorshipEditView(ObjectEditView):
    model = Mentorship
    form_class = forms.MentorshipForm
    service = staticmethod(services.save_mentorship)


class MentorshipMeetingListView(ObjectListView):
    queryset = MentorshipMeeting.objects.select_related("mentorship__mentor", "mentorship__mentee")
    filterset_class = filters.MentorshipMeetingFilterSet
    table_class = tables.MentorshipMeetingTable


class MentorshipMeetingDetailView(ObjectDetailView):
    queryset = MentorshipMeeting.objects.select_related("mentorship__mentor", "mentorship__mentee")


class MentorshipMeetingEditView(ObjectEditView):
    model = MentorshipMeeting
    form_class = forms.MentorshipMeetingForm
    service = staticmethod(services.save_meeting)


class MentoringOverviewView(FigurePage):
    template_name = "practice/mentoring.html"
    name, figure, action_model = "mentoring", staticmethod(metrics.mentoring), Mentorship
    title = gettext_lazy("Mentoring overview")

    def export_rows(self, data):
        yield [_("township"), _("active pairs"), _("ended pairs"), _("new team members without a mentor")]
        for r in data["rows"]:
            yield [r["township"], r["active"], r["ended"], r["without_mentor"]]


# --- study visits -----------------------------------------------------------------------------

class StudyVisitListView(ObjectListView):
    queryset = StudyVisit.objects.select_related("organization", "host").annotate(
        participant_count=Count("participants")).order_by("-visited_on", "-id")
    filterset_class = filters.StudyVisitFilterSet
    table_class = tables.StudyVisitTable


class StudyVisitDetailView(ObjectDetailView):
    queryset = StudyVisit.objects.select_related("organization", "host")
    template_name = "practice/studyvisit_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["participants"] = self.object.participants.select_related("organization").order_by("name_pinyin")
        return ctx


class StudyVisitEditView(ObjectEditView):
    model = StudyVisit
    form_class = forms.StudyVisitForm
    service = staticmethod(services.save_visit)


# --- a cadre's frontline record ---------------------------------------------------------------

class CadreRecordView(LoginRequiredMixin, TemplateView):
    """Everything of one cadre's frontline practice: postings, rectification groups led, mentoring
    pairs on either side, and the study visits they joined."""

    template_name = "practice/record.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        cadre = get_object_or_404(Cadre.objects.visible_to(user).select_related("organization"), pk=self.kwargs["pk"])
        ctx["cadre"] = cadre
        ctx["postings"] = (Posting.objects.filter(cadre=cadre).select_related("organization")
                           .annotate(log_count=Count("logs")).order_by("-started_on"))
        ctx["groups"] = RectificationGroup.objects.filter(leader=cadre).select_related("township")
        ctx["as_mentee"] = Mentorship.objects.filter(mentee=cadre).select_related("mentor")
        ctx["as_mentor"] = Mentorship.objects.filter(mentor=cadre).select_related("mentee")
        ctx["visits"] = StudyVisit.objects.filter(participants=cadre).select_related("host").order_by("-visited_on")
        ctx["hard_since"] = next(iter(metrics.hard_postings([cadre.pk])), None)
        ctx["visible_visits"] = set(StudyVisit.objects.visible_to(user).filter(participants=cadre)
                                    .values_list("pk", flat=True))
        ctx["cadre_url"] = cadre.get_url("detail")
        return ctx


class MyRecordView(LoginRequiredMixin, View):
    """A cadre's own frontline record."""

    def get(self, request):
        if not request.user.cadre_id:
            raise Http404
        return redirect("practice:record", pk=request.user.cadre_id)

