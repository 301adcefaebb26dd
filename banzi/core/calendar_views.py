"""The working-day calendar pages: the county administrator enters each year's official schedule of
public holidays and adjusted working days; everyone signed in can read it."""
import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import system_texts
from .filters import BaseFilterSet
from .forms import BaseModelForm
from .models import CalendarDay, CalendarYear
from .tables import BaseTable, YesNoColumn
from .views import ObjectDetailView, ObjectEditView, ObjectListView
from .workdays import years_awaiting_schedule


def schedule_requests(today):
    """What the county administrator is asked now, on the home page and in a reminder: one request a
    year whose holiday schedule is to be entered (see `workdays.years_awaiting_schedule`), with the
    year's page when it is being entered, else the page that starts it."""
    years = years_awaiting_schedule(today)
    if not years:
        return []
    started = {y.year: y.get_absolute_url() for y in CalendarYear.objects.filter(year__in=years)}
    return [{
        "year": year,
        "url": started.get(year) or f"{reverse(CalendarYear.url_name('add'))}?year={year}",
        "title": _("Enter the %(year)s holiday schedule") % {"year": year},
        "body": _("Until it is entered, only weekends count as rest days in %(year)s: deadlines and leave days "
                  "ignore its public holidays and adjusted working days.") % {"year": year},
    } for year in years]


class CalendarYearForm(BaseModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "is_published", "source"]


class CalendarDayForm(BaseModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["name"].help_text = _("The holiday the day belongs to, e.g. National Day.")


class CalendarDayFilterSet(BaseFilterSet):
    search_fields = ("name",)
    year = django_filters.NumberFilter(field_name="date__year", label=_("year"))
    kind = django_filters.ChoiceFilter(choices=CalendarDay.Kind.choices, label=_("kind"))

    class Meta:
        model = CalendarDay
        fields = ["q", "year", "kind"]


class CalendarYearFilterSet(BaseFilterSet):
    search_fields = ("source",)
    is_published = django_filters.BooleanFilter(label=_("official schedule entered"))

    class Meta:
        model = CalendarYear
        fields = ["q", "is_published"]


class CalendarDayTable(BaseTable):
    date = tables.Column(linkify=True)
    weekday = tables.Column(accessor="date", verbose_name=_("weekday"), orderable=False)

    class Meta(BaseTable.Meta):
        model = CalendarDay
        fields = ("date", "weekday", "kind", "name")

    def value_date(self, value):
        return value.isoformat()

    def render_weekday(self, value):
        return _WEEKDAYS[value.weekday()]

    def value_weekday(self, value):
        return str(_WEEKDAYS[value.weekday()])


_WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


class CalendarYearTable(BaseTable):
    year = tables.Column(linkify=True)
    is_published = YesNoColumn()

    class Meta(BaseTable.Meta):
        model = CalendarYear
        fields = ("year", "is_published", "source")

    def render_source(self, value):
        return system_texts.shown(value)

    value_source = render_source


class CalendarYearListView(ObjectListView):
    model = CalendarYear
    filterset_class = CalendarYearFilterSet
    table_class = CalendarYearTable


class CalendarYearDetailView(ObjectDetailView):
    model = CalendarYear
    template_name = "core/calendaryear_detail.html"

    def field_rows(self, obj):
        rows = super().field_rows(obj)
        for row in rows:
            if row["label"] == CalendarYear._meta.get_field("source").verbose_name:
                row["value"] = system_texts.shown(row["value"])
        return rows

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        days = list(CalendarDay.objects.filter(date__year=self.object.year).order_by("date"))
        rest = [d for d in days if d.kind == CalendarDay.Kind.REST]
        work = [d for d in days if d.kind == CalendarDay.Kind.WORK]
        ctx["days"] = days
        ctx["rest_count"] = len(rest)
        ctx["work_count"] = len(work)
        # Complete means the administrator has ticked the year off and it holds holidays at all.
        ctx["is_complete"] = self.object.is_published and bool(rest)
        ctx["add_day_url"] = reverse(CalendarDay.url_name("add")) if ctx["edit_url"] else None
        return ctx


class CalendarYearEditView(ObjectEditView):
    model = CalendarYear
    form_class = CalendarYearForm


class CalendarDayListView(ObjectListView):
    # Latest first: the year being entered is the one the administrator works on.
    queryset = CalendarDay.objects.order_by("-date")
    filterset_class = CalendarDayFilterSet
    table_class = CalendarDayTable


class CalendarDayDetailView(ObjectDetailView):
    model = CalendarDay


class CalendarDayEditView(ObjectEditView):
    model = CalendarDay
    form_class = CalendarDayForm
