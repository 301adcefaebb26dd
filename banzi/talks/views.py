"""Talks pages: declarations over core's generic views, the confidential summary page, a plan's
page with its coverage, the step that fills a plan from the teams, and the newly promoted cadres'
integrity talks."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from banzi.core import services as core_services
from banzi.core.masking import no_store
from banzi.core.scoping import can_write_model, sees_everything
from banzi.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView, ScopedMixin

from . import filters, forms, metrics, services, tables
from .models import CONFIDENTIAL_FIELDS, Talk, TalkPlan, TalkPlanEntry

# --- talks ----------------------------------------------------------------------------------------


class TalkListView(ObjectListView):
    queryset = Talk.objects.select_related("talker", "talkee", "organization").defer(*CONFIDENTIAL_FIELDS)
    filterset_class = filters.TalkFilterSet
    table_class = tables.TalkTable


@no_store
class TalkDetailView(ObjectDetailView):
    """Who talked with whom, when and why; what was said only behind the summary page."""

    queryset = Talk.objects.select_related("talker", "talkee", "organization")
    template_name = "talks/talk_detail.html"
    fields = ["talker", "talkee", "organization", "held_on", "kind", "place"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        talk = self.object
        ctx["may_read_summary"] = talk.summary_visible_to(self.request.user)
        ctx["has_summary"] = bool(talk.summary or talk.follow_up)
        return ctx


@no_store
class TalkSummaryView(ScopedMixin, DetailView):
    """The talk's summary and follow-up, for the talker and the county department only (404 for
    everyone else); every opening of this page is an audit event."""

    model = Talk
    template_name = "talks/talk_summary.html"

    def get_object(self, queryset=None):
        # Looked up unscoped so that a refusal outside the scope is recorded as well; the service
        # answers 404 to anyone not entitled, in scope or not.
        return get_object_or_404(Talk, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["confidential"] = services.read_summary(self.request.user, self.object, via=_("summary page"))
        return ctx


@no_store
class TalkEditView(ObjectEditView):
    model = Talk
    form_class = forms.TalkForm
    service = staticmethod(services.save_talk)

    def get(self, request, *args, **kwargs):
        talk = self.object
        if talk is not None and (talk.summary or talk.follow_up) and talk.summary_visible_to(request.user):
            # The edit form shows what was said: opening it is a read like any other.
            services.read_summary(request.user, talk, via=_("edit form"))
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        if self.object is None and self.request.user.cadre_id and "talker" not in initial:
            initial["talker"] = self.request.user.cadre_id
        return initial


class TalkDeleteView(ObjectDeleteView):
    model = Talk
    service = staticmethod(services.delete_talk)


# --- plans ----------------------------------------------------------------------------------------

class TalkPlanListView(ObjectListView):
    queryset = TalkPlan.objects.select_related("organization").annotate(entry_count=Count("entries")).order_by(
        "-starts_on", "-id")
    filterset_class = filters.TalkPlanFilterSet
    table_class = tables.TalkPlanTable


class TalkPlanDetailView(ObjectDetailView):
    queryset = TalkPlan.objects.select_related("organization")
    template_name = "talks/talkplan_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        ctx["coverage"] = metrics.plan_coverage(plan, user)
        ctx["group_labels"] = dict(TalkPlanEntry.PriorityGroup.choices)
        entries = (TalkPlanEntry.objects.visible_to(user).filter(plan=plan)
                   .select_related("plan", "talkee__organization", "expected_talker", "talker_organization"))
        table = tables.TalkPlanEntryTable(entries, exclude=("plan",), orderable=False)
        table.paginate(page=self.request.GET.get("page", 1), per_page=50)
        ctx["entry_table"] = table
        if ctx["edit_url"]:
            ctx["fill_form"] = forms.FillPlanForm(user=user, plan=plan)
            ctx["add_entry_url"] = f"{reverse('talks:talkplanentry_add')}?plan={plan.pk}&due_on={plan.due_on:%Y-%m-%d}"
        return ctx


class TalkPlanEditView(ObjectEditView):
    model = TalkPlan
    form_class = forms.TalkPlanForm
    service = staticmethod(services.save_plan)


class TalkPlanFillStep(ScopedMixin, View):
    """Add everyone the plan must cover (county plan: every township team member; township plan:
    the township's general cadres) with their priority groups."""

    model = TalkPlan

    def post(self, request, pk):
        plan = get_object_or_404(self.get_queryset(), pk=pk)
        if not TalkPlan.objects.editable_by(request.user).filter(pk=plan.pk).exists():
            raise PermissionDenied
        form = forms.FillPlanForm(request.POST, user=request.user, plan=plan)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(plan.get_absolute_url())
        try:
            added = core_services.run(services.fill_plan, request.user, plan,
                                      talker_organization=form.cleaned_data["talker_organization"],
                                      due_on=form.cleaned_data["due_on"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(plan.get_absolute_url())
        messages.success(request, _("%(count)d cadres added to the plan.") % {"count": added})
        return HttpResponseRedirect(plan.get_absolute_url())


class TalkPlanEntryListView(ObjectListView):
    queryset = TalkPlanEntry.objects.select_related("plan", "talkee", "expected_talker", "talker_organization")
    filterset_class = filters.TalkPlanEntryFilterSet
    table_class = tables.TalkPlanEntryTable


class TalkPlanEntryDetailView(ObjectDetailView):
    queryset = TalkPlanEntry.objects.select_related("plan", "talkee", "expected_talker", "talker_organization")
    template_name = "talks/talkplanentry_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        state, talk = metrics.entry_states([self.object])[self.object.pk]
        ctx["state_badge"] = tables.state_badge(state, metrics.ENTRY_STATES[state])
        ctx["covering_talk"] = talk
        return ctx


class TalkPlanEntryEditView(ObjectEditView):
    model = TalkPlanEntry
    form_class = forms.TalkPlanEntryForm
    service = staticmethod(services.save_plan_entry)


# --- integrity talks ------------------------------------------------------------------------------

class IntegrityView(ScopedMixin, TemplateView):
    """The newly promoted cadres and their integrity talks against the county's time limit."""

    model = Talk
    template_name = "talks/integrity.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (sees_everything(request.user) or request.user.township_id):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = metrics.integrity_rows(self.request.user)
        show = self.request.GET.get("show", "open")
        ctx["summary"] = metrics.integrity_counts(self.request.user)
        ctx["days"] = metrics.integrity_days()
        ctx["show"] = show
        if show == "open":
            rows = [r for r in rows if r.state in (metrics.MISSING, metrics.PENDING, metrics.HELD_LATE)]
        ctx["rows"] = rows
        ctx["can_add"] = False
        ctx["can_record"] = can_write_model(self.request.user, Talk)
        return ctx
