"""Assessment pages: declarations over core's generic views, the assessment's page with its steps and
units, and a unit's grade entry with the quota count."""
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from openpyxl import Workbook

from banzi.core import clock
from banzi.core import metrics as core_metrics
from banzi.core import services as core_services
from banzi.core.audit import record_event
from banzi.core.errors import Code, single_errors
from banzi.core.exporting import TableWorkbook
from banzi.core.importing.views import ImportUploadForm
from banzi.core.importing.workbook import XLSX_CONTENT_TYPE
from banzi.core.masking import no_store
from banzi.core.models import AuditEvent
from banzi.core.roles import Role
from banzi.core.scoping import can_write_model
from banzi.core.uploads import FileDownloadView
from banzi.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedMixin,
    StepView,
)

from . import (
    ballot_import,
    charts,
    consequences,
    filters,
    forms,
    metrics,
    results,
    scores,
    services,
    tables,
    voting,
)
from .models import (
    Assessee,
    Assessment,
    AssessmentGroup,
    Award,
    Ballot,
    Consequence,
    EvaluationGroup,
    Grade,
    QuotaApproval,
)


class AssessmentListView(ObjectListView):
    queryset = Assessment.objects.select_related("organization")
    filterset_class = filters.AssessmentFilterSet
    table_class = tables.AssessmentTable


class AssessmentDetailView(ObjectDetailView):
    queryset = Assessment.objects.select_related("organization")
    fields = ["title", "kind", "year", "quarter", "starts_on", "ends_on", "organization", "status", "reopen_reason"]


class AssessmentEditView(ObjectEditView):
    model = Assessment
    form_class = forms.AssessmentForm
    service = staticmethod(services.save_assessment)


class AssessmentDeleteView(ObjectDeleteView):
    model = Assessment
    service = staticmethod(services.delete_assessment)


class AssesseeListView(ObjectListView):
    queryset = Assessee.objects.select_related("assessment", "unit", "cadre", "team__township")
    filterset_class = filters.AssesseeFilterSet
    table_class = tables.AssesseeTable


class AssesseeDetailView(ObjectDetailView):
    queryset = Assessee.objects.select_related("assessment", "unit", "cadre", "team__township", "proposed_by",
                                               "confirmed_by")
    fields = ["assessment", "category", "team", "cadre", "unit", "proposed_grade", "proposed_by", "confirmed_grade",
              "confirmed_by", "confirmed_on", "report", "report_file"]


class AssesseeEditView(ObjectEditView):
    model = Assessee
    form_class = forms.AssesseeForm
    service = staticmethod(services.save_assessee)


class AssesseeDeleteView(ObjectDeleteView):
    model = Assessee
    service = staticmethod(services.delete_assessee)


class QuotaApprovalListView(ObjectListView):
    queryset = QuotaApproval.objects.select_related("assessment", "unit")
    filterset_class = filters.QuotaApprovalFilterSet
    table_class = tables.QuotaApprovalTable


class QuotaApprovalDetailView(ObjectDetailView):
    queryset = QuotaApproval.objects.select_related("assessment", "unit")


class QuotaApprovalEditView(ObjectEditView):
    model = QuotaApproval
    form_class = forms.QuotaApprovalForm
    service = staticmethod(services.save_quota_approval)


class AssessmentGroupListView(ObjectListView):
    queryset = AssessmentGroup.objects.select_related("assessment", "leader").prefetch_related("members", "units")
    filterset_class = filters.AssessmentGroupFilterSet
    table_class = tables.AssessmentGroupTable


class AssessmentGroupDetailView(ObjectDetailView):
    """The group, its leader (with unit), its members and the townships it assesses."""

    queryset = AssessmentGroup.objects.select_related("assessment", "leader__organization")

    def field_rows(self, obj):
        rows = super().field_rows(obj)
        people = "、".join(f"{c.name}（{c.organization}）" for c in obj.members.select_related("organization"))
        units = "、".join(u.name for u in obj.units.order_by("sort_order", "name"))
        at = next(i for i, row in enumerate(rows) if row["label"] == AssessmentGroup._meta.get_field("note").verbose_name)
        rows[at:at] = [
            {"label": AssessmentGroup._meta.get_field("members").verbose_name, "value": people, "link": None,
             "is_bool": False},
            {"label": AssessmentGroup._meta.get_field("units").verbose_name, "value": units, "link": None,
             "is_bool": False},
        ]
        return rows


class AssessmentGroupEditView(ObjectEditView):
    model = AssessmentGroup
    form_class = forms.AssessmentGroupForm
    service = staticmethod(services.save_assessment_group)


class AssessmentGroupDeleteView(ObjectDeleteView):
    model = AssessmentGroup
    service = staticmethod(services.delete_assessment_group)


class EvaluationGroupListView(ObjectListView):
    queryset = EvaluationGroup.objects.select_related("assessment", "unit")
    filterset_class = filters.EvaluationGroupFilterSet
    table_class = tables.EvaluationGroupTable


class EvaluationGroupDetailView(ObjectDetailView):
    queryset = EvaluationGroup.objects.select_related("assessment", "unit")


class EvaluationGroupEditView(ObjectEditView):
    model = EvaluationGroup
    form_class = forms.EvaluationGroupForm
    service = staticmethod(services.save_group)


class AssesseePageView(AssesseeDetailView):
    """The assessee, with the way to its 述职述廉 report for whoever writes it."""

    template_name = "assessment/assessee_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_write_report"] = services.may_write_report(self.request.user, self.object)
        ctx["consequences"] = consequences.of_assessee(self.request.user, self.object)
        ctx["score_sheet"] = scores.score_sheets(self.object.assessment, [self.object])[self.object.pk]
        ctx["trend"] = charts.indicator_trend(self.object, self.request.user, known={self.object.pk: ctx["score_sheet"]})
        return ctx


class AssesseeTrendExportView(ScopedMixin, View):
    """The assessee's trend table as Excel (`charts.indicator_trend`: the same figures as the page), only
    the assessments the user may see, recorded as an export."""

    model = Assessee

    def get(self, request, pk):
        assessee = get_object_or_404(self.get_queryset().select_related("assessment", "cadre", "team"), pk=pk)
        trend = charts.indicator_trend(assessee, request.user)
        book = Workbook()
        sheet = book.active
        sheet.title = str(_("Trends"))[:31]
        sheet.append([str(_("assessment")), str(_("year")), str(_("confirmed grade")), str(_("total score")),
                      *trend["groups"]])
        for row in trend["rows"]:
            sheet.append([row["assessment"], row["year"], row["grade"], *[
                "" if v is None else v for v in (row["total"], *row["subtotals"])]])
        body = io.BytesIO()
        book.save(body)
        file_name = f"{assessee}-{_('Trends')}-{clock.local_now():%Y%m%d-%H%M}.xlsx"
        record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=request.user,
                     obj=assessee, detail=file_name[:500], request=request)
        response = HttpResponse(body.getvalue(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, file_name)
        return response


class AssesseeWriteReportView(ScopedMixin, TemplateView):
    """The 述职述廉 report written by its author: the cadre assessed (their own), their township's
    administrator, or the county, while the assessment is collecting (`services.save_report`)."""

    model = Assessee
    queryset = Assessee.objects.select_related("assessment", "cadre", "team__township", "unit")
    template_name = "assessment/assessee_report.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            if not services.may_write_report(request.user, self.object):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=forms.ReportForm(instance=self.object)))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(object=self.object, collecting=self.object.assessment.status == Assessment.Status.COLLECTING)
        return ctx

    def post(self, request, *args, **kwargs):
        stored = Assessee.objects.get(pk=self.object.pk)
        form = forms.ReportForm(request.POST, request.FILES, instance=self.object)
        if form.is_valid():
            try:
                core_services.run(services.save_report, request.user, stored, form.cleaned_data["report"],
                                  form.file_change())
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The report is saved."))
                return HttpResponseRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class AssesseeReportView(FileDownloadView):
    """The 述职述廉 report's attachment, for those who may see the assessee."""

    model = Assessee
    field = "report_file"


# --- the assessment's page, its steps and a unit's grade entry ---------------------------------------

class AssessmentPageView(AssessmentDetailView):
    """The assessment with its steps and its units: how many are assessed, the quota and how many
    have the top grade, each linking to the unit's grade entry."""

    template_name = "assessment/assessment_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["units"] = metrics.unit_summaries(self.object, self.request.user)
        ctx["assessment_groups"] = list(AssessmentGroup.objects.visible_to(self.request.user).filter(
            assessment=self.object).select_related("leader__organization").prefetch_related("members", "units"))
        ctx["can_add_group"] = can_write_model(self.request.user, AssessmentGroup) and self.object.status not in (
            services.RESULTS_CONFIRMED)
        covered = {u.pk for g in ctx["assessment_groups"] for u in g.units.all()}
        ctx["uncovered"] = [u["unit__name"] for u in ctx["units"] if u["unit"] not in covered]
        ctx["grade_chart"] = charts.grade_distribution(self.object, self.request.user)
        ctx["grade_table"] = [(label, [s["values"][i] for s in ctx["grade_chart"]["series"]])
                              for i, label in enumerate(ctx["grade_chart"]["labels"])]
        ctx["awards"] = list(Award.objects.visible_to(self.request.user).filter(assessment=self.object).select_related(
            "assessee__cadre", "assessee__team__township", "assessee__unit", "decided_by").order_by(
            "kind", "assessee__unit__sort_order", "pk"))
        decided = [a for a in ctx["awards"] if a.is_decided]
        ctx["notice_available"] = results.notice_available(self.object, decided)
        ctx["notice_form"] = forms.AwardNoticeForm()
        ctx["can_nominate"] = can_write_model(self.request.user, Award) and self.object.status in (
            services.RESULTS_CONFIRMED) and self.object.kind == Assessment.Kind.ANNUAL
        return ctx


class AssessmentCollectStep(StepView):
    model, step, service = Assessment, "collect", staticmethod(services.start_collecting)
    success_message = gettext_lazy("Collecting grades and ballots.")


class AssessmentConfirmStep(StepView):
    model, step, service = Assessment, "confirm", staticmethod(services.confirm_assessment)
    success_message = gettext_lazy("The results are confirmed.")


class AssessmentPublishStep(StepView):
    model, step, service = Assessment, "publish", staticmethod(services.publish)
    success_message = gettext_lazy("The results are published.")


class AssessmentFillFromTeamsStep(StepView):
    """Add every current team of the assessed townships, its head and its members (and, when asked, the
    other active cadres); whoever is already assessed stays as they are."""

    model, step, form_class, prefix = Assessment, "fill_from_teams", forms.FillFromTeamsForm, "fill"

    def perform(self, user, obj, data):
        result = services.fill_from_teams(user, obj, general_cadres=data["general_cadres"])
        added, labels = result["added"], dict(Assessee.Category.choices)
        parts = "、".join(f"{labels[k]} {v}" for k, v in added.items() if v) or _("nobody new")
        message = _("Added: %(parts)s.") % {"parts": parts}
        if result["left_out"]:
            message += " " + _("%(count)d members who have since left the township or are no longer active were "
                               "left out.") % {"count": result["left_out"]}
        self.success_message = message
        return result


class AssessmentReopenStep(StepView):
    model, step, form_class, prefix = Assessment, "reopen", forms.ReopenForm, "reopen"
    service = staticmethod(services.reopen)
    success_message = gettext_lazy("The results are reopened.")


class UnitGradesView(ScopedMixin, TemplateView):
    """A unit's grade entry: each assessee with a grade to choose, the disqualifiers of excellent
    (each linking to its record), the votes and the cap of the democratic evaluation, and the quota
    count. A township proposes its own cadres' day-to-day grades; the county proposes and confirms."""

    model = Assessment
    template_name = "assessment/unit_grades.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.assessment = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            self.unit = get_object_or_404(services.unit_choices(request.user), pk=kwargs["unit"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("_export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        """The unit's grade sheet as Excel: a row per assessee with the votes, the cap and the
        disqualifiers, then the quota count (the project's table export, recorded as an export)."""
        sheet = metrics.sheets(self.assessment, self.request.user, unit=self.unit)
        if not sheet:
            raise Http404
        sheet = sheet[0]
        table = tables.UnitGradeTable(sheet["rows"], metrics.tally(self.assessment, self.unit))
        labels = dict(Grade.choices)
        notes = [
            [_("Quota of “%(grade)s”") % {"grade": labels[sheet["quota"]["grade"]]}, tables.quota_text(sheet["quota"])],
            [_("Weights of the evaluation groups"), sheet["weights"]],
        ]
        exporter = TableWorkbook("xlsx", table, title=f"{self.assessment} · {self.unit}", notes=notes)
        file_name = f"{self.assessment}-{self.unit}-{clock.local_now():%Y%m%d-%H%M}.xlsx"
        record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=self.request.user,
                     obj=self.assessment, detail=f"{file_name}"[:500], request=self.request)
        return exporter.response(filename=file_name)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        sheet = metrics.sheets(self.assessment, user, unit=self.unit)
        if not sheet:
            raise Http404
        labels = dict(Grade.choices)
        people = Assessee.objects.filter(pk__in=[row["assessee"] for row in sheet[0]["rows"]]).select_related("assessment")
        totals = {pk: score_sheet.total for pk, score_sheet in scores.score_sheets(self.assessment, people).items()}
        can_nominate = can_write_model(user, Award) and self.assessment.kind == Assessment.Kind.ANNUAL and (
            self.assessment.status in services.RESULTS_CONFIRMED)
        ctx.update(object=self.assessment, unit=self.unit, sheet=sheet[0], top_label=labels[sheet[0]["quota"]["grade"]],
                   can_propose=can_write_model(user, Assessee), can_confirm=user.role == Role.COUNTY_ADMIN,
                   rows=[{**row, "choices": [(g, labels[g]) for g in row["scale"]], "score": totals.get(row["assessee"]),
                          "nominate": self.nominate_url(row) if can_nominate else None} for row in sheet[0]["rows"]])
        ctx["assessment_group"] = AssessmentGroup.objects.visible_to(user).filter(
            assessment=self.assessment, units=self.unit).select_related("leader").first()
        return ctx

    @staticmethod
    def nominate_url(row):
        """The award form prefilled for a confirmed result that earns an award (excellent; good for a team)."""
        kind = next(k for k, category in Award.CATEGORY.items() if category == row["category"])
        needed = Grade.GOOD if row["category"] == Assessee.Category.TEAM else Grade.EXCELLENT
        if row["confirmed_grade"] != needed:
            return None
        return f"{reverse('assessment:award_add')}?{urlencode({'assessee': row['assessee'], 'kind': kind})}"

    def post(self, request, pk, unit):
        if not can_write_model(request.user, Assessee):
            raise PermissionDenied
        grades = {key.removeprefix("grade_"): value for key, value in request.POST.items()
                  if key.startswith("grade_") and value}
        try:
            if request.POST.get("action") == "confirm":
                quota = core_services.run(services.confirm_unit, request.user, self.assessment, self.unit, grades)
                messages.success(request, _("The grades of %(unit)s are confirmed (%(percent)d %% quota: at most "
                                            "%(limit)d of %(assessed)d).") % {
                    "unit": self.unit, "percent": quota.percent, "limit": quota.limit, "assessed": quota.assessed})
            else:
                count = core_services.run(services.propose_grades, request.user, self.assessment, grades)
                messages.success(request, _("%(count)d grades proposed.") % {"count": count})
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return HttpResponseRedirect(request.path)


class UnitScoresExportView(ScopedMixin, View):
    """A unit's score sheets as Excel: a row per assessee, a column per indicator (its score) and the
    weighted total; only the assessees the user may see, recorded as an export."""

    model = Assessment

    def get(self, request, pk, unit):
        assessment = get_object_or_404(self.get_queryset(), pk=pk)
        unit = get_object_or_404(services.unit_choices(request.user), pk=unit)
        people = list(Assessee.objects.visible_to(request.user).filter(assessment=assessment, unit=unit)
                      .select_related("assessment", "cadre", "team__township").order_by("category", "pk"))
        if not people:
            raise Http404
        sheets = scores.score_sheets(assessment, people)
        columns = [(i.key, str(i.label)) for i in core_metrics.indicators()]
        book = Workbook()
        sheet = book.active
        sheet.title = str(unit)[:31]
        sheet.append([str(_("assessee")), str(_("category")), *[label for _key, label in columns],
                      str(_("total score"))])
        for person in people:
            lines = {line.key: line.score for line in sheets[person.pk].lines}
            sheet.append([str(person), person.get_category_display(),
                          *[float(lines[key]) if lines.get(key) is not None else "" for key, _label in columns],
                          float(sheets[person.pk].total) if sheets[person.pk].total is not None else ""])
        body = io.BytesIO()
        book.save(body)
        file_name = f"{assessment}-{unit}-{_('score sheets')}-{clock.local_now():%Y%m%d-%H%M}.xlsx"
        record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=request.user,
                     obj=assessment, detail=file_name[:500], request=request)
        response = HttpResponse(body.getvalue(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, file_name)
        return response


# --- the democratic evaluation: a group's page, its codes and paper ballots ---------------------------

class EvaluationGroupPageView(EvaluationGroupDetailView):
    template_name = "assessment/evaluationgroup_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["figures"] = metrics.group_figures(self.object)
        ctx["can_import_ballots"] = can_write_model(self.request.user, Ballot) and (
            self.object.assessment.status == Assessment.Status.COLLECTING)
        return ctx


@no_store
class IssueCodesStep(StepView):
    """Issue one-time codes and show them this once, as a sheet to print and cut: only their
    fingerprints are kept, so the page cannot be shown again."""

    model, step, form_class, prefix = EvaluationGroup, "issue_codes", forms.IssueCodesForm, "codes"
    codes = None

    def perform(self, user, obj, data):
        self.codes = services.issue_codes(user, obj, data["count"])
        return self.codes

    def back(self, obj):
        if not self.codes:
            return super().back(obj)
        return render(self.request, "assessment/ballot_codes.html", {"object": obj, "codes": self.codes})


class PaperBallotStep(StepView):
    model, step, form_class, prefix = EvaluationGroup, "paper_ballot", forms.PaperBallotForm, "ballot"
    success_message = gettext_lazy("The paper ballot is entered.")

    def form_kwargs(self, user, obj):
        return {"prefix": self.prefix, "group": obj}

    def perform(self, user, obj, data):
        return services.enter_paper_ballot(user, obj, self._form_votes)

    def get_form(self, user, obj, data=None, files=None):
        form = super().get_form(user, obj, data, files)
        if data is not None:
            self._form_votes = form.votes() if form.is_valid() else {}
        return form


@no_store
class BallotImportView(ScopedMixin, TemplateView):
    """Paper ballots of an evaluation group from a spreadsheet (`ballot_import`): the template
    (?template=1), the upload and its preview with the errors by row and column, then the import, all
    or nothing. The county's, like every paper ballot; the sheet waits in the page, signed, not on the
    server."""

    model = EvaluationGroup
    queryset = EvaluationGroup.objects.select_related("assessment", "unit")
    template_name = "assessment/ballot_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            if not can_write_model(request.user, Ballot):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            response = HttpResponse(ballot_import.template(self.object), content_type=XLSX_CONTENT_TYPE)
            response["Content-Disposition"] = content_disposition_header(
                True, _("%(group)s paper ballots template.xlsx") % {"group": self.object})
            return response
        return self.render(form=ImportUploadForm())

    def render(self, **context):
        collecting = self.object.assessment.status == Assessment.Status.COLLECTING
        return self.render_to_response(self.get_context_data(
            object=self.object, collecting=collecting,
            instructions=ballot_import.instructions(self.object), **context))

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "import":
            return self.commit(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form=form)
        try:
            result = ballot_import.read_ballots(self.object, form.content)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
            return self.render(form=form)
        labels = dict(Grade.choices)
        return self.render(form=ImportUploadForm(), result=result,
                           counts=[(labels[grade], count) for grade, count in result.counts.items()],
                           token=ballot_import.sign_sheet(self.object, request.user, result.sheet) if result.ok else "")

    def commit(self, request):
        try:
            sheet = ballot_import.unsign_sheet(self.object, request.user, request.POST.get("token"))
            count = core_services.run(ballot_import.import_ballots, request.user, self.object, sheet)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return self.render(form=ImportUploadForm())
        messages.success(request, _("%(count)d paper ballots are entered.") % {"count": count})
        return HttpResponseRedirect(self.object.get_absolute_url())


# --- voting on a phone with a one-time code ------------------------------------------------------------

@no_store
class VoteView(TemplateView):
    """The democratic evaluation on a phone, for a code holder without an account: the code, then the
    ballot of the code's group, then a thank-you page. The code travels only in the form's body (never
    in the address, the session or a cookie); the page is never cached; a wrong code counts against
    the client address (`voting`), and the ballot keeps nothing of the voter."""

    template_name = "assessment/vote.html"

    def get(self, request, *args, **kwargs):
        return self.render(code_form=forms.BallotCodeForm())

    def render(self, status=200, **context):
        return self.render_to_response(self.get_context_data(**context), status=status)

    def post(self, request, *args, **kwargs):
        if voting.request_blocked(request):
            return self.render(code_form=forms.BallotCodeForm(), blocked=voting.blocked_message(), status=429)
        if request.POST.get("step") == "ballot":
            return self.ballot(request)
        code_form = forms.BallotCodeForm(request.POST)
        if not code_form.is_valid():
            return self.render(code_form=code_form)
        code = code_form.cleaned_data["code"]
        opened = self.open(request, code, code_form)
        if opened is None:
            return self.render(code_form=code_form)
        group, assessees = opened
        form = forms.PhoneBallotForm(initial={"code": code}, assessees=assessees)
        return self.render(form=form, group=group)

    def open(self, request, code, code_form):
        """(group, assessees) of the code, or None with the refusal on the code's form."""
        try:
            return services.open_ballot(code)
        except ValidationError as exc:
            self.refused(request, exc, code_form)
            return None

    @staticmethod
    def refused(request, exc, form):
        errors = single_errors(exc)
        if any(error.code == Code.CODE_UNKNOWN for error in errors):
            voting.record_wrong_code(request)
        for error in errors:
            for message in error.messages:
                form.add_error(None, message)

    def ballot(self, request):
        code_form = forms.BallotCodeForm({"code": request.POST.get("code", "")})
        if not code_form.is_valid():
            return self.render(code_form=code_form)
        opened = self.open(request, code_form.cleaned_data["code"], code_form)
        if opened is None:
            return self.render(code_form=code_form)
        group, assessees = opened
        form = forms.PhoneBallotForm(request.POST, assessees=assessees)
        if form.is_valid():
            try:
                core_services.run(services.cast_ballot, form.cleaned_data["code"], form.votes())
            except ValidationError as exc:
                self.refused(request, exc, form)
            else:
                return HttpResponseRedirect(reverse("assessment:vote_thanks"))
        return self.render(form=form, group=group)


class VoteThanksView(TemplateView):
    template_name = "assessment/vote_thanks.html"


# --- the four awards, their notice and the promotion-priority list ------------------------------------

class AwardListView(ObjectListView):
    queryset = Award.objects.select_related("assessment", "assessee__cadre", "assessee__team__township",
                                            "assessee__unit")
    filterset_class = filters.AwardFilterSet
    table_class = tables.AwardTable


class AwardDetailView(ObjectDetailView):
    template_name = "assessment/award_detail.html"
    queryset = Award.objects.select_related("assessment", "assessee__cadre", "assessee__team__township",
                                            "assessee__unit", "decided_by")
    fields = ["assessment", "kind", "assessee", "reason", "status", "decided_by", "decided_on"]


class AwardEditView(ObjectEditView):
    model = Award
    form_class = forms.AwardForm
    service = staticmethod(services.save_award)

    def get_initial(self):
        initial = super().get_initial()
        if "assessee" in self.request.GET:
            initial["assessee"] = self.request.GET["assessee"]
        if self.request.GET.get("kind") in Award.Kind.values:
            initial["kind"] = self.request.GET["kind"]
        return initial


class AwardDeleteView(ObjectDeleteView):
    model = Award
    service = staticmethod(services.delete_award)


class AwardDecideStep(StepView):
    model, step, service = Award, "decide", staticmethod(services.decide_award)
    success_message = gettext_lazy("The award is decided.")


class AwardNoticeView(ScopedMixin, View):
    """The notice of the decided awards (.docx, the bulletins' official-document layout), once the
    results are published; the download is audited as an export (core.audit_middleware)."""

    model = Assessment
    queryset = Assessment.objects.select_related("organization")

    def get(self, request, pk):
        assessment = get_object_or_404(self.get_queryset(), pk=pk)
        awards = results.decided_awards(assessment, request.user)
        if not results.notice_available(assessment, awards):
            raise Http404(_("The notice is issued once the results are published and an award is decided."))
        form = forms.AwardNoticeForm(request.GET)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return HttpResponseRedirect(f"{assessment.get_absolute_url()}#awards")
        content = results.award_notice(assessment, awards, red_band=form.cleaned_data["red_band"] != "0",
                                       document_number=form.cleaned_data["number"])
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        response["Content-Disposition"] = content_disposition_header(
            True, f"{results.notice_title(assessment)}.docx")
        return response


def _county_only(user):
    if getattr(user, "role", None) != Role.COUNTY_ADMIN:
        raise PermissionDenied


class PriorityListView(ScopedMixin, TemplateView):
    """The promotion-priority list (提拔任用优先考虑) for the county, with the evidence of each cadre;
    ?_export=xlsx exports it (the project's table export, audited)."""

    model = Award
    template_name = "assessment/priority_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _county_only(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.data = results.priority_list(request.user)
        if request.GET.get("_export") == "xlsx":
            table = tables.PriorityTable(self.data["rows"])
            exporter = TableWorkbook("xlsx", table, title=_("Promotion priority"))
            return exporter.response(filename=f"{_('Promotion priority')}-{clock.local_now():%Y%m%d-%H%M}.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(year=self.data["year"], rows=self.data["rows"], years=results.CONSECUTIVE_YEARS)
        return ctx


# --- results put to use: the consequences ---------------------------------------------------------------

class AssessmentApplyConsequencesStep(StepView):
    """Put a published annual assessment's results to use (again): what is on record stays."""

    model, step = Assessment, "apply_consequences"

    def perform(self, user, obj, data):
        counts = consequences.apply(user, obj)
        self.success_message = _("Consequences applied: %(created)d new, %(dismissed)d dismissed.") % counts
        return counts


class ConsequenceListView(ObjectListView):
    queryset = Consequence.objects.select_related("assessment", "assessee__cadre", "assessee__team__township",
                                                  "assessee__unit", "talk_entry", "problem", "training_need__topic")
    filterset_class = filters.ConsequenceFilterSet
    table_class = tables.ConsequenceTable


class ConsequencePageView(ObjectDetailView):
    """A consequence with the record it made in another module (linked where the user may see it)."""

    template_name = "assessment/consequence_detail.html"
    queryset = Consequence.objects.select_related("assessment", "assessee__cadre", "assessee__team__township",
                                                  "assessee__unit", "talk_entry__plan", "talk_entry__expected_talker",
                                                  "talk_entry__talker_organization", "problem__responsible",
                                                  "training_need__topic")
    fields = ["assessment", "assessee", "kind", "topic", "status", "reason", "note"]


class ConsequenceEditView(ObjectEditView):
    model = Consequence
    form_class = forms.ConsequenceForm
    service = staticmethod(consequences.save_consequence)

    def get_initial(self):
        initial = super().get_initial()
        if "assessee" in self.request.GET:
            initial["assessee"] = self.request.GET["assessee"]
        return initial


class ConsequenceDeleteView(ObjectDeleteView):
    model = Consequence
    service = staticmethod(consequences.delete_consequence)


class ConsequenceDoneStep(StepView):
    model, step, service = Consequence, "done", staticmethod(consequences.mark_done)
    success_message = gettext_lazy("The consequence is marked done.")


class ConsequenceDismissStep(StepView):
    model, step, form_class, prefix = Consequence, "dismiss", forms.DismissForm, "dismiss"
    service = staticmethod(consequences.dismiss)
    success_message = gettext_lazy("The consequence is dismissed.")
