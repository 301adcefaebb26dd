"""Filters of the talks lists, shared by the pages and the API. Nothing searches or filters by a
talk's summary or follow-up: a filter would disclose what a list does not show."""
import django_filters
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.filters import BaseFilterSet, OnePerFilter, YesNoFilter
from banzi.org.filters import townships
from banzi.org.models import Cadre

from .models import Talk, TalkPlan, TalkPlanEntry


def cadres(request):
    user = getattr(request, "user", None)
    return Cadre.objects.visible_to(user) if user is not None else Cadre.objects.none()


def plans(request):
    user = getattr(request, "user", None)
    return TalkPlan.objects.visible_to(user) if user is not None else TalkPlan.objects.none()


class TalkFilterSet(BaseFilterSet):
    search_fields = ("talker__name", "talker__name_initials", "talkee__name", "talkee__name_initials", "place")
    township = django_filters.ModelChoiceFilter(field_name="organization__township", queryset=townships,
                                                label=_("township"))
    talker = django_filters.ModelChoiceFilter(queryset=cadres, label=_("talker"))
    talkee = django_filters.ModelChoiceFilter(queryset=cadres, label=_("talkee"))
    kind = django_filters.ChoiceFilter(choices=Talk.Kind.choices, label=_("kind"))
    reason = django_filters.ChoiceFilter(choices=[(f, label) for f, label in Talk.REASONS], method="by_reason",
                                         label=_("reason"))
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label=_("from"))
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label=_("to"))
    one_per = OnePerFilter(("talkee", "talkee", _("one per cadre talked to")))

    class Meta:
        model = Talk
        fields = ["q", "township", "talker", "talkee", "kind", "reason", "held_after", "held_before", "one_per"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Talker, talkee or place")
        for name in ("held_after", "held_before"):
            self.form.fields[name].widget.input_type = "date"

    def by_reason(self, queryset, name, value):
        return queryset.filter(**{value: True}) if value in dict(Talk.REASONS) else queryset


class TalkPlanFilterSet(BaseFilterSet):
    search_fields = ("title",)
    township = django_filters.ModelChoiceFilter(field_name="organization__township", queryset=townships,
                                                label=_("township"))

    class Meta:
        model = TalkPlan
        fields = ["q", "township"]


class TalkPlanEntryFilterSet(BaseFilterSet):
    search_fields = ("talkee__name", "talkee__name_initials", "expected_talker__name")
    plan = django_filters.ModelChoiceFilter(queryset=plans, label=_("talk plan"))
    priority_group = django_filters.ChoiceFilter(choices=[c for c in TalkPlanEntry.PriorityGroup.choices if c[0]],
                                                 label=_("priority group"))
    township = django_filters.ModelChoiceFilter(field_name="talkee__organization__township", queryset=townships,
                                                label=_("township"))
    due = django_filters.DateFromToRangeFilter(field_name="due_on", label=_("due date"))
    not_yet_due = YesNoFilter(method="filter_not_yet_due", label=_("not yet due"))

    class Meta:
        model = TalkPlanEntry
        fields = ["q", "plan", "priority_group", "township", "due", "not_yet_due"]

    def filter_not_yet_due(self, queryset, name, value):
        """Entries still open to be covered in time (neither covered nor past their due date): what
        the coverage rate leaves out (talks.metrics.with_states, state "due")."""
        if value is None:
            return queryset
        from .metrics import DUE, with_states

        pending = with_states(TalkPlanEntry.objects.filter(due_on__gte=clock.today())).filter(state=DUE).values("pk")
        return queryset.filter(pk__in=pending) if value else queryset.exclude(pk__in=pending)
