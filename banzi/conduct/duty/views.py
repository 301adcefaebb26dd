"""Overnight duty and attendance pages: declarations over core's generic views, detail pages that
show a record's workflow, small POST views for the workflow steps (each calling its service),
tonight's duty across the townships and the monthly attendance summary."""
import datetime

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from banzi.core import clock
from banzi.core.scoping import can_write_model
from banzi.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedMixin,
    StepView,
)

from . import attendance, filters, forms, services, tables
from .attendance_workbook import summary_workbook, xlsx_response
from .models import AttendanceRecord, DutyCheckIn, DutyRoster, DutyShift, DutySwap, SpotCheck, current_night

# --- rosters ----------------------------------------------------------------------------------


class DutyRosterListView(ObjectListView):
    queryset = DutyRoster.objects.select_related("township").annotate(shift_count=Count("shifts")).order_by(
        "-year", "-month", "township__sort_order", "township__name")
    filterset_class = filters.DutyRosterFilterSet
    table_class = tables.DutyRosterTable
    import_url_name = "conduct:dutyshift_import"


class DutyRosterDetailView(ObjectDetailView):
    queryset = DutyRoster.objects.select_related("township", "published_by")
    template_name = "conduct/duty/dutyroster_detail.html"
    fields = ["township", "year", "month", "notes"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        roster = self.object
        ctx["shifts"] = (roster.shifts.visible_to(self.request.user).select_related("leader", "staff")
                         .annotate(check_in_count=Count("check_ins", distinct=True)).order_by("date"))
        if ctx["edit_url"]:
            ctx["add_shift_url"] = f"{reverse('conduct:dutyshift_add')}?roster={roster.pk}"
        return ctx


class DutyRosterEditView(ObjectEditView):
    model = DutyRoster
    form_class = forms.DutyRosterForm
    service = staticmethod(services.save_roster)


class DutyRosterDeleteView(ObjectDeleteView):
    model = DutyRoster


# --- shifts -----------------------------------------------------------------------------------


class DutyShiftListView(ObjectListView):
    queryset = DutyShift.objects.select_related("roster__township", "leader", "staff")
    filterset_class = filters.DutyShiftFilterSet
    table_class = tables.DutyShiftTable
    import_url_name = "conduct:dutyshift_import"


class DutyShiftDetailView(ObjectDetailView):
    queryset = DutyShift.objects.select_related("roster__township", "leader", "staff")
    template_name = "conduct/duty/dutyshift_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        shift, user = self.object, self.request.user
        ctx["check_ins"] = shift.check_ins.visible_to(user).select_related("cadre")
        ctx["spot_checks"] = shift.spot_checks.visible_to(user).select_related("cadre")
        ctx["swaps"] = shift.swaps.visible_to(user).select_related("requested_by", "replacement")
        on_duty = shift.is_on_duty(user.cadre_id) and shift.roster.is_published
        ctx["checked_in"] = on_duty and shift.check_ins.filter(cadre_id=user.cadre_id).exists()
        if on_duty and shift.date >= clock.today():
            ctx["swap_url"] = f"{reverse('conduct:dutyswap_add')}?shift={shift.pk}&requested_by={user.cadre_id}"
        if can_write_model(user, SpotCheck) and shift.roster.is_published:
            ctx["spot_check_url"] = "{}?township={}&duty_date={}".format(
                reverse("conduct:spotcheck_add"), shift.roster.township_id, shift.date.isoformat())
        return ctx


class DutyShiftEditView(ObjectEditView):
    model = DutyShift
    form_class = forms.DutyShiftForm
    service = staticmethod(services.save_shift)


# --- swaps ------------------------------------------------------------------------------------


class DutySwapListView(ObjectListView):
    queryset = DutySwap.objects.select_related("shift__roster__township", "requested_by", "replacement")
    filterset_class = filters.DutySwapFilterSet
    table_class = tables.DutySwapTable


class DutySwapDetailView(ObjectDetailView):
    queryset = DutySwap.objects.select_related("shift__roster__township", "requested_by", "replacement", "decided_by")
    template_name = "conduct/duty/dutyswap_detail.html"
    fields = ["shift", "requested_by", "replacement", "reason", "status", "decided_by", "decided_at", "decision_note"]


class DutySwapEditView(ObjectEditView):
    model = DutySwap
    form_class = forms.DutySwapForm
    service = staticmethod(services.save_swap)


class DutySwapDeleteView(ObjectDeleteView):
    model = DutySwap


# --- check-ins and spot checks ------------------------------------------------------------------


class DutyCheckInListView(ObjectListView):
    queryset = DutyCheckIn.objects.select_related("shift__roster__township", "cadre")
    filterset_class = filters.DutyCheckInFilterSet
    table_class = tables.DutyCheckInTable


class DutyCheckInDetailView(ObjectDetailView):
    queryset = DutyCheckIn.objects.select_related("shift__roster__township", "cadre")


class DutyCheckInEditView(ObjectEditView):
    model = DutyCheckIn
    form_class = forms.DutyCheckInForm
    service = staticmethod(services.save_check_in)


class SpotCheckListView(ObjectListView):
    queryset = SpotCheck.objects.select_related("township", "cadre")
    filterset_class = filters.SpotCheckFilterSet
    table_class = tables.SpotCheckTable


class SpotCheckDetailView(ObjectDetailView):
    queryset = SpotCheck.objects.select_related("township", "cadre", "shift", "checked_by", "violation")
    template_name = "conduct/duty/spotcheck_detail.html"
    fields = ["township", "duty_date", "shift", "cadre", "checked_at", "method", "result", "notes", "checked_by"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.object.violation_id:
            ctx["delete_url"] = None
            # The violation is shown only to those who may see violations (not to the cadre).
            violation = type(self.object.violation)._default_manager.visible_to(self.request.user).filter(
                pk=self.object.violation_id).first()
            if violation is not None:
                ctx["violation"], ctx["violation_url"] = violation, violation.get_url("detail")
        return ctx


class SpotCheckEditView(ObjectEditView):
    model = SpotCheck
    form_class = forms.SpotCheckForm
    service = staticmethod(services.save_spot_check)


class SpotCheckDeleteView(ObjectDeleteView):
    model = SpotCheck
    service = staticmethod(services.delete_spot_check)


# --- attendance -------------------------------------------------------------------------------


class AttendanceRecordListView(ObjectListView):
    queryset = AttendanceRecord.objects.select_related("cadre", "organization")
    filterset_class = filters.AttendanceRecordFilterSet
    table_class = tables.AttendanceRecordTable
    import_url_name = "conduct:attendancerecord_import"


class AttendanceRecordDetailView(ObjectDetailView):
    queryset = AttendanceRecord.objects.select_related("cadre", "organization")
    fields = ["cadre", "organization", "date", "status", "note"]


class AttendanceRecordEditView(ObjectEditView):
    model = AttendanceRecord
    form_class = forms.AttendanceRecordForm
    service = staticmethod(services.save_attendance)


def _month(request):
    today = clock.today()
    try:
        year = int(request.GET.get("year") or today.year)
        month = int(request.GET.get("month") or today.month)
        datetime.date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    return year, month


class AttendanceSummaryView(ScopedMixin, TemplateView):
    """The month's attendance per cadre and per unit, with leave and outings derived; Excel export."""

    model = AttendanceRecord
    template_name = "conduct/duty/attendance_summary.html"

    def get(self, request, *args, **kwargs):
        year, month = _month(request)
        township = filters.townships(request).filter(pk=request.GET.get("township") or 0).first()
        rows, totals = attendance.monthly_summary(request.user, year, month, township=township)
        if request.GET.get("_export") == "xlsx":
            return xlsx_response(summary_workbook(year, month, rows, totals),
                                 f"attendance-{year}-{month:02d}.xlsx", request)
        ctx = self.get_context_data(year=year, month=month, rows=rows, totals=totals, township=township,
                                    townships=filters.townships(request), columns=attendance.COLUMNS,
                                    labels=[attendance.LABELS[c] for c in attendance.COLUMNS],
                                    months=range(1, 13))
        query = request.GET.copy()
        query["_export"] = "xlsx"
        ctx["export_url"] = f"?{query.urlencode()}"
        return self.render_to_response(ctx)


# --- tonight ----------------------------------------------------------------------------------


class TonightView(ScopedMixin, TemplateView):
    """Tonight's duty (or another night's) across the townships the user sees: who is on duty, who
    checked in, and the spot checks' results."""

    model = DutyShift
    template_name = "conduct/duty/tonight.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        try:
            day = datetime.date.fromisoformat(self.request.GET.get("date", ""))
        except ValueError:
            day = current_night()
        shifts = (DutyShift.objects.visible_to(user).filter(date=day, roster__status=DutyRoster.Status.PUBLISHED)
                  .select_related("roster__township", "leader", "staff")
                  .prefetch_related(Prefetch("check_ins", queryset=DutyCheckIn.objects.order_by("checked_in_at")),
                                    Prefetch("spot_checks", queryset=SpotCheck.objects.select_related("cadre")
                                             .order_by("checked_at")))
                  .order_by("roster__township__sort_order", "roster__township__name"))
        rows = []
        for shift in shifts:
            checked = {c.cadre_id: c for c in shift.check_ins.all()}
            rows.append({"shift": shift, "leader_check_in": checked.get(shift.leader_id),
                         "staff_check_in": checked.get(shift.staff_id), "spot_checks": list(shift.spot_checks.all()),
                         "can_check_in": shift.is_on_duty(user.cadre_id) and user.cadre_id not in checked})
        covered = {row["shift"].roster.township_id for row in rows}
        missing = filters.townships(self.request).exclude(pk__in=covered).order_by("sort_order", "name")
        ctx.update(day=day, rows=rows, missing=missing, check_in_form=forms.CheckInStepForm(),
                   previous=day - datetime.timedelta(days=1), next=day + datetime.timedelta(days=1))
        return ctx


# --- workflow steps (which may be taken, and by whom: workflow.py) ------------------------------


class PublishRosterStep(StepView):
    model, step, service = DutyRoster, "publish", staticmethod(services.publish_roster)
    success_message = gettext_lazy("The roster has been published.")


class CheckInStep(StepView):
    model, step, form_class = DutyShift, "check_in", forms.CheckInStepForm
    service = staticmethod(services.check_in)
    success_message = gettext_lazy("You have checked in for tonight's duty.")


class ApproveSwapStep(StepView):
    model, step, form_class, prefix = DutySwap, "approve", forms.DecisionStepForm, "approve"
    service = staticmethod(services.approve_swap)
    success_message = gettext_lazy("The swap has been approved and the roster changed.")


class RejectSwapStep(StepView):
    model, step, form_class, prefix = DutySwap, "reject", forms.DecisionStepForm, "reject"
    service = staticmethod(services.reject_swap)
    success_message = gettext_lazy("The swap has been refused.")
