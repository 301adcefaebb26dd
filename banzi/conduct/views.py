"""Strict-management pages: declarations over core's generic views, detail pages that show a
record's workflow (the steps its lifecycle in `workflow.py` allows the user now), small POST views
for the workflow steps (each calling its service), the department's list of who has not signed or
declared, and who is away today."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from banzi.core import clock, masking
from banzi.core.masking import no_store
from banzi.core.uploads import FileDownloadView
from banzi.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedMixin,
    StepView,
)
from banzi.org.models import Cadre

from . import filters, forms, metrics, services, tables
from .models import (
    CommitmentLetter,
    ConcurrentPostDeclaration,
    DisciplineRule,
    LeaveKind,
    LeaveLedgerEntry,
    LeaveRequest,
    OutingReport,
    Violation,
)

LEAVE_RELATED = ("cadre", "approver", "decided_by", "amends__cadre")


# --- discipline rules, commitments, declarations, violations -----------------------------------

class DisciplineRuleListView(ObjectListView):
    model = DisciplineRule
    filterset_class = filters.DisciplineRuleFilterSet
    table_class = tables.DisciplineRuleTable


class DisciplineRuleDetailView(ObjectDetailView):
    model = DisciplineRule


class DisciplineRuleEditView(ObjectEditView):
    model = DisciplineRule
    form_class = forms.DisciplineRuleForm


class CommitmentLetterListView(ObjectListView):
    queryset = CommitmentLetter.objects.select_related("cadre__organization")
    filterset_class = filters.CommitmentLetterFilterSet
    table_class = tables.CommitmentLetterTable


class CommitmentLetterDetailView(ObjectDetailView):
    queryset = CommitmentLetter.objects.select_related("cadre")
    template_name = "conduct/commitmentletter_detail.html"
    exclude = ("scan",)


class CommitmentLetterEditView(ObjectEditView):
    model = CommitmentLetter
    form_class = forms.CommitmentLetterForm
    service = staticmethod(services.save_commitment)


class CommitmentScanView(FileDownloadView):
    model, field = CommitmentLetter, "scan"


class ConcurrentPostDeclarationListView(ObjectListView):
    queryset = ConcurrentPostDeclaration.objects.select_related("cadre")
    filterset_class = filters.ConcurrentPostDeclarationFilterSet
    table_class = tables.ConcurrentPostDeclarationTable


class ConcurrentPostDeclarationDetailView(ObjectDetailView):
    queryset = ConcurrentPostDeclaration.objects.select_related("cadre", "decided_by")
    template_name = "conduct/concurrentpostdeclaration_detail.html"


class ConcurrentPostDeclarationEditView(ObjectEditView):
    model = ConcurrentPostDeclaration
    form_class = forms.ConcurrentPostDeclarationForm
    service = staticmethod(services.save_declaration)


class ViolationListView(ObjectListView):
    queryset = Violation.objects.select_related("cadre", "rule")
    filterset_class = filters.ViolationFilterSet
    table_class = tables.ViolationTable


class ViolationDetailView(ObjectDetailView):
    queryset = Violation.objects.select_related("cadre", "rule", "decided_by")
    template_name = "conduct/violation_detail.html"


class ViolationEditView(ObjectEditView):
    model = Violation
    form_class = forms.ViolationForm
    service = staticmethod(services.save_violation)


# --- leave -------------------------------------------------------------------------------------

class LeaveRequestListView(ObjectListView):
    queryset = LeaveRequest.objects.select_related("cadre", "approver__cadre")
    filterset_class = filters.LeaveRequestFilterSet
    table_class = tables.LeaveRequestTable


# Opinions an approver picks with one tap (and may change before sending).
DECISION_PRESETS = (
    gettext_lazy("Approved."),
    gettext_lazy("Approved; hand over your work before you go."),
    gettext_lazy("Approved; keep your phone on and report back on time."),
    gettext_lazy("Returned: please give the reason in more detail."),
    gettext_lazy("Returned: the work cannot spare you then; please choose other days."),
)


def leave_timeline(leave):
    """The request's progress, step by step: what happened (when, by whom) and what it waits for."""
    Status = LeaveRequest.Status
    approver = leave.decided_by or leave.approver
    approver_name = approver.display_name if approver else leave.get_approver_kind_display()
    steps = [{"label": _("Filled in"), "when": leave.created_at, "who": leave.cadre.name, "state": "done"}]
    if leave.submitted_at:
        steps.append({"label": _("Submitted for approval"), "when": leave.submitted_at, "who": leave.cadre.name,
                      "state": "done"})
    if leave.status == Status.SUBMITTED:
        steps.append({"label": _("Waiting for %(approver)s to decide") % {"approver": approver_name},
                      "state": "current"})
    elif leave.decided_at:  # approved (then perhaps cancelled) or rejected: a rejected one is never cancelled
        rejected = leave.status == Status.REJECTED
        steps.append({"label": _("Rejected") if rejected else _("Approved"), "when": leave.decided_at,
                      "who": approver_name, "note": leave.decision_note, "state": "refused" if rejected else "done"})
    if leave.status == Status.APPROVED:
        steps.append({"label": _("Back at work") if leave.returned_on else _("Waiting for the report back from leave"),
                      "when": leave.returned_on, "date_only": True, "who": leave.cadre.name if leave.returned_on else "",
                      "state": "done" if leave.returned_on else "current"})
    if leave.status == Status.CANCELLED:
        steps.append({"label": _("Cancelled"), "when": leave.cancelled_at, "note": leave.cancel_reason, "state": "refused"})
    if leave.status == Status.DRAFT:
        steps.append({"label": _("Not yet submitted"), "state": "current"})
    return steps


class LeaveRequestDetailView(ObjectDetailView):
    queryset = LeaveRequest.objects.select_related(*LEAVE_RELATED)
    template_name = "conduct/leaverequest_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        leave, user = self.object, self.request.user
        ctx["amendments"] = leave.amendments.visible_to(user).select_related("cadre")
        if leave.kind == LeaveKind.ANNUAL:
            ctx["balance"] = services.annual_balance(leave.cadre, leave.starts_on.year)
            ctx["ledger"] = leave.ledger_entries.order_by("entry_on", "id")
        ctx["timeline"] = leave_timeline(leave)
        # The approver decides in the decision bar, not among the other steps.
        steps = ctx["steps"]
        if "approve" in steps or "reject" in steps:
            ctx["decision"] = {"approve": steps.pop("approve", None), "reject": steps.pop("reject", None),
                               "presets": [str(p) for p in DECISION_PRESETS]}
        return ctx

    def step_link(self, step, leave):
        """Amending opens a new request that refers to this one."""
        return f"{reverse('conduct:leaverequest_add')}?amends={leave.pk}&cadre={leave.cadre_id}&kind={leave.kind}"


class LeaveRequestEditView(ObjectEditView):
    """Save a draft, or (the form's "save and submit" button) save and submit it as one action."""

    model = LeaveRequest
    form_class = forms.LeaveRequestForm
    template_name = "conduct/leaverequest_edit.html"

    def service(self, user, leave):
        if "_submit" in self.request.POST:
            return services.save_and_submit_leave(user, leave)
        return services.save_leave(user, leave)

    def success_text(self, leave):
        if leave.status == LeaveRequest.Status.SUBMITTED:
            approver = leave.approver.display_name if leave.approver_id else leave.get_approver_kind_display()
            return _("The request has been submitted to %(approver)s for approval.") % {"approver": approver}
        return _("The draft has been saved; submit it when it is ready.")


class LeaveRequestDeleteView(ObjectDeleteView):
    model = LeaveRequest


class LeaveLedgerEntryListView(ObjectListView):
    queryset = LeaveLedgerEntry.objects.select_related("cadre", "leave__cadre")
    filterset_class = filters.LeaveLedgerEntryFilterSet
    table_class = tables.LeaveLedgerEntryTable


class LeaveLedgerEntryDetailView(ObjectDetailView):
    queryset = LeaveLedgerEntry.objects.select_related("cadre", "leave")
    fields = ("cadre", "year", "kind", "days", "leave", "entry_on", "note")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.object.leave_id:
            ctx["edit_url"] = ctx["delete_url"] = None  # written by a request: never changed by hand
        return ctx


class LeaveLedgerEntryEditView(ObjectEditView):
    model = LeaveLedgerEntry
    form_class = forms.LeaveLedgerEntryForm
    service = staticmethod(services.save_ledger_entry)


class LeaveLedgerEntryDeleteView(ObjectDeleteView):
    model = LeaveLedgerEntry
    service = staticmethod(services.delete_ledger_entry)


# --- outing reports ----------------------------------------------------------------------------

@no_store
class OutingReportListView(ObjectListView):
    queryset = OutingReport.objects.select_related("cadre__organization")
    filterset_class = filters.OutingReportFilterSet
    table_class = tables.OutingReportTable


@no_store
class OutingReportDetailView(ObjectDetailView):
    queryset = OutingReport.objects.select_related("cadre__organization")
    template_name = "conduct/outingreport_detail.html"

    def field_rows(self, obj):
        rows = super().field_rows(obj)
        label = OutingReport._meta.get_field("contact").verbose_name
        for row in rows:
            if row["label"] == label:
                row["value"] = masking.shown_phone(self.request.user, obj.cadre, obj.contact)
        return rows


@no_store
class OutingReportEditView(ObjectEditView):
    model = OutingReport
    form_class = forms.OutingReportForm
    service = staticmethod(services.save_outing_report)


# --- the department's lists --------------------------------------------------------------------

class MissingListView(ObjectListView):
    """Active cadres who have not signed this year's commitment letter or declared their concurrent
    posts, for the department (and each township for its own)."""

    queryset = Cadre.objects.select_related("organization").filter(status=Cadre.Status.ACTIVE,
                                                                    organization__township__isnull=False)
    filterset_class = filters.MissingFilterSet
    table_class = tables.MissingTable
    template_name = "conduct/missing_list.html"

    def get_table_kwargs(self):
        year = self.filterset.chosen_year
        ids = self.filterset.qs.values("pk")
        return {
            "signed": set(CommitmentLetter.objects.filter(year=year, cadre__in=ids).values_list("cadre_id", flat=True)),
            "declared": set(ConcurrentPostDeclaration.objects.filter(year=year, cadre__in=ids)
                            .values_list("cadre_id", flat=True)),
        }

    def get_export_filename(self, export_format):
        stamp = clock.local_now().strftime("%Y%m%d-%H%M")
        return f"{_('Not signed or declared')}-{self.filterset.chosen_year}-{stamp}.{export_format}"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = None
        ctx["year"] = self.filterset.chosen_year
        ctx["summary"] = metrics.signing_summary(self.request.user, ctx["year"])
        return ctx


@no_store
class AwayTodayView(ScopedMixin, TemplateView):
    """Who is away today: out on an outing report, or on approved leave, within the user's scope."""

    model = OutingReport
    template_name = "conduct/away_today.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, clock.today()
        ctx["can_add"] = None
        ctx["today"] = today
        outings = metrics.away_on(user, today)
        leave = metrics.on_leave_on(user, today)
        ctx["outing_table"] = tables.OutingReportTable(outings, orderable=False)
        ctx["outing_table"].request = self.request  # contacts are masked by user
        ctx["leave_table"] = tables.LeaveRequestTable(leave, orderable=False)
        ctx["outing_export"] = f"{reverse('conduct:outingreport_list')}?away_on={today:%Y-%m-%d}&_export=xlsx"
        ctx["leave_export"] = f"{reverse('conduct:leaverequest_list')}?on_leave_on={today:%Y-%m-%d}&_export=xlsx"
        ctx["overdue_ids"] = {r.pk for r in outings if r.planned_return_at < clock.now()}
        return ctx


# --- workflow steps (which may be taken, and by whom: workflow.py) ------------------------------

class LeaveSubmitStep(StepView):
    model, step, service = LeaveRequest, "submit", staticmethod(services.submit_leave)
    success_message = gettext_lazy("The request has been submitted to the approver.")


# Approve and reject are one decision taken in one form (the decision bar, conduct/_decision_bar.html):
# the same opinion field, two buttons.
class LeaveApproveStep(StepView):
    model, step, form_class, prefix = LeaveRequest, "approve", forms.NoteStepForm, "decision"
    service = staticmethod(services.approve_leave)
    success_message = gettext_lazy("The leave has been approved.")


class LeaveRejectStep(StepView):
    model, step, form_class, prefix = LeaveRequest, "reject", forms.RejectStepForm, "decision"
    service = staticmethod(services.reject_leave)
    success_message = gettext_lazy("The leave has been rejected.")


class LeaveCancelStep(StepView):
    model, step, form_class, prefix = LeaveRequest, "cancel", forms.CancelStepForm, "cancel"
    service = staticmethod(services.cancel_leave)
    success_message = gettext_lazy("The request has been cancelled.")


class LeaveReturnStep(StepView):
    model, step, form_class, prefix = LeaveRequest, "return", forms.ReturnStepForm, "return"
    service = staticmethod(services.return_from_leave)
    success_message = gettext_lazy("The return from leave has been recorded.")


class OutingReturnStep(StepView):
    model, step, form_class, prefix = OutingReport, "return", forms.OutingReturnStepForm, "return"
    service = staticmethod(services.record_outing_return)
    success_message = gettext_lazy("The return has been recorded.")


class ViolationDecideStep(StepView):
    model, step, form_class, prefix = Violation, "decide", forms.ViolationDecisionForm, "decide"
    service = staticmethod(services.decide_violation)
    success_message = gettext_lazy("The decision has been recorded.")


class DeclarationDecideStep(StepView):
    model, step, form_class, prefix = ConcurrentPostDeclaration, "decide", forms.DeclarationDecisionForm, "decide"
    service = staticmethod(services.decide_declaration)
    success_message = gettext_lazy("The decision has been recorded.")
