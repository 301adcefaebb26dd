"""Training pages: declarations over core's generic views, the program page (figures, sessions,
enrollment, roster export), the session's sign-in sheet, the statistics page, the hours and
shortfall list, and the matching of training needs to upcoming programs."""
import io

import django_filters
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from openpyxl import Workbook
from openpyxl.styles import Font

from banzi.core import clock
from banzi.core import services as core_services
from banzi.core.audit import record_event
from banzi.core.filters import BaseFilterSet, YesNoFilter
from banzi.core.importing.workbook import XLSX_CONTENT_TYPE
from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from banzi.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedMixin
from banzi.org.filters import townships
from banzi.org.models import Cadre, Organization

from . import filters, forms, metrics, services, tables
from .models import (
    Attendance,
    Enrollment,
    Lecturer,
    TrainingNeed,
    TrainingProgram,
    TrainingSession,
    TrainingTopic,
)

# --- topics and lecturers ----------------------------------------------------------------------


class TrainingTopicListView(ObjectListView):
    model = TrainingTopic
    filterset_class = filters.TrainingTopicFilterSet
    table_class = tables.TrainingTopicTable


class TrainingTopicDetailView(ObjectDetailView):
    model = TrainingTopic


class TrainingTopicEditView(ObjectEditView):
    model = TrainingTopic
    form_class = forms.TrainingTopicForm


class LecturerListView(ObjectListView):
    queryset = Lecturer.objects.select_related("organization")
    filterset_class = filters.LecturerFilterSet
    table_class = tables.LecturerTable


class LecturerDetailView(ObjectDetailView):
    queryset = Lecturer.objects.select_related("organization")


class LecturerEditView(ObjectEditView):
    model = Lecturer
    form_class = forms.LecturerForm


# --- programs ----------------------------------------------------------------------------------


class TrainingProgramListView(ObjectListView):
    queryset = TrainingProgram.objects.select_related("organizer").prefetch_related("topics")
    filterset_class = filters.TrainingProgramFilterSet
    table_class = tables.TrainingProgramTable


class TrainingProgramDetailView(ObjectDetailView):
    queryset = TrainingProgram.objects.select_related("organizer")
    template_name = "training/program_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        program, user = self.object, self.request.user
        ctx["topics"] = list(program.topics.all())
        ctx["figures"] = metrics.program_figures(program)
        sessions = program.sessions.select_related("topic", "lecturer").order_by("held_on", "starts_at", "id")
        ctx["session_table"] = tables.TrainingSessionTable(sessions, orderable=False, exclude=("program",))
        ctx["enrolled_visible"] = program.enrollments.visible_to(user).count()
        ctx["roster_url"] = reverse("training:trainingprogram_roster", args=[program.pk])
        ctx["enrollments_url"] = f"{reverse('training:enrollment_list')}?program={program.pk}"
        ctx["attendances_url"] = f"{reverse('training:attendance_list')}?program={program.pk}"
        if ctx["edit_url"]:
            ctx["add_session_url"] = f"{reverse('training:trainingsession_add')}?program={program.pk}"
            ctx["enroll_form"] = forms.EnrollCadresForm(user=user, program=program)
            ctx["enroll_url"] = reverse("training:trainingprogram_enroll", args=[program.pk])
        return ctx


class TrainingProgramEditView(ObjectEditView):
    model = TrainingProgram
    form_class = forms.TrainingProgramForm
    service = staticmethod(services.save_program)


class ProgramEnrollView(ScopedMixin, View):
    """POST: enroll the chosen cadres in the program, all or none."""

    model = TrainingProgram

    def post(self, request, pk):
        program = get_object_or_404(self.get_queryset().select_related("organizer"), pk=pk)
        form = forms.EnrollCadresForm(request.POST, user=request.user, program=program)
        back = HttpResponseRedirect(program.get_absolute_url() + "#enroll")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return back
        try:
            created = core_services.run(services.enroll_cadres, request.user, program, form.chosen())
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return back
        messages.success(request, _("Enrolled %(n)d cadres.") % {"n": len(created)})
        return back


class ProgramRosterView(ScopedMixin, View):
    """The program's roster as an Excel workbook: each enrolled cadre the user may see, their unit
    and post, their attendance at each session, and their person-times and credit hours in it."""

    model = TrainingProgram

    def get(self, request, pk):
        program = get_object_or_404(self.get_queryset(), pk=pk)
        content = roster_workbook(program, request.user)
        record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=request.user, obj=program,
                     detail=_("Roster of %(program)s") % {"program": program}, request=request)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        name = _("%(program)s roster") % {"program": program.name}
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.xlsx")
        return response


def roster_workbook(program, user):
    sessions = list(program.sessions.order_by("held_on", "starts_at", "id"))
    enrollments = (program.enrollments.visible_to(user).select_related("cadre__organization")
                   .order_by("cadre__organization__name", "cadre__name_pinyin", "id"))
    marks = {}
    for cadre_id, session_id, status in Attendance.objects.filter(session__program=program).values_list(
            "cadre_id", "session_id", "status"):
        marks[(cadre_id, session_id)] = status
    labels = dict(Attendance.Status.choices)
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Roster"))[:31]
    sheet.append([program.name])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"{program.get_kind_display()} · {program.organizer} · {program.start_on:%Y-%m-%d}—"
                  f"{program.end_on:%Y-%m-%d} · {program.location}"])
    headings = [_("No."), _("full name"), _("current unit"), _("current post")]
    headings += [f"{s.held_on:%m-%d} {s.title}" for s in sessions]
    headings += [_("person-times"), _("credit hours")]
    sheet.append([str(h) for h in headings])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    hours = {s.pk: s.credit_hours for s in sessions}
    for number, enrollment in enumerate(enrollments, start=1):
        cadre = enrollment.cadre
        row = [number, cadre.name, cadre.organization.name, cadre.post]
        present = [s.pk for s in sessions if marks.get((cadre.pk, s.pk)) == Attendance.Status.PRESENT]
        row += [str(labels.get(marks.get((cadre.pk, s.pk)), "")) for s in sessions]
        row += [len(present), float(sum((hours[pk] for pk in present), 0))]
        sheet.append(row)
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 20
    sheet.column_dimensions["D"].width = 20
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- sessions ----------------------------------------------------------------------------------


class TrainingSessionListView(ObjectListView):
    queryset = TrainingSession.objects.select_related("program", "topic", "lecturer")
    filterset_class = filters.TrainingSessionFilterSet
    table_class = tables.TrainingSessionTable


class TrainingSessionDetailView(ObjectDetailView):
    queryset = TrainingSession.objects.select_related("program__organizer", "topic", "lecturer")
    template_name = "training/session_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        session, user = self.object, self.request.user
        marks = {a.cadre_id: a.status for a in session.attendances.visible_to(user)}
        enrollments = (session.program.enrollments.visible_to(user).select_related("cadre__organization")
                       .order_by("cadre__organization__name", "cadre__name_pinyin", "id"))
        ctx["sheet"] = [{"cadre": e.cadre, "status": marks.get(e.cadre_id, "")} for e in enrollments]
        ctx["statuses"] = Attendance.Status.choices
        ctx["present"] = session.attendances.visible_to(user).filter(status=Attendance.Status.PRESENT).count()
        ctx["can_mark"] = bool(ctx["edit_url"])
        ctx["sheet_url"] = reverse("training:trainingsession_sheet", args=[session.pk])
        ctx["import_url"] = reverse("training:attendance_import")
        return ctx


class TrainingSessionEditView(ObjectEditView):
    model = TrainingSession
    form_class = forms.TrainingSessionForm
    service = staticmethod(services.save_session)


class SessionSheetView(ScopedMixin, View):
    """POST the session's sign-in sheet: one status per enrolled cadre (`status-<cadre id>`)."""

    model = TrainingSession

    def post(self, request, pk):
        session = get_object_or_404(self.get_queryset().select_related("program"), pk=pk)
        marks = {}
        if "all_present" in request.POST:
            # Everyone enrolled who is not marked otherwise on the sheet is present.
            for cadre_id in session.program.enrollments.values_list("cadre_id", flat=True):
                marks[cadre_id] = Attendance.Status.PRESENT
        for key, value in request.POST.items():
            if key.startswith("status-") and key[7:].isdigit() and value:
                marks[int(key[7:])] = value
        back = HttpResponseRedirect(session.get_absolute_url() + "#sheet")
        try:
            changed = core_services.run(services.record_session_attendance, request.user, session, marks)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return back
        messages.success(request, _("Sign-in sheet saved: %(n)d attendances recorded or changed.") % {"n": changed})
        return back


# --- enrollments and attendance ----------------------------------------------------------------


class EnrollmentListView(ObjectListView):
    queryset = Enrollment.objects.select_related("program", "cadre__organization")
    filterset_class = filters.EnrollmentFilterSet
    table_class = tables.EnrollmentTable
    import_url_name = "training:enrollment_import"


class EnrollmentDetailView(ObjectDetailView):
    queryset = Enrollment.objects.select_related("program", "cadre")


class EnrollmentEditView(ObjectEditView):
    model = Enrollment
    form_class = forms.EnrollmentForm
    service = staticmethod(services.save_enrollment)


class AttendanceListView(ObjectListView):
    queryset = Attendance.objects.select_related("session__program", "cadre__organization")
    filterset_class = filters.AttendanceFilterSet
    table_class = tables.AttendanceTable
    import_url_name = "training:attendance_import"


class AttendanceDetailView(ObjectDetailView):
    queryset = Attendance.objects.select_related("session", "cadre")


class AttendanceEditView(ObjectEditView):
    model = Attendance
    form_class = forms.AttendanceForm
    service = staticmethod(services.save_attendance)


# --- needs -------------------------------------------------------------------------------------


class TrainingNeedListView(ObjectListView):
    queryset = TrainingNeed.objects.select_related("organization", "cadre", "topic", "met_by")
    filterset_class = filters.TrainingNeedFilterSet
    table_class = tables.TrainingNeedTable


class TrainingNeedDetailView(ObjectDetailView):
    queryset = TrainingNeed.objects.select_related("organization", "cadre", "topic", "met_by")


class TrainingNeedEditView(ObjectEditView):
    model = TrainingNeed
    form_class = forms.TrainingNeedForm
    service = staticmethod(services.save_need)


class NeedsMatchingView(LoginRequiredMixin, TemplateView):
    """Open needs beside the upcoming programs on their topic, and the needs no program covers."""

    template_name = "training/needs_matching.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        matches = metrics.match_needs(self.request.user)
        ctx["covered"] = [(need, programs) for need, programs in matches if programs]
        ctx["uncovered"] = [need for need, programs in matches if not programs]
        ctx["today"] = clock.today()
        return ctx


# --- figures -----------------------------------------------------------------------------------


def _year(request):
    value = request.GET.get("year", "")
    this_year = clock.today().year
    return int(value) if value.isdigit() and 2000 <= int(value) <= this_year + 1 else this_year


def _township(request):
    value = request.GET.get("township", "")
    if not value.isdigit():
        return None
    return Organization.objects.visible_to(request.user).filter(kind=Organization.Kind.TOWNSHIP, pk=value).first()


class StatisticsView(LoginRequiredMixin, TemplateView):
    """The year's figures by program, kind, topic, organizer and month, with charts."""

    template_name = "training/statistics.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        year, township = _year(self.request), _township(self.request)
        stats = metrics.statistics(user, year, township=township)
        ctx.update(stats=stats, year=year, township=township,
                   townships=Organization.objects.visible_to(user).filter(kind=Organization.Kind.TOWNSHIP),
                   years=range(clock.today().year, clock.today().year - 6, -1))
        panels = [
            ("kind", gettext_lazy("Person-times by kind"), stats["by_kind"]),
            ("topic", gettext_lazy("Person-times by topic"), stats["by_topic"]),
            ("organization", gettext_lazy("Person-times by organizer"), stats["by_organization"]),
            ("township", gettext_lazy("Person-times by the cadres' township"), stats["by_township"]),
            ("month", gettext_lazy("Person-times by month"), stats["by_month"]),
        ]
        ctx["panels"] = [{"chart_id": f"training-{key}", "title": title,
                          "chart": metrics.chart(rows, _("person-times")),
                          "table": [(r["label"], r["person_times"]) for r in rows]} for key, title, rows in panels]
        query = f"?year={year}" + (f"&township={township.pk}" if township else "")
        ctx["shortfall_url"] = reverse("training:hours") + query + "&short=true"
        return ctx


class HoursFilterSet(BaseFilterSet):
    """The hours list's filters; `year` picks the year the figures are computed for."""

    search_fields = ("name", "name_pinyin", "name_initials", "post")
    year = django_filters.NumberFilter(method="keep", label=gettext_lazy("year"))
    township = django_filters.ModelChoiceFilter(field_name="organization__township", queryset=townships,
                                                label=gettext_lazy("township"))
    short = YesNoFilter(method="filter_short", label=gettext_lazy("below the minimum"))

    class Meta:
        model = Cadre
        fields = ["q", "year", "township", "short"]

    def keep(self, queryset, name, value):
        return queryset

    def filter_short(self, queryset, name, value):
        if value is None:
            return queryset
        short = metrics.shortfall(queryset)
        return short if value else queryset.exclude(pk__in=short.values("pk"))


class HoursListView(ObjectListView):
    """Each cadre's training days and credit hours in the year against the minimum; with
    `short=true`, the shortfall list and what each cadre still needs."""

    model = Cadre
    template_name = "training/hours.html"
    filterset_class = HoursFilterSet
    table_class = tables.CadreHoursTable

    def get_queryset(self):
        return metrics.cadre_hours(self.request.user, _year(self.request)).select_related("organization").order_by(
            "organization__name", "name_pinyin", "id")

    def get_table_kwargs(self):
        return {"rule": metrics.minimum()}

    def get_export_filename(self, export_format):
        stamp = clock.local_now().strftime("%Y%m%d-%H%M")
        return f"{_('Training hours')}-{_year(self.request)}-{stamp}.{export_format}"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = None
        ctx["year"] = _year(self.request)
        ctx["minimum"] = metrics.minimum()
        user = self.request.user
        if user.role == Role.CADRE and user.cadre_id:
            ctx["own"] = metrics.own_hours(user.cadre, ctx["year"])
            ctx["own_sessions"] = (Attendance.objects.filter(cadre_id=user.cadre_id, status=Attendance.Status.PRESENT,
                                                             session__held_on__year=ctx["year"])
                                   .select_related("session__program").order_by("session__held_on"))
        return ctx
