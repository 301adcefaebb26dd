"""Frontline-practice pages: declarations over core's generic views, detail pages with their related
records, and the read-only figure pages (designation map, campaign overview, enterprise service,
hard-place tempering, mentoring, a cadre's frontline record)."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

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
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


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
                     queryset=Posting.objects.filter(metrics.active_on(timezone.localdate()),
                                                     kind=Posting.Kind.FIRST_SECRETARY).select_related("cadre")))
        return queryset.visible_to(self.request.user).order_by("-year", "organization__township__sort_order",
                                                               "organization__name")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = None
        ctx["grid_url"] = reverse("practice:designation_grid")
        return ctx


class DesignationGridView(LoginRequiredMixin, TemplateView):
    """The map-like overview: every township's villages as tiles coloured by designation."""

    template_name = "practice/designation_grid.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["grid"] = metrics.designation_grid(self.request.user, _year(self.request))
        return ctx


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


class CampaignOverviewView(LoginRequiredMixin, TemplateView):
    template_name = "practice/campaign.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["overview"] = metrics.campaign_overview(self.request.user, _year(self.request))
        return ctx


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


class EnterpriseServiceView(LoginRequiredMixin, TemplateView):
    template_name = "practice/enterprise_service.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["summary"] = metrics.enterprise_service(self.request.user)
        return ctx


class TemperingView(LoginRequiredMixin, TemplateView):
    template_name = "practice/tempering.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["tempering"] = metrics.tempering(self.request.user)
        ctx["can_post"] = can_write_model(self.request.user, Posting)
        return ctx


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


class MentoringOverviewView(LoginRequiredMixin, TemplateView):
    template_name = "practice/mentoring.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["mentoring"] = metrics.mentoring(self.request.user)
        ctx["can_pair"] = can_write_model(self.request.user, Mentorship)
        return ctx


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

    def form_valid(self, form):
        self.participants = form.cleaned_data.get("participants")
        return super().form_valid(form)

    def service(self, user, visit):
        return services.save_visit(user, visit, participants=self.participants)


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

