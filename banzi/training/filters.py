"""Filters of the training lists, shared by the pages and the API."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from banzi.core.filters import BaseFilterSet, OnePerFilter, YesNoFilter
from banzi.org.filters import townships
from banzi.org.models import Organization

from .models import (
    Attendance,
    Enrollment,
    Lecturer,
    TrainingNeed,
    TrainingProgram,
    TrainingSession,
    TrainingTopic,
)


def organizers(request):
    user = getattr(request, "user", None)
    if user is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(user).filter(
        kind__in=[Organization.Kind.COUNTY, Organization.Kind.TOWNSHIP, Organization.Kind.DEPARTMENT])


def topics(request):
    return TrainingTopic.objects.all()


def _hidden(lookup, label):
    """A filter by a record's id that pages link to (?program=12), not a drop-down of every record."""
    return django_filters.NumberFilter(field_name=lookup, label=label, widget=forms.HiddenInput)


def _year(lookup):
    return django_filters.NumberFilter(field_name=lookup, label=_("year"))


class TrainingTopicFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    is_active = YesNoFilter(label=_("active"))

    class Meta:
        model = TrainingTopic
        fields = ["q", "is_active"]


class LecturerFilterSet(BaseFilterSet):
    search_fields = ("name", "affiliation", "title")
    affiliation_kind = django_filters.ChoiceFilter(choices=Lecturer.AffiliationKind.choices,
                                                   label=_("affiliation kind"))

    class Meta:
        model = Lecturer
        fields = ["q", "affiliation_kind"]


class TrainingProgramFilterSet(BaseFilterSet):
    search_fields = ("name", "location", "target_group")
    year = _year("start_on__year")
    kind = django_filters.ChoiceFilter(choices=TrainingProgram.Kind.choices, label=_("kind"))
    organizer = django_filters.ModelChoiceFilter(queryset=organizers, label=_("organizer"))
    topic = django_filters.ModelChoiceFilter(field_name="topics", queryset=topics, label=_("topic"))

    class Meta:
        model = TrainingProgram
        fields = ["q", "year", "kind", "organizer", "topic"]


class TrainingSessionFilterSet(BaseFilterSet):
    search_fields = ("title", "lecturer__name", "program__name")
    program = _hidden("program", _("training program"))
    year = _year("held_on__year")
    topic = django_filters.ModelChoiceFilter(queryset=topics, label=_("topic"))
    kind = django_filters.ChoiceFilter(field_name="program__kind", choices=TrainingProgram.Kind.choices,
                                       label=_("kind"))

    class Meta:
        model = TrainingSession
        fields = ["q", "program", "year", "topic", "kind"]


class EnrollmentFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_pinyin", "cadre__name_initials", "program__name")
    program = _hidden("program", _("training program"))
    cadre = _hidden("cadre", _("cadre"))
    township = django_filters.ModelChoiceFilter(field_name="cadre__organization__township", queryset=townships,
                                                label=_("township"))
    year = _year("program__start_on__year")

    class Meta:
        model = Enrollment
        fields = ["q", "program", "cadre", "township", "year"]


class AttendanceFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_pinyin", "cadre__name_initials", "session__title",
                     "session__program__name")
    program = _hidden("session__program", _("training program"))
    session = _hidden("session", _("training session"))
    cadre = _hidden("cadre", _("cadre"))
    status = django_filters.ChoiceFilter(choices=Attendance.Status.choices, label=_("attendance"))
    township = django_filters.ModelChoiceFilter(field_name="cadre__organization__township", queryset=townships,
                                                label=_("township"))
    year = _year("session__held_on__year")
    held = django_filters.DateFromToRangeFilter(field_name="session__held_on", label=_("held on"))
    kind = django_filters.ChoiceFilter(field_name="session__program__kind", choices=TrainingProgram.Kind.choices,
                                       label=_("kind"))
    newly_promoted = YesNoFilter(field_name="cadre__is_newly_promoted", label=_("newly promoted"))
    one_per = OnePerFilter(("cadre", "cadre", _("one per cadre")), ("program", "session__program", _("one per program")),
                           ("lecturer", "session__lecturer", _("one per lecturer")),
                           ("day", "session__held_on", _("one per day")))

    class Meta:
        model = Attendance
        fields = ["q", "program", "session", "cadre", "status", "township", "year", "held", "kind", "newly_promoted",
                  "one_per"]


class TrainingNeedFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_pinyin", "cadre__name_initials", "organization__name", "note")
    status = django_filters.ChoiceFilter(choices=TrainingNeed.Status.choices, label=_("status"))
    source = django_filters.ChoiceFilter(choices=TrainingNeed.Source.choices, label=_("source"))
    topic = django_filters.ModelChoiceFilter(queryset=topics, label=_("topic"))
    township = django_filters.ModelChoiceFilter(field_name="organization__township", queryset=townships,
                                                label=_("township"))

    class Meta:
        model = TrainingNeed
        fields = ["q", "status", "source", "topic", "township"]
