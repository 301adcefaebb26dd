"""Filters for the registry lists, shared by the UI and the API."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from banzi.core.filters import BaseFilterSet, YesNoFilter

from .metrics import incomplete_q
from .models import (
    Cadre,
    Organization,
    Position,
    Team,
    TeamMembership,
    VillageDesignation,
    id_number_fingerprint,
    phone_fingerprint,
)


def townships(request):
    qs = Organization.objects.filter(kind=Organization.Kind.TOWNSHIP)
    user = getattr(request, "user", None)
    return qs.visible_to(user) if user is not None else qs.none()


class OrganizationFilterSet(BaseFilterSet):
    search_fields = ("name", "division_code")
    kind = django_filters.ChoiceFilter(choices=Organization.Kind.choices, label=_("kind"))
    township = django_filters.ModelChoiceFilter(queryset=townships, label=_("township"))
    is_active = YesNoFilter(label=_("active"))

    class Meta:
        model = Organization
        fields = ["q", "kind", "township", "parent", "is_active"]


class VillageDesignationFilterSet(BaseFilterSet):
    search_fields = ("organization__name", "reason")
    township = django_filters.ModelChoiceFilter(
        field_name="organization__township", queryset=townships, label=_("township")
    )
    lifted = django_filters.BooleanFilter(field_name="lifted_on", lookup_expr="isnull", exclude=True, label=_("lifted"))

    class Meta:
        model = VillageDesignation
        fields = ["q", "year", "category", "township", "organization", "lifted"]


def _attrs_html(attrs):
    """django/forms/widgets/attrs.html in Python."""
    return "".join(f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
                   for name, value in attrs.items() if value is not False)


class FastSelectMixin:
    """A drop-down rendered as Django's select.html and select_option.html render it, but in Python:
    the cadre list's unit filter offers every unit of the county, one included template each."""

    def render(self, name, value, attrs=None, renderer=None):
        # As get_context() and optgroups() compute them, without a dictionary per option.
        select_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            select_attrs["multiple"] = True
        values = set(self.format_value(value))
        parts = [f'<select name="{conditional_escape(name)}"{_attrs_html(select_attrs)}>']
        has_selected = False
        for option_value, option_label in self.choices:
            group = isinstance(option_label, list | tuple)
            if group:
                parts.append(f'\n  <optgroup label="{conditional_escape(option_value)}">')
            for subvalue, sublabel in option_label if group else [(option_value, option_label)]:
                subvalue = "" if subvalue is None else subvalue
                selected = (not has_selected or self.allow_multiple_selected) and str(subvalue) in values
                has_selected |= selected
                parts.append(f'\n  <option value="{conditional_escape(str(subvalue))}"{" selected" if selected else ""}>'
                             f'{conditional_escape(sublabel)}</option>')
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastNullBooleanSelect(FastSelectMixin, forms.NullBooleanSelect):
    pass


FAST_WIDGETS = {forms.Select: FastSelect, forms.NullBooleanSelect: FastNullBooleanSelect}


class CadreFilterSet(BaseFilterSet):
    """Search by name, full pinyin or initials (zs finds 张三), post, or an exact ID number or phone
    number. ID numbers and phones are sealed at rest: they are found through their fingerprints, whole,
    never by a part."""

    search_fields = ("name", "name_pinyin", "name_initials", "post")
    township = django_filters.ModelChoiceFilter(
        field_name="organization__township", queryset=townships, label=_("township")
    )
    position = django_filters.ModelChoiceFilter(
        queryset=Position.objects.all(), method="filter_position", label=_("current team position")
    )
    is_newly_promoted = YesNoFilter(label=_("newly promoted"))
    is_reserve = YesNoFilter(label=_("reserve cadre"))
    is_key_position = YesNoFilter(label=_("key position"))
    is_team_member = YesNoFilter(method="filter_team_member", label=_("current team member"))
    incomplete = YesNoFilter(method="filter_incomplete", label=_("incomplete record"))

    class Meta:
        model = Cadre
        fields = ["q", "township", "organization", "position", "is_team_member", "is_newly_promoted",
                  "is_reserve", "is_key_position", "gender", "rank", "status", "incomplete"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            fast = FAST_WIDGETS.get(type(field.widget))
            if fast is not None:
                field.widget.__class__ = fast  # the same widget (choices, attributes), rendered in Python
            if getattr(field, "queryset", None) is not None and field.queryset.model in (Organization, Position):
                field.queryset = field.queryset.only("pk", "name")  # the label is the name

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if value.isascii() and value.isalpha():
            value = value.lower()
            return queryset.filter(Q(name_initials__startswith=value) | Q(name_pinyin__startswith=value))
        if not value:
            return queryset
        cond = Q(id_number_index=id_number_fingerprint(value)) | Q(phone_index=phone_fingerprint(value))
        for lookup in self.search_fields:
            cond |= Q(**{f"{lookup}__icontains": value})
        return queryset.filter(cond)

    @extend_schema_field(OpenApiTypes.INT)  # the API takes a position id
    def filter_position(self, queryset, name, value):
        if not value:
            return queryset
        current = TeamMembership.objects.current().filter(position=value)
        return queryset.filter(pk__in=current.values("cadre_id"))

    def filter_team_member(self, queryset, name, value):
        if value is None:
            return queryset
        current = TeamMembership.objects.current().values("cadre_id")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)

    def filter_incomplete(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(incomplete_q()) if value else queryset.exclude(incomplete_q())


class PositionFilterSet(BaseFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Position
        fields = ["q", "is_head", "is_active"]


class TeamFilterSet(BaseFilterSet):
    search_fields = ("township__name",)
    township = django_filters.ModelChoiceFilter(queryset=townships, label=_("township"))
    current = YesNoFilter(method="filter_current", label=_("current term"))

    class Meta:
        model = Team
        fields = ["q", "township", "current"]

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        current = Team.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


class TeamMembershipFilterSet(BaseFilterSet):
    search_fields = ("cadre__name", "cadre__name_initials", "cadre__name_pinyin", "position__name")
    township = django_filters.ModelChoiceFilter(field_name="team__township", queryset=townships, label=_("township"))
    # A team's name shows its township: join it, or every choice costs a query.
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.select_related("township"),
                                            label=_("leadership team"))
    current = YesNoFilter(method="filter_current", label=_("current"))

    class Meta:
        model = TeamMembership
        fields = ["q", "township", "team", "position", "is_head", "current"]

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        current = TeamMembership.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)
