"""The team structure page (/org/structure/), its Excel export and its API (/api/v1/org/structure/).

The county organization department sees every township's team and the county's figures; a township
committee its own team alone (its summary is its own team's); a cadre nothing (403). The figures come
from `structure.compute` (aggregate queries); this module only lays them out."""
import datetime

import django_tables2 as tables
from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from banzi.core import clock
from banzi.core.audit import record_event
from banzi.core.errors import Code
from banzi.core.exporting import TableWorkbook
from banzi.core.models import AuditEvent
from banzi.core.roles import STAFF, Role, has_role
from banzi.core.separation import WithinDuties

from . import structure
from .models import Cadre

# --- what the figures are called ---------------------------------------------------------------------

AGE_LABELS = {"35_or_under": gettext_lazy("35 or under"), "36_45": gettext_lazy("36 to 45"),
              "46_55": gettext_lazy("46 to 55"), "56_or_over": gettext_lazy("56 or over")}


def education_labels():
    labels = dict(Cadre.Education.choices)
    return [(level, labels[level]) for level in structure.EDUCATION_ORDER] + [("unknown", _("Not recorded"))]


def figure_columns():
    """(key, label) of every figure of a row, in the order of the table and its export."""
    return [
        ("members", _("Members")),
        ("average_age", _("Average age")),
        *[(f"age_{key}", _("Aged %(band)s") % {"band": label}) for key, label in AGE_LABELS.items()],
        ("young", _("Young members (rule)")),
        ("women", _("Women")),
        ("university_or_above", _("University or above (highest)")),
        ("university_percent", _("Share with university or above")),
        ("fulltime_university_or_above", _("University or above (full-time)")),
        *[(f"highest_{level}", _("Highest: %(level)s") % {"level": label}) for level, label in education_labels()],
        *[(f"fulltime_{level}", _("Full-time: %(level)s") % {"level": label}) for level, label in education_labels()],
        *[(f"field_{key}", _("Studied: %(field)s") % {"field": label}) for key, label, _words in structure.FIELDS],
        ("economy_agriculture_law", _("Studied economics, agriculture or law")),
        ("field_unknown", _("Major not recorded")),
        ("minority", _("Ethnic minorities")),
        ("party_members", _("Party members")),
        ("non_party", _("Not Party members")),
        ("average_years_in_post", _("Average years in post")),
        ("newly_promoted", _("Newly promoted")),
        ("stayed_on", _("Stayed on from the previous team")),
        ("other_newcomers", _("Other newcomers")),
    ]


def table_rows(result):
    """The page's and the export's rows: one per team, then the summary row."""
    rows = []
    for item in result.teams:
        rows.append({"township": str(item.team.township), "url": item.team.get_absolute_url(),
                     "team": item.team.pk, "elected_on": item.team.elected_on,
                     "term_ends_on": item.team.term_ends_on, "day": item.day, **item.figures,
                     "shortfall_rules": {s.rule for s in item.shortfalls},
                     "shortfalls": [s.label for s in item.shortfalls]})
    return rows


def charts(result):
    """The charts' data: per team, stacked (age bands, highest education, newcomers)."""
    labels = [str(item.team.township) for item in result.teams]

    def series(keys_and_names):
        return [{"name": str(name), "values": [item.figures[key] for item in result.teams]}
                for key, name in keys_and_names]

    found = [
        {"id": "structure-age", "title": _("Age bands"),
         "data": {"labels": labels, "series": series([(f"age_{k}", v) for k, v in AGE_LABELS.items()])}},
        {"id": "structure-education", "title": _("Highest education"),
         "data": {"labels": labels, "series": series([(f"highest_{k}", v) for k, v in education_labels()])}},
        {"id": "structure-newcomers", "title": _("Newly promoted, stayed on and other newcomers"),
         "data": {"labels": labels, "series": series([("newly_promoted", _("Newly promoted")),
                                                      ("stayed_on", _("Stayed on")),
                                                      ("other_newcomers", _("Other newcomers"))])}},
    ]
    for chart in found:  # the table under each chart: a row per team, a column per series
        chart["data_id"] = f"{chart['id']}-data"
        chart["rows"] = [(label, [s["values"][i] for s in chart["data"]["series"]]) for i, label in enumerate(labels)]
    return found


class StructureTable(tables.Table):
    """The per-team table as the Excel export lays it out: every figure, then the shortfalls."""

    def __init__(self, rows, **kwargs):
        extra = [(key, tables.Column(verbose_name=label, orderable=False)) for key, label in figure_columns()]
        super().__init__(rows, extra_columns=extra, **kwargs)

    township = tables.Column(verbose_name=gettext_lazy("township"), orderable=False)
    elected_on = tables.DateColumn(verbose_name=gettext_lazy("election date"), format="Y-m-d", orderable=False)
    term_ends_on = tables.DateColumn(verbose_name=gettext_lazy("term ends on"), format="Y-m-d", orderable=False)
    day = tables.DateColumn(verbose_name=gettext_lazy("figures on"), format="Y-m-d", orderable=False)
    shortfalls = tables.Column(verbose_name=gettext_lazy("falls short of the structure rules"), orderable=False,
                               empty_values=())

    class Meta:
        sequence = ("township", "elected_on", "term_ends_on", "day", "...", "shortfalls")

    def value_shortfalls(self, value):
        return " ".join(value or [])


# --- the page ------------------------------------------------------------------------------------------

class _Toggle(forms.CheckboxInput):
    """A check box that also reads "0" and "false" from a link or the API as off."""

    def value_from_datadict(self, data, files, name):
        return str(data.get(name, "")).lower() in ("1", "true", "on", "yes")


class StructureForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Teams in their term on"), required=False,
                         widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"))
    election_day = forms.BooleanField(label=gettext_lazy("Figures on each team's election day"), required=False,
                                      widget=_Toggle(attrs={"class": "form-check-input"}))


def _staff_only(user):
    if not has_role(user, STAFF):
        raise PermissionDenied


def _choice(request_params):
    """(day, election day?, form) from the query; an unreadable day falls back to today, with the error shown."""
    form = StructureForm(request_params)
    if form.is_valid():
        return form.cleaned_data["on"] or clock.today(), form.cleaned_data["election_day"], form
    return clock.today(), False, form


class StructureView(LoginRequiredMixin, TemplateView):
    """班子结构: each team's figures on a day (or on its election day), the summary, the teams that fall
    short of the structure rules, charts with their tables, and the Excel export (?_export=xlsx)."""

    template_name = "org/structure.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _staff_only(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.on, self.election_day, self.form = _choice(request.GET)
        self.result = structure.compute(request.user, self.on, election_day=self.election_day)
        if request.GET.get("_export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        title = _("Team structure")
        table = StructureTable(table_rows(self.result))
        response = TableWorkbook("xlsx", table, title=_("%(title)s on %(day)s") % {"title": title, "day": self.on}).response(
            filename=f"{title}-{self.on:%Y%m%d}.xlsx")
        record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=self.request.user,
                     detail=f"{title} ?{self.request.GET.urlencode()}", request=self.request)
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        result = self.result
        rows = table_rows(result)
        query = {"on": self.on.isoformat()}
        if self.election_day:
            query["election_day"] = "1"
        ctx.update(
            form=self.form, on=self.on, election_day=self.election_day, result=result, rows=rows,
            summary=result.county, rule=result.rule, charts=charts(result),
            short_rows=[row for row in rows if row["shortfalls"]],
            is_county=self.request.user.role == Role.COUNTY_ADMIN,
            export_url=f"?{urlencode({**query, '_export': 'xlsx'})}",
            rule_url=(reverse("core:rule_edit", args=[structure.RULE])
                      if self.request.user.role == Role.COUNTY_ADMIN else None),
            age_labels=list(AGE_LABELS.items()), education_labels=education_labels(),
        )
        return ctx


# --- the API ---------------------------------------------------------------------------------------------

def _figure_fields():
    fields = {}
    for key, label in figure_columns():
        if key in ("average_age", "average_years_in_post", "university_percent"):
            fields[key] = serializers.FloatField(allow_null=True, help_text=str(label))
        else:
            fields[key] = serializers.IntegerField(help_text=str(label))
    return fields


FiguresSerializer = type("StructureFiguresSerializer", (serializers.Serializer,), _figure_fields())


class ShortfallSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text=gettext_lazy("The setting of the structure rule that is not met."))
    label = serializers.CharField()


class TeamStructureSerializer(serializers.Serializer):
    team = serializers.IntegerField(source="team.pk")
    township = serializers.IntegerField(source="team.township_id")
    township_name = serializers.CharField(source="team.township.name")
    elected_on = serializers.DateField(source="team.elected_on")
    term_years = serializers.IntegerField(source="team.term_years")
    term_ends_on = serializers.DateField(source="team.term_ends_on")
    day = serializers.DateField(help_text=gettext_lazy("The day the members are counted on."))
    figures = FiguresSerializer()
    shortfalls = ShortfallSerializer(many=True)


class StructureSerializer(serializers.Serializer):
    on = serializers.DateField()
    election_day = serializers.BooleanField()
    rule = serializers.DictField(child=serializers.FloatField(), help_text=gettext_lazy(
        "The structure rule's settings in force (org.team_structure)."))
    summary = FiguresSerializer(source="county", help_text=gettext_lazy(
        "All the teams listed together: the county's for the county, the township's own for a township."))
    teams = TeamStructureSerializer(many=True)


ON = OpenApiParameter("on", datetime.date, description=gettext_lazy(
    "The day (YYYY-MM-DD): the teams in their term that day, counted that day. Defaults to today."))
ELECTION_DAY = OpenApiParameter("election_day", bool, description=gettext_lazy(
    "1: count each team's members on its own election day instead."))


class StructureAPIView(APIView):
    """The structure of the township leadership teams against the structure rules: the teams the user may
    see (the county all, a township its own), each team's figures and shortfalls, and their summary."""

    permission_classes = [IsAuthenticated, WithinDuties]

    @extend_schema(operation_id="org_structure", parameters=[ON, ELECTION_DAY], responses=StructureSerializer)
    def get(self, request):
        _staff_only(request.user)
        form = StructureForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({"on": ValidationError(_("Enter the day as YYYY-MM-DD."), code=Code.INVALID)})
        on = form.cleaned_data["on"] or clock.today()
        result = structure.compute(request.user, on, election_day=form.cleaned_data["election_day"])
        return Response(StructureSerializer(result).data)


# --- the team page's card -----------------------------------------------------------------------------------

def team_card(user, team):
    """The team page's structure card: the team on its election day and, while its term runs, today;
    with a link to the structure page. Nothing for those who may not see the structure."""
    if not has_role(user, STAFF) or not team.elected_on:
        return {}
    columns = [(_("On election day"), structure.team_structure(user, team, team.elected_on, election_day=True))]
    if team.is_current:
        columns.append((_("Today"), structure.team_structure(user, team)))
    query = {"on": (clock.today() if team.is_current else team.elected_on).isoformat()}
    return {"structure_card": {
        "columns": columns,
        "url": f"{reverse('org:structure')}?{urlencode(query)}",
        "rows": [(label, [column.figures.get(key) for _title, column in columns]) for key, label in (
            ("members", _("Members")), ("average_age", _("Average age")),
            ("age_35_or_under", _("Aged 35 or under")), ("women", _("Women")),
            ("university_percent", _("Share with university or above")), ("minority", _("Ethnic minorities")),
            ("party_members", _("Party members")), ("average_years_in_post", _("Average years in post")),
            ("newly_promoted", _("Newly promoted")), ("stayed_on", _("Stayed on")),
            ("other_newcomers", _("Other newcomers")))],
    }}
