"""The working-day calendar under /api/v1/core/calendar-years/ and /calendar-days/, as on the calendar
pages: everyone signed in reads it; the county organization department enters each year's public
holidays and adjusted working days through the same service, kept in history and the audit trail."""
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .api import BaseSerializer, ScopedModelViewSet
from .calendar_views import CalendarDayFilterSet, CalendarYearFilterSet
from .models import CalendarDay, CalendarYear

TIMESTAMPS = ["created_at", "updated_at"]


def days_of_year(kind):
    """The number of the year's calendar days of a kind, as a subquery of `CalendarYear`."""
    counted = (
        CalendarDay.objects.filter(date__year=OuterRef("year"), kind=kind).order_by()
        .values("kind").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class CalendarYearSerializer(BaseSerializer):
    rest_days = serializers.SerializerMethodField(help_text=_("Public holidays entered for the year."))
    adjusted_working_days = serializers.SerializerMethodField(help_text=_("Adjusted working days entered for the year."))
    is_complete = serializers.SerializerMethodField(
        help_text=_("The schedule is marked as entered and holds public holidays: deadlines count them."))

    class Meta:
        model = CalendarYear
        fields = ["id", "year", "is_published", "source", "rest_days", "adjusted_working_days", "is_complete",
                  *TIMESTAMPS]

    def _count(self, year, kind, attr):
        value = getattr(year, attr, None)
        if value is None:  # a record just saved is not annotated
            value = CalendarDay.objects.filter(date__year=year.year, kind=kind).count()
            setattr(year, attr, value)
        return value

    @extend_schema_field(serializers.IntegerField())
    def get_rest_days(self, year):
        return self._count(year, CalendarDay.Kind.REST, "rest_day_count")

    @extend_schema_field(serializers.IntegerField())
    def get_adjusted_working_days(self, year):
        return self._count(year, CalendarDay.Kind.WORK, "work_day_count")

    @extend_schema_field(serializers.BooleanField())
    def get_is_complete(self, year):
        return year.is_published and self.get_rest_days(year) > 0


class CalendarDaySerializer(BaseSerializer):
    weekday = serializers.SerializerMethodField(help_text=_("1 for Monday to 7 for Sunday."))

    class Meta:
        model = CalendarDay
        fields = ["id", "date", "weekday", "kind", "name", *TIMESTAMPS]

    @extend_schema_field(serializers.IntegerField(min_value=1, max_value=7))
    def get_weekday(self, day):
        return day.date.isoweekday()


class CalendarYearViewSet(ScopedModelViewSet):
    """Whether each year's official holiday schedule is on record. A year without one counts only
    weekends as rest days."""

    queryset = CalendarYear.objects.annotate(
        rest_day_count=days_of_year(CalendarDay.Kind.REST), work_day_count=days_of_year(CalendarDay.Kind.WORK))
    serializer_class = CalendarYearSerializer
    filterset_class = CalendarYearFilterSet
    ordering_fields = ["year"]

    def perform_update(self, serializer):
        super().perform_update(serializer)
        # The year itself may have changed: count its days afresh.
        for attr in ("rest_day_count", "work_day_count"):
            vars(serializer.instance).pop(attr, None)


class CalendarDayViewSet(ScopedModelViewSet):
    """The exceptions to the Monday–Friday week: public holidays and adjusted working days (a
    Saturday or Sunday). Filter by `year` or `kind`."""

    # Latest first, as on the page: the year being entered is the one worked on.
    queryset = CalendarDay.objects.order_by("-date")
    serializer_class = CalendarDaySerializer
    filterset_class = CalendarDayFilterSet
    ordering_fields = ["date"]
