"""Study pages: declarations over core's generic views, the phone page of a cadre's own daily
study with its monthly calendar, the committee's per-person monthly totals, an organization's
study calendar and a cadre's study history (both read the `sources` registry), and the
lead-by-example matrix per team and page per leader (both read the `credits` registry)."""
import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django.views.generic.edit import FormView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from banzi.core import clock
from banzi.core import services as core_services
from banzi.core.exporting import TableWorkbook
from banzi.core.roles import STAFF, Role, has_role
from banzi.core.scoping import can_write_model, sees_everything
from banzi.core.uploads import FileDownloadView
from banzi.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from banzi.org.models import Cadre, Organization

from . import credits, filters, forms, metrics, services, tables
from .models import (
    LeadDuty,
    LeadDutyEvidence,
    LeadDutyRecord,
    StudyAttendance,
    StudyKind,
    StudyRecord,
    StudySession,
)


def is_staff(user):
    return has_role(user, STAFF)


def is_cadre(user):
    return getattr(user, "role", None) == Role.CADRE and bool(user.cadre_id)


def _int(value, default, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


def _month(request):
    """(year, month) from ?month=YYYY-MM, defaulting to this month."""
    today = clock.today()
    text = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-", 1))
        datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return today.year, today.month
    return (year, month) if 2000 <= year <= today.year + 1 else (today.year, today.month)


def _neighbours(year, month):
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{previous[0]}-{previous[1]:02d}", f"{following[0]}-{following[1]:02d}"


class UploadEditView(ObjectEditView):
    template_name = "study/object_edit_upload.html"


# --- group study sessions ----------------------------------------------------------------------

class StudySessionListView(ObjectListView):
    queryset = StudySession.objects.select_related("organization", "lecturer").annotate(
        present_count=Count("attendances", filter=Q(attendances__status=StudyAttendance.Status.PRESENT))).order_by("-held_on", "-id")
    filterset_class = filters.StudySessionFilterSet
    table_class = tables.StudySessionTable


class StudySessionDetailView(ObjectDetailView):
    queryset = StudySession.objects.select_related("organization", "lecturer")
    template_name = "study/studysession_detail.html"
    exclude = ("lecturer_name",)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        attendances = self.object.attendances.visible_to(self.request.user).select_related("cadre")
        ctx["attendance_table"] = tables.StudyAttendanceTable(
            attendances.order_by("-role", "status", "cadre__name_pinyin"), orderable=False, exclude=("session",))
        ctx.update(attendances.order_by().aggregate(
            present=Count("pk", filter=Q(status=StudyAttendance.Status.PRESENT)),
            absent=Count("pk", filter=Q(status=StudyAttendance.Status.ABSENT))))
        ctx["credits"] = self.duty_credits(attendances)
        if ctx["edit_url"]:
            ctx["add_attendance_url"] = f"{reverse('study:studyattendance_add')}?session={self.object.pk}"
            ctx["sign_in_url"] = reverse("study:session_sign_in", args=[self.object.pk])
        return ctx


    def duty_credits(self, attendances):
        """The lead-by-example duties this session proves, read from the credits registry."""
        people = {a.cadre_id: a.cadre for a in attendances}
        if self.object.lecturer_id:
            people[self.object.lecturer_id] = self.object.lecturer
        held_on = self.object.held_on
        names = {d.key: d.name for d in LeadDuty.objects.all()}
        return [{"cadre": people[c.cadre_id], "duty": names.get(c.duty_key, c.duty_key)}
                for c in credits.credits_for(people, held_on, held_on)
                if c.source == metrics.SESSION_SOURCE and c.source_id == self.object.pk]


class StudySessionEditView(ObjectEditView):
    model = StudySession
    form_class = forms.StudySessionForm
    service = staticmethod(services.save_session)

    def service_kwargs(self, form):
        return {**super().service_kwargs(form), "attendees": list(form.cleaned_data.get("attendees") or [])}


class StudyAttendanceListView(ObjectListView):
    queryset = StudyAttendance.objects.select_related("cadre", "session__organization")
    filterset_class = filters.StudyAttendanceFilterSet
    table_class = tables.StudyAttendanceTable


class StudyAttendanceDetailView(ObjectDetailView):
    queryset = StudyAttendance.objects.select_related("cadre", "session")


class StudyAttendanceEditView(ObjectEditView):
    model = StudyAttendance
    form_class = forms.StudyAttendanceForm
    service = staticmethod(services.save_attendance)

    def get_success_url(self):
        return self.saved.session.get_absolute_url()


# --- personal daily study ----------------------------------------------------------------------

class StudyRecordListView(ObjectListView):
    queryset = StudyRecord.objects.select_related("cadre")
    filterset_class = filters.StudyRecordFilterSet
    table_class = tables.StudyRecordTable

    def get_table_kwargs(self):
        # The material is the cadre's own; a committee's list and export show whose, when and how long.
        return {} if is_cadre(self.request.user) else {"exclude": ("material",)}


class StudyRecordDetailView(ObjectDetailView):
    queryset = StudyRecord.objects.select_related("cadre")

    def get_field_names(self):
        if self.object.cadre_id == getattr(self.request.user, "cadre_id", None):
            return ["cadre", "studied_on", "minutes", "material", "note"]
        return ["cadre", "studied_on", "minutes"]


class StudyRecordEditView(ObjectEditView):
    model = StudyRecord
    form_class = forms.StudyRecordForm
    service = staticmethod(services.save_study_record)

    def get_success_url(self):
        if self.saved.cadre_id == getattr(self.request.user, "cadre_id", None):
            return f"{reverse('study:my_study')}?month={self.saved.studied_on:%Y-%m}"
        return super().get_success_url()


class MyStudyView(LoginRequiredMixin, FormView):
    """A cadre's own daily study: a quick entry (a few taps on a phone) and the month's calendar."""

    template_name = "study/my_study.html"
    form_class = forms.MyStudyForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_cadre(request.user):
            return HttpResponseRedirect(reverse("study:monthly_totals"))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            record = core_services.run(services.record_my_study, self.request.user, studied_on=data["studied_on"],
                                       minutes=data["minutes"], material=data["material"], note=data.get("note", ""))
        except ValidationError as exc:
            for field, errors in exc.update_error_dict({}).items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded %(minutes)d minutes of study on %(date)s.") % {
            "minutes": record.minutes, "date": record.studied_on.isoformat()})
        return HttpResponseRedirect(f"{reverse('study:my_study')}?month={record.studied_on:%Y-%m}")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cadre = self.request.user.cadre
        year, month = _month(self.request)
        days, total = metrics.my_month(cadre, year, month)
        ctx.update(
            cadre=cadre, year=year, month=month, total=total, days_studied=len(days), today=clock.today(),
            weeks=[[(day, days.get(day, []), sum(r.minutes for r in days.get(day, []))) for day in week]
                   for week in metrics.month_weeks(year, month)],
            records=[r for day in sorted(days, reverse=True) for r in days[day]],
            previous=_neighbours(year, month)[0], following=_neighbours(year, month)[1],
            reminder=getattr(cadre, "study_preference", None),
        )
        return ctx


class ReminderChoiceView(LoginRequiredMixin, TemplateView):
    """POST: a cadre turns their gentle weekly reminder on or off."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        preference = core_services.run(services.set_reminder_choice, request.user, request.POST.get("remind") == "on")
        messages.success(request, _("You will be reminded after a week without a study record.")
                         if preference.remind_after_a_week else _("Study reminders are off."))
        return HttpResponseRedirect(reverse("study:my_study"))


class MonthlyTotalsView(LoginRequiredMixin, ExportMixin, SingleTableMixin, TemplateView):
    """Per person, the month's study days and minutes, by name: for encouragement, never a ranking."""

    template_name = "study/monthly_totals.html"
    table_class = tables.MonthlyTotalTable
    paginate_by = 100
    export_formats = ("xlsx",)
    export_trigger_param = "_export"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_township(self):
        pk = self.request.GET.get("township", "")
        if not pk.isdigit():
            return None
        return Organization.objects.visible_to(self.request.user).filter(
            kind=Organization.Kind.TOWNSHIP, pk=pk).first()

    def get_table_data(self):
        self.year, self.month = _month(self.request)
        self.township = self.get_township()
        return metrics.monthly_totals(self.request.user, self.year, self.month, self.township)

    def get_table_pagination(self, table):
        return {"per_page": self.paginate_by}

    export_class = TableWorkbook

    def get_export_filename(self, export_format):
        return f"{_('Monthly study totals')}-{self.year}-{self.month:02d}.{export_format}"

    def get_dataset_kwargs(self):
        title = f"{_('Monthly study totals')} {self.year}-{self.month:02d}"
        return {"title": f"{title} · {self.township}" if self.township else title}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query["_export"] = "xlsx"
        ctx.update(year=self.year, month=self.month, township=self.township, export_url=f"?{query.urlencode()}",
                   month_value=f"{self.year}-{self.month:02d}",
                   townships=Organization.objects.visible_to(self.request.user).filter(kind=Organization.Kind.TOWNSHIP))
        return ctx


# --- an organization's study calendar and a cadre's study history -------------------------------

class StudyCalendarView(LoginRequiredMixin, TemplateView):
    """The group study of the organizations in scope, month by month, from every registered source."""

    template_name = "study/calendar.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        year, month = _month(self.request)
        organizations = Organization.objects.visible_to(user).filter(is_active=True).exclude(
            kind=Organization.Kind.COUNTY).order_by("kind", "sort_order", "name")
        organization = None
        pk = self.request.GET.get("organization", "")
        if pk.isdigit():
            organization = organizations.filter(pk=pk).first()
        ids = {organization.pk} if organization else None
        if is_cadre(user):
            ids = {user.cadre.organization_id}
        days = metrics.organization_calendar(user, year, month, ids)
        names = dict(Organization.objects.filter(
            pk__in={s.organization_id for studies in days.values() for s in studies}).values_list("pk", "name"))
        kinds = dict(StudyKind.choices)
        ctx.update(
            year=year, month=month, month_value=f"{year}-{month:02d}", organization=organization,
            organizations=organizations if not is_cadre(user) else [], names=names, kinds=kinds,
            weeks=[[(day, days.get(day, []), 0) for day in week] for week in metrics.month_weeks(year, month)],
            studies=[s for day in sorted(days) for s in days[day]], total=sum(len(v) for v in days.values()),
            previous=_neighbours(year, month)[0], following=_neighbours(year, month)[1],
            can_add=can_write_model(user, StudySession),
        )
        return ctx


class CadreStudyView(LoginRequiredMixin, TemplateView):
    """A cadre's study in a year: group study from every source, and their daily study per month
    (the cadre sees their own records; a committee sees the monthly totals)."""

    template_name = "study/cadre_study.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        cadre = get_object_or_404(Cadre.objects.visible_to(user).select_related("organization"), pk=self.kwargs["pk"])
        year = _int(self.request.GET.get("year"), clock.today().year, 2000, 2100)
        studies = metrics.cadre_group_studies(cadre, year)
        months = metrics.cadre_months(cadre, year)
        names = dict(Organization.objects.filter(pk__in={s.organization_id for s in studies}).values_list("pk", "name"))
        ctx.update(cadre=cadre, year=year, studies=studies, names=names, kinds=dict(StudyKind.choices),
                   months=months, own=cadre.pk == getattr(user, "cadre_id", None),
                   group_minutes=sum(s.minutes for s in studies), daily_minutes=sum(m["minutes"] for m in months))
        return ctx


# --- the nine lead-by-example duties -------------------------------------------------------------

class LeadDutyListView(ObjectListView):
    queryset = LeadDuty.objects.all()
    filterset_class = filters.LeadDutyFilterSet
    table_class = tables.LeadDutyTable


class LeadDutyDetailView(ObjectDetailView):
    queryset = LeadDuty.objects.all()


class LeadDutyEditView(ObjectEditView):
    model = LeadDuty
    form_class = forms.LeadDutyForm


class LeadDutyRecordListView(ObjectListView):
    queryset = LeadDutyRecord.objects.select_related("cadre", "duty").annotate(evidence_count=Count("evidence")).order_by(
        "-done_on", "-id")
    filterset_class = filters.LeadDutyRecordFilterSet
    table_class = tables.LeadDutyRecordTable


class LeadDutyRecordDetailView(ObjectDetailView):
    queryset = LeadDutyRecord.objects.select_related("cadre", "duty")
    template_name = "study/leaddutyrecord_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["evidence"] = list(self.object.evidence.visible_to(self.request.user).order_by("id"))
        if ctx["edit_url"]:
            ctx["add_evidence_url"] = f"{reverse('study:leaddutyevidence_add')}?record={self.object.pk}"
        return ctx


class LeadDutyRecordEditView(UploadEditView):
    model = LeadDutyRecord
    form_class = forms.LeadDutyRecordForm
    service = staticmethod(services.save_duty_record)

    def service_kwargs(self, form):
        return {**super().service_kwargs(form), "evidence_file": form.cleaned_data.get("evidence_file")}


class LeadDutyEvidenceListView(ObjectListView):
    queryset = LeadDutyEvidence.objects.select_related("record__cadre", "record__duty")
    filterset_class = filters.LeadDutyEvidenceFilterSet
    table_class = tables.LeadDutyEvidenceTable


class LeadDutyEvidenceDetailView(ObjectDetailView):
    queryset = LeadDutyEvidence.objects.select_related("record__cadre", "record__duty")
    template_name = "study/leaddutyevidence_detail.html"


class LeadDutyEvidenceEditView(UploadEditView):
    model = LeadDutyEvidence
    form_class = forms.LeadDutyEvidenceForm
    service = staticmethod(services.save_evidence)

    def get_success_url(self):
        return self.saved.record.get_absolute_url()


class LeadDutyEvidenceFileView(FileDownloadView):
    model, field = LeadDutyEvidence, "file"


class DutyMatrixView(LoginRequiredMixin, TemplateView):
    """A township team's yearly matrix: its leaders × the active duties, each cell its proofs."""

    template_name = "study/duty_matrix.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_staff(request.user):
            if is_cadre(request.user):
                return HttpResponseRedirect(reverse("study:my_duties"))
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        year = _int(self.request.GET.get("year"), clock.today().year, 2000, 2100)
        townships = Organization.objects.visible_to(user).filter(kind=Organization.Kind.TOWNSHIP).order_by(
            "sort_order", "name")
        pk = self.request.GET.get("township", "")
        township = townships.filter(pk=pk).first() if pk.isdigit() else None
        if township is None and not sees_everything(user):
            township = townships.first()
        team = metrics.current_team(township) if township else None
        matrix = metrics.team_matrix(team, year) if team else None
        this_year = clock.today().year
        rows = [(label, cadre, cells, sum(1 for cell in cells if cell.count))
                for label, cadre, cells in (matrix.rows if matrix else [])]
        ctx.update(year=year, years=list(range(this_year, this_year - 6, -1)), townships=townships,
                   township=township, team=team, matrix=matrix, rows=rows,
                   totals=matrix.totals() if matrix else [])
        return ctx


class LeaderDutiesView(LoginRequiredMixin, TemplateView):
    """One leader's year: which of the duties they have shown, with every proof."""

    template_name = "study/leader_duties.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        cadre = get_object_or_404(Cadre.objects.visible_to(user).select_related("organization"), pk=self.kwargs["pk"])
        year = _int(self.request.GET.get("year"), clock.today().year, 2000, 2100)
        matrix = metrics.duty_matrix([cadre], year)
        cells = matrix.rows[0][2]
        duties = list(zip(matrix.duties, cells, strict=True))
        this_year = clock.today().year
        ctx.update(cadre=cadre, year=year, years=list(range(this_year, this_year - 6, -1)), duties=duties,
                   shown=sum(1 for _d, cell in duties if cell.count), own=cadre.pk == getattr(user, "cadre_id", None),
                   can_add=can_write_model(user, LeadDutyRecord))
        return ctx


class MyDutiesView(LoginRequiredMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        if not is_cadre(request.user):
            raise Http404
        return HttpResponseRedirect(reverse("study:leader_duties", args=[request.user.cadre_id]))
