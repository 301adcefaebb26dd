"""Pages of the reserve pool under /reserves/: the pool list (filters, Excel export), an entry's
page with its timeline, the vetting checks and the development measures, the nomination form, the
county's steps, and the reviews' and measures' pages."""
from django.urls import reverse
from django.utils.translation import gettext_lazy

from banzi.core import clock
from banzi.core.roles import STAFF
from banzi.core.scoping import can_write_model
from banzi.core.uploads import FileDownloadView
from banzi.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView, StepView

from . import checks, filters, forms, services, tables
from .models import DevelopmentMeasure, ReserveEntry, ReserveReview

Status = ReserveEntry.Status


class ReserveEntryListView(ObjectListView):
    queryset = ReserveEntry.objects.select_related("cadre", "unit").order_by("-nominated_on", "-id")
    filterset_class = filters.ReserveEntryFilterSet
    table_class = tables.ReserveEntryTable


def timeline(entry, reviews):
    """The entry's story in order: nominated, vetted or rejected, in the pool, each review, the exit."""
    events = [(entry.nominated_on, gettext_lazy("Nominated"), entry.get_source_display())]
    if entry.rejected_on:
        events.append((entry.rejected_on, gettext_lazy("Rejected at vetting"), entry.rejection_reason))
    if entry.vetted_on:
        events.append((entry.vetted_on, gettext_lazy("Vetted"), entry.vetting_result))
    if entry.entered_on:
        events.append((entry.entered_on, gettext_lazy("Entered the pool"), entry.development_plan))
    for review in reviews:
        events.append((None, gettext_lazy("Yearly review %(year)s") % {"year": review.year},
                       f"{review.get_conclusion_display()} {review.note}".strip()))
    if entry.exited_on:
        events.append((entry.exited_on, gettext_lazy("Left the pool"),
                       f"{entry.get_exit_reason_display()} {entry.exit_note}".strip()))
    return [{"date": day, "label": label, "text": text} for day, label, text in events]


class ReserveEntryDetailView(ObjectDetailView):
    template_name = "reserves/reserveentry_detail.html"
    queryset = ReserveEntry.objects.select_related("cadre__organization", "unit")
    fields = ["cadre", "nominated_on", "source", "recommendation", "votes_for", "votes_total", "note"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        entry, user = self.object, self.request.user
        reviews = list(entry.reviews.visible_to(user).order_by("year", "id"))
        ctx["reviews"] = reviews
        ctx["timeline"] = timeline(entry, reviews)
        ctx["measures"] = entry.measures.visible_to(user).select_related("posting__organization", "enrollment__program")
        # The checks name violations, which cadres do not see (not even their own): staff only.
        if user.role in STAFF:
            if entry.status == Status.NOMINATED:
                ctx["checks"] = [vars(c) for c in checks.run_checks(entry)]
                ctx["checks_live"] = True
            else:
                ctx["checks"] = entry.vetting_checks
        ctx["file_url"] = entry.get_url("file") if entry.recommendation_file else None
        if can_write_model(user, DevelopmentMeasure) and entry.status in (Status.VETTED, Status.IN_POOL):
            ctx["add_measure_url"] = f"{reverse('reserves:developmentmeasure_add')}?entry={entry.pk}"
        return ctx


class ReserveEntryEditView(ObjectEditView):
    model = ReserveEntry
    form_class = forms.ReserveEntryForm
    service = staticmethod(services.save_entry)


class ReserveEntryDeleteView(ObjectDeleteView):
    model = ReserveEntry
    service = staticmethod(services.delete_entry)


class VetStep(StepView):
    model, step, form_class, prefix = ReserveEntry, "vet", forms.VetForm, "vet"
    service = staticmethod(services.vet)
    success_message = gettext_lazy("The cadre is vetted.")


class RejectStep(StepView):
    model, step, form_class, prefix = ReserveEntry, "reject", forms.RejectForm, "reject"
    service = staticmethod(services.reject)
    success_message = gettext_lazy("The nomination is rejected.")


class EnterStep(StepView):
    model, step, form_class, prefix = ReserveEntry, "enter", forms.EnterForm, "enter"
    service = staticmethod(services.enter)
    success_message = gettext_lazy("The cadre is in the reserve pool.")


class ReviewStep(StepView):
    model, step, form_class, prefix = ReserveEntry, "review", forms.ReviewForm, "review"
    service = staticmethod(services.review)
    success_message = gettext_lazy("The review is recorded.")

    def initial(self, obj):
        return {"year": clock.today().year}


class ExitStep(StepView):
    model, step, form_class, prefix = ReserveEntry, "exit", forms.ExitForm, "exit"
    service = staticmethod(services.exit_pool)
    success_message = gettext_lazy("The cadre has left the reserve pool.")


class ReserveReviewListView(ObjectListView):
    queryset = ReserveReview.objects.select_related("entry__cadre", "entry__unit")
    filterset_class = filters.ReserveReviewFilterSet
    table_class = tables.ReserveReviewTable


class ReserveReviewDetailView(ObjectDetailView):
    queryset = ReserveReview.objects.select_related("entry__cadre")


class ReserveReviewEditView(ObjectEditView):
    model = ReserveReview
    form_class = forms.ReserveReviewForm
    service = staticmethod(services.save_review)


class DevelopmentMeasureListView(ObjectListView):
    queryset = DevelopmentMeasure.objects.select_related("entry__cadre", "entry__unit", "posting__cadre",
                                                         "posting__organization", "enrollment__cadre",
                                                         "enrollment__program")
    filterset_class = filters.DevelopmentMeasureFilterSet
    table_class = tables.DevelopmentMeasureTable


class DevelopmentMeasureDetailView(ObjectDetailView):
    queryset = DevelopmentMeasure.objects.select_related("entry__cadre", "posting__cadre", "posting__organization",
                                                         "enrollment__cadre", "enrollment__program")


class DevelopmentMeasureEditView(ObjectEditView):
    model = DevelopmentMeasure
    form_class = forms.DevelopmentMeasureForm
    service = staticmethod(services.save_measure)


class RecommendationFileView(FileDownloadView):
    model, field = ReserveEntry, "recommendation_file"
