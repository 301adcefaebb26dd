"""Governance pages: declarations over core's generic views; the meeting page with its attendance,
agenda items and (democratic life meeting) criticism, rectification and talks; the decision sheet;
the compliance calendar, the county overview and the team members' dual organizational life."""
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from openpyxl import Workbook

from banzi.core import services as core_services
from banzi.core.audit import record_event
from banzi.core.errors import single_errors
from banzi.core.models import AuditEvent
from banzi.core.uploads import FileDownloadView
from banzi.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedMixin,
    StepView,
)
from banzi.core.workflow import is_editable
from banzi.org.models import Organization

from . import filters, forms, metrics, services, tables
from .models import AgendaItem, Attendance, Meeting, OrgLifeRule
from .workflow import AGENDA_ITEMS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MEMBER = Q(attendances__role=Attendance.Role.MEMBER)


# --- meetings ---------------------------------------------------------------------------------------

class MeetingListView(ObjectListView):
    queryset = (Meeting.objects.select_related("organization", "chair")
                .annotate(due_count=Count("attendances", filter=_MEMBER),
                          present_count=Count("attendances", filter=_MEMBER & Q(attendances__present=True)))
                .order_by("-held_on", "-id"))
    filterset_class = filters.MeetingFilterSet
    table_class = tables.MeetingTable


class MeetingDetailView(ObjectDetailView):
    queryset = Meeting.objects.select_related("organization", "chair", "recorder", "lecturer")
    template_name = "governance/meeting_detail.html"
    exclude = ("attachment", "other_members_present", "opinions_solicited", "opinions_solicited_from")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        meeting, user = self.object, self.request.user
        rows = list(meeting.attendances.select_related("cadre").order_by("role", "sort_order", "id"))
        ctx["members"] = [a for a in rows if a.role == Attendance.Role.MEMBER]
        ctx["leaders"] = [a for a in rows if a.role == Attendance.Role.LEADER]
        ctx["due"], ctx["present"] = services.attendance_counts(meeting, rows)
        ctx["attendance_recorded"] = bool(ctx["members"]) and all(a.present is not None for a in ctx["members"])
        ctx["items"] = meeting.items.visible_to(user).select_related("proposer").order_by("sort_order", "id")
        if ctx["edit_url"]:
            ctx["attendance_url"] = reverse("governance:meeting_attendance", args=[meeting.pk])
            ctx["add_item_url"] = f"{reverse('governance:agendaitem_add')}?meeting={meeting.pk}"
        if meeting.is_life_meeting:
            ctx["criticisms"] = [a for a in ctx["members"] if a.self_criticism or a.criticism_received]
            ctx["rectifications"] = meeting.rectifications.visible_to(user).select_related("responsible")
            # Only who talked with whom, when and which kind: never what was said.
            ctx["talks"] = meeting.talks.visible_to(user).select_related("talker", "talkee").only(
                "id", "held_on", "kind", "talker__name", "talkee__name")
        return ctx


class MeetingEditView(ObjectEditView):
    model = Meeting
    form_class = forms.MeetingForm
    template_name = "governance/meeting_edit.html"
    service = staticmethod(services.save_meeting)

    def service_kwargs(self, form):
        return {**super().service_kwargs(form), "members_due": form.members_due_value()}


class MeetingDeleteView(ObjectDeleteView):
    model = Meeting
    service = staticmethod(services.delete_meeting)


class MeetingFileView(FileDownloadView):
    model, field = Meeting, "attachment"


class AttendanceView(ScopedMixin, FormView):
    """The attendance sheet of a meeting: every member due present or absent with a reason."""

    model = Meeting
    template_name = "governance/attendance.html"
    form_class = forms.AttendanceForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.meeting = get_object_or_404(self.get_queryset().select_related("organization"), pk=kwargs["pk"])
        if not is_editable(request.user, self.meeting):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting, "user": self.request.user}

    def form_valid(self, form):
        try:
            core_services.run(services.record_attendance, self.request.user, self.meeting,
                              **form.service_arguments())
        except ValidationError as exc:
            for error in single_errors(exc):  # each keeps its code
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The attendance has been recorded."))
        return HttpResponseRedirect(self.meeting.get_absolute_url())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.meeting}


class CriticismStep(StepView):
    model, step, form_class, prefix = Meeting, "criticism", forms.CriticismForm, "criticism"
    service = staticmethod(services.record_criticism)
    anchor = "criticism"
    success_message = gettext_lazy("The member's self-criticism has been recorded.")

    def form_kwargs(self, user, meeting):
        return {"meeting": meeting, "prefix": self.prefix}


class RectificationStep(StepView):
    model, step, form_class, prefix = Meeting, "rectification", forms.RectificationForm, "rect"
    service = staticmethod(services.add_rectification)
    anchor = "rectifications"
    success_message = gettext_lazy("The rectification measure is on the problem list.")

    def form_kwargs(self, user, meeting):
        return {"meeting": meeting, "user": user, "prefix": self.prefix}


class TalksStep(StepView):
    model, step, form_class, prefix = Meeting, "talks", forms.TalksForm, "talks"
    service = staticmethod(services.link_talks)
    anchor = "talks"
    success_message = gettext_lazy("The talks held beforehand have been linked.")

    def form_kwargs(self, user, meeting):
        return {"meeting": meeting, "user": user, "prefix": self.prefix}


# --- agenda items and decisions ---------------------------------------------------------------------

class AgendaItemListView(ObjectListView):
    queryset = AgendaItem.objects.select_related("meeting", "proposer")
    filterset_class = filters.AgendaItemFilterSet
    table_class = tables.AgendaItemTable


class AgendaItemDetailView(ObjectDetailView):
    queryset = AgendaItem.objects.select_related("meeting__organization", "meeting__chair", "proposer",
                                                 "reconsiders")
    template_name = "governance/agendaitem_detail.html"
    fields = ("meeting", "sort_order", "title", "category", "proposer", "description", "reconsiders")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        item = self.object
        ctx["opinions"] = item.opinions.select_related("cadre")
        ctx["reconsiderations"] = item.reconsiderations.visible_to(self.request.user)
        return ctx

    def step_link(self, step, item):
        if step.name == "reconsider":  # a new item that refers to this one
            return "{}?reconsiders={}&category={}".format(reverse("governance:agendaitem_add"), item.pk, item.category)
        return reverse("governance:agendaitem_decision", args=[item.pk])


class AgendaItemEditView(ObjectEditView):
    model = AgendaItem
    form_class = forms.AgendaItemForm
    service = staticmethod(services.save_agenda_item)


class AgendaItemDeleteView(ObjectDeleteView):
    model = AgendaItem


class DecisionView(ScopedMixin, FormView):
    """The decision sheet of an agenda item; a broken rule comes back as one message above the sheet,
    with what was entered kept."""

    model = AgendaItem
    template_name = "governance/decision.html"
    form_class = forms.DecisionForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.item = get_object_or_404(self.get_queryset().select_related("meeting__chair", "meeting__organization"),
                                      pk=kwargs["pk"])
        if not is_editable(request.user, self.item) or not AGENDA_ITEMS.permits(request.user, self.item, "decision"):
            raise PermissionDenied
        if AGENDA_ITEMS.refusal(self.item, "decision"):
            messages.info(request, _("This item is already decided; reconsider it with a new item."))
            return HttpResponseRedirect(self.item.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "item": self.item}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            core_services.run(
                services.record_decision, self.request.user, self.item, opinions=form.opinions(), outcome=data["outcome"],
                votes_for=data["votes_for"], votes_against=data["votes_against"], votes_abstain=data["votes_abstain"],
                decision=data["decision"])
        except ValidationError as exc:
            for error in single_errors(exc):  # each keeps its code
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The decision has been recorded: %(outcome)s.") % {
            "outcome": self.item.get_outcome_display()})
        return HttpResponseRedirect(self.item.get_absolute_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.item
        ctx["due"], ctx["present"] = services.attendance_counts(self.item.meeting)
        return ctx


# --- organizational-life rules and compliance -------------------------------------------------------

class OrgLifeRuleListView(ObjectListView):
    queryset = OrgLifeRule.objects.all()
    filterset_class = filters.OrgLifeRuleFilterSet
    table_class = tables.OrgLifeRuleTable


class OrgLifeRuleDetailView(ObjectDetailView):
    queryset = OrgLifeRule.objects.all()


class OrgLifeRuleEditView(ObjectEditView):
    model = OrgLifeRule
    form_class = forms.OrgLifeRuleForm


class YearView(LoginRequiredMixin, TemplateView):
    """A figures page for a year (?year=), exportable to Excel (?_export=xlsx) with its rows."""

    title = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        self.year = metrics.year_param(self.request.GET.get("year"))
        query = self.request.GET.copy()
        query["_export"] = "xlsx"
        ctx.update(year=self.year, years=range(self.year - 2, self.year + 2), export_url=f"?{query.urlencode()}")
        ctx.update(self.figures(self.request.user, self.year))
        return ctx

    def figures(self, user, year):
        raise NotImplementedError

    def export_rows(self, ctx):
        """The header and rows of the Excel export."""
        raise NotImplementedError

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("_export") != "xlsx":
            return super().render_to_response(context, **kwargs)
        book = Workbook()
        sheet = book.active
        for row in self.export_rows(context):
            sheet.append([str(v) if v is not None else "" for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=self.request.user,
                     detail=f"{self.title} ?{self.request.GET.urlencode()}", request=self.request)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(str(self.title))}-{self.year}.xlsx"
        return response


class ComplianceView(YearView):
    """The compliance calendar of the organizations of a township (or one organization) for a year."""

    template_name = "governance/compliance.html"
    title = gettext_lazy("Organizational-life compliance")

    def figures(self, user, year):
        params = self.request.GET
        townships = Organization.objects.visible_to(user).filter(kind=Organization.Kind.TOWNSHIP)
        township = townships.filter(pk=params["township"]).first() if params.get("township", "").isdigit() else None
        if township is None and user.township_id:
            township = townships.filter(pk=user.township_id).first()
        township = township or townships.order_by("sort_order", "name").first()
        organizations = metrics.organizations_with_rules(user, township) if township else []
        if params.get("organization", "").isdigit():
            organizations = [o for o in organizations if o.pk == int(params["organization"])]
        entries = metrics.compliance(organizations, year)
        return {"township": township, "townships": townships, "entries": entries,
                "misses": metrics.missing_meetings(entries), "statuses": metrics.STATUS_LABELS,
                "colours": metrics.STATUS_COLOURS}

    def export_rows(self, ctx):
        yield [_("organization"), _("meeting kind"), _("frequency"), _("period"), _("status"), _("meetings")]
        for entry in ctx["entries"]:
            for row in entry.rows:
                for cell in row.cells:
                    yield [entry.organization, row.rule.get_meeting_kind_display(), row.rule.get_frequency_display(),
                           cell.period.label, cell.label, len(cell.meetings)]


class OverviewView(YearView):
    """The county overview: per township, the required meetings of the year held and missing."""

    template_name = "governance/overview.html"
    title = gettext_lazy("Compliance overview")

    def figures(self, user, year):
        return {"rows": metrics.county_overview(user, year)}

    def export_rows(self, ctx):
        yield [_("township"), _("organizations"), _("held"), _("missing"), _("attendance below the minimum"), _("rate")]
        for row in ctx["rows"]:
            yield [row.township, row.organizations, row.held, row.missing, row.short,
                   "" if row.rate is None else f"{row.rate}%"]


class DualLifeView(YearView):
    """Team members' attendance at lower-level organizational life meetings against the minimum."""

    template_name = "governance/dual_life.html"
    title = gettext_lazy("Team members' dual organizational life")

    def figures(self, user, year):
        rows = metrics.dual_org_life(user, year)
        return {"rows": rows, "short_count": sum(1 for r in rows if r.short_by),
                "minimum": metrics.rules.get(metrics.ORG_LIFE_RULE)["lower_level_minimum"]}

    def export_rows(self, ctx):
        yield [_("township"), _("team member"), _("position"), _("attended"), _("minimum")]
        for row in ctx["rows"]:
            yield [row.membership.team.township, row.membership.cadre, row.membership.position, row.count, row.minimum]
