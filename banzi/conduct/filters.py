"""Filters of the strict-management lists, shared by the pages and the API: year, township, cadre,
status and kind, who is away on a day, and who has not signed or declared in a year."""
import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banzi.core import clock
from banzi.core.filters import BaseFilterSet, OnePerFilter, YesNoFilter
from banzi.org.filters import townships
from banzi.org.models import Cadre

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

CADRE_SEARCH = ("cadre__name", "cadre__name_pinyin", "cadre__name_initials")


def cadres(request):
    user = getattr(request, "user", None)
    return Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE) if user is not None else Cadre.objects.none()


def _township(lookup="cadre__organization__township"):
    return django_filters.ModelChoiceFilter(field_name=lookup, queryset=townships, label=_("township"))


def _cadre():
    return django_filters.ModelChoiceFilter(queryset=cadres, label=_("cadre"))


def day_bounds(day):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def away_on_q(day):
    """Outing reports whose cadre is away on the day: left by its end, and not back before it
    started. A cadre who has not reported back counts as away until they do, even after the
    planned return: an overdue return is what the secretary needs to see."""
    start, end = day_bounds(day)
    return Q(departs_at__lt=end) & (Q(returned_at__isnull=True) | Q(returned_at__gte=start))


def on_leave_q(day):
    """Approved leave covering the day, not yet ended by the cadre's return."""
    return (Q(status=LeaveRequest.Status.APPROVED, starts_on__lte=day, ends_on__gte=day)
            & (Q(returned_on__isnull=True) | Q(returned_on__gt=day)))


class DisciplineRuleFilterSet(BaseFilterSet):
    search_fields = ("code", "title", "description")
    is_active = YesNoFilter(label=_("active"))

    class Meta:
        model = DisciplineRule
        fields = ["q", "is_active"]


class CommitmentLetterFilterSet(BaseFilterSet):
    search_fields = CADRE_SEARCH
    township = _township()
    cadre = _cadre()

    class Meta:
        model = CommitmentLetter
        fields = ["q", "year", "township", "cadre"]


class ConcurrentPostDeclarationFilterSet(BaseFilterSet):
    search_fields = (*CADRE_SEARCH, "post_organization", "post_role")
    township = _township()
    cadre = _cadre()
    has_post = YesNoFilter(label=_("holds a concurrent post"))
    decision = django_filters.ChoiceFilter(choices=ConcurrentPostDeclaration.Decision.choices, label=_("decision"))

    class Meta:
        model = ConcurrentPostDeclaration
        fields = ["q", "year", "township", "cadre", "has_post", "decision"]


class ViolationFilterSet(BaseFilterSet):
    search_fields = (*CADRE_SEARCH, "facts", "decision", "source")
    year = django_filters.NumberFilter(field_name="occurred_on__year", label=_("year"))
    township = _township()
    cadre = _cadre()
    status = django_filters.ChoiceFilter(choices=Violation.Status.choices, label=_("status"))
    decided = django_filters.DateFromToRangeFilter(field_name="decided_on", label=_("decided on"))
    occurred = django_filters.DateFromToRangeFilter(field_name="occurred_on", label=_("occurred on"))
    one_per = OnePerFilter(("cadre", "cadre", _("one per cadre")))

    class Meta:
        model = Violation
        fields = ["q", "year", "township", "cadre", "rule", "status", "decided", "occurred", "one_per"]


class LeaveRequestFilterSet(BaseFilterSet):
    search_fields = (*CADRE_SEARCH, "reason")
    year = django_filters.NumberFilter(field_name="starts_on__year", label=_("year"))
    township = _township()
    cadre = _cadre()
    kind = django_filters.ChoiceFilter(choices=LeaveKind.choices, label=_("kind of leave"))
    status = django_filters.ChoiceFilter(choices=LeaveRequest.Status.choices, label=_("status"))
    on_leave_on = django_filters.DateFilter(method="filter_on_leave", label=_("on leave on"))
    to_approve = YesNoFilter(method="filter_to_approve", label=_("waiting for my approval"))

    ends = django_filters.DateFromToRangeFilter(field_name="ends_on", label=_("last day of leave"))

    class Meta:
        model = LeaveRequest
        fields = ["q", "year", "township", "cadre", "kind", "status", "on_leave_on", "to_approve", "ends"]

    def filter_on_leave(self, queryset, name, value):
        return queryset.filter(on_leave_q(value)) if value else queryset

    def filter_to_approve(self, queryset, name, value):
        if value is None:
            return queryset
        user = getattr(self.request, "user", None)
        mine = Q(approver=user) if user is not None and user.is_authenticated else Q(pk__in=[])
        if user is not None and getattr(user, "is_county_admin", False):
            mine |= Q(approver_kind=LeaveRequest.ApproverKind.COUNTY)
        waiting = Q(status=LeaveRequest.Status.SUBMITTED) & mine
        return queryset.filter(waiting) if value else queryset.exclude(waiting)


class LeaveLedgerEntryFilterSet(BaseFilterSet):
    search_fields = (*CADRE_SEARCH, "note")
    township = _township()
    cadre = _cadre()

    class Meta:
        model = LeaveLedgerEntry
        fields = ["q", "year", "township", "cadre", "kind"]


class OutingReportFilterSet(BaseFilterSet):
    search_fields = (*CADRE_SEARCH, "destination", "reason")
    year = django_filters.NumberFilter(field_name="departs_at__year", label=_("year"))
    township = _township()
    cadre = _cadre()
    is_late = YesNoFilter(label=_("filed late"))
    returned = YesNoFilter(field_name="returned_at", lookup_expr="isnull", exclude=True, label=_("returned"))
    away_on = django_filters.DateFilter(method="filter_away_on", label=_("away on"))
    departs = django_filters.DateFromToRangeFilter(field_name="departs_at__date", label=_("departure date"))

    class Meta:
        model = OutingReport
        fields = ["q", "year", "township", "cadre", "is_late", "returned", "away_on", "departs"]

    def filter_away_on(self, queryset, name, value):
        return queryset.filter(away_on_q(value)) if value else queryset


def township_cadres(user):
    """The cadres who sign the yearly commitment and declare concurrent posts: active cadres of the
    townships and their villages (the programme is the township teams'; county departments' own
    staff are not in it)."""
    return Cadre.objects.visible_to(user).filter(status=Cadre.Status.ACTIVE, organization__township__isnull=False)


class MissingFilterSet(BaseFilterSet):
    """Active township cadres missing this year's commitment letter or declaration (the department's list)."""

    MISSING_CHOICES = [
        ("either", _("Either missing")),
        ("commitment", _("Commitment letter not signed")),
        ("declaration", _("Concurrent posts not declared")),
    ]
    search_fields = ("name", "name_pinyin", "name_initials", "post")
    year = django_filters.NumberFilter(method="filter_noop", label=_("year"))
    township = _township("organization__township")
    missing = django_filters.ChoiceFilter(choices=MISSING_CHOICES, method="filter_noop", label=_("missing"),
                                          empty_label=None)

    class Meta:
        model = Cadre
        fields = ["q", "year", "township", "missing"]

    def __init__(self, data=None, *args, **kwargs):
        # Bound even without parameters: the list always filters (this year, either missing).
        super().__init__(data if data is not None else {}, *args, **kwargs)

    def filter_noop(self, queryset, name, value):
        return queryset  # applied together in filter_queryset, which needs both values

    @property
    def chosen_year(self):
        try:
            return int(self.form.cleaned_data.get("year") or clock.today().year)
        except (AttributeError, TypeError, ValueError):
            return clock.today().year

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        year = self.chosen_year
        missing = self.form.cleaned_data.get("missing") or "either"
        no_letter = ~Q(pk__in=CommitmentLetter.objects.filter(year=year).values("cadre_id"))
        no_declaration = ~Q(pk__in=ConcurrentPostDeclaration.objects.filter(year=year).values("cadre_id"))
        condition = {"commitment": no_letter, "declaration": no_declaration}.get(missing, no_letter | no_declaration)
        return queryset.filter(condition)
