"""The assessment's charts. On the assessment's page, the grade distribution per unit (stacked bars), one
aggregate query over what the user may see, drawn by static/assessment/grade_chart.js. On an assessee's
page, the indicator trends (lines) of the cadre or team across its assessments of the same kind, drawn
by static/assessment/trend_chart.js. The data goes to the page as JSON (json_script); each chart's
tooltip escapes every name."""
from django.db.models import Case, CharField, Count, F, Q, When
from django.utils.translation import gettext as _

from .models import INDIVIDUAL_SCALE, Assessee, Grade
from .scores import GROUPS, score_sheets


def grade_distribution(assessment, user):
    """{"labels": [unit names], "series": [{"name": grade label, "grade": grade, "values": [count per unit]}]}
    of the individuals assessed (teams apart), by their confirmed grade, else the proposed one, else
    "not graded yet"; in one aggregate query."""
    scale = assessment.individual_scale() if assessment else INDIVIDUAL_SCALE
    grade = Case(When(~Q(confirmed_grade=""), then=F("confirmed_grade")), default=F("proposed_grade"),
                 output_field=CharField())
    rows = (Assessee.objects.visible_to(user).filter(assessment=assessment).exclude(category=Assessee.Category.TEAM)
            .annotate(grade=grade).order_by().values("unit", "unit__name", "unit__sort_order", "grade")
            .annotate(n=Count("id")).order_by("unit__sort_order", "unit__name", "unit"))
    units, counts = {}, {}
    for row in rows:
        units.setdefault(row["unit"], row["unit__name"])
        counts[row["unit"], row["grade"] or ""] = row["n"]
    labels = dict(Grade.choices)
    grades = [*scale, ""]
    series = [{"name": str(labels[g]) if g else _("Not graded yet"), "grade": g,
               "values": [counts.get((unit, g), 0) for unit in units]} for g in grades]
    return {"labels": list(units.values()), "series": [s for s in series if any(s["values"])]}


# --- an assessee's indicator trends ----------------------------------------------------------------

TREND_COUNT = 5


def _figure(value):
    return None if value is None else float(value)


def trend_assessees(assessee, user, count=TREND_COUNT):
    """The same cadre's (or the same township's team's) assessees in assessments of the same kind that
    the user may see, up to and including this one: the last `count`, oldest first, in one query.
    A team is followed through its township, as its indicators are read, so the trend crosses elections."""
    same = Assessee.objects.visible_to(user).filter(assessment__kind=assessee.assessment.kind)
    if assessee.is_team:
        same = same.filter(category=Assessee.Category.TEAM, unit=assessee.unit_id)
    else:
        same = same.filter(cadre=assessee.cadre_id)
    current = assessee.assessment
    same = same.filter(Q(assessment__starts_on__lt=current.starts_on)
                       | Q(assessment__starts_on=current.starts_on, assessment__id__lte=current.pk))
    latest = list(same.select_related("assessment", "cadre", "team__township", "unit")
                  .order_by("-assessment__starts_on", "-assessment__id")[:count])
    return latest[::-1]


def indicator_trend(assessee, user, count=TREND_COUNT, known=None):
    """{"labels": [assessment titles], "series": [{"key", "name", "values"}], "rows": [...]} of the
    weighted total and the group subtotals of `assessee`'s subject across its last assessments of the
    same kind (oldest first): each figure is `score_sheets` of that assessment, so a fixed
    number of queries per assessment shown, whatever the number of assessees in it. `known`: sheets
    already computed ({assessee id: Sheet}), not read again."""
    people = trend_assessees(assessee, user, count)
    known = known or {}
    sheets = [known.get(a.pk) or score_sheets(a.assessment, [a])[a.pk] for a in people]
    keys = [key for key in GROUPS if any(g.key == key for sheet in sheets for g in sheet.groups)]
    subtotals = [{g.key: g.subtotal for g in sheet.groups} for sheet in sheets]
    grades = dict(Grade.choices)
    rows = [{"assessee": a.pk, "assessment": str(a.assessment), "year": a.assessment.year,
             "quarter": a.assessment.quarter, "url": a.get_absolute_url(), "current": a.pk == assessee.pk,
             "grade": str(grades.get(a.confirmed_grade, "")), "total": _figure(sheet.total),
             "subtotals": [_figure(sub.get(key)) for key in keys]}
            for a, sheet, sub in zip(people, sheets, subtotals, strict=True)]
    series = [{"key": "total", "name": _("total score"), "values": [r["total"] for r in rows]}]
    series += [{"key": key, "name": str(GROUPS[key]), "values": [r["subtotals"][i] for r in rows]}
               for i, key in enumerate(keys)]
    return {"labels": [r["assessment"] for r in rows], "series": series, "rows": rows,
            "groups": [str(GROUPS[key]) for key in keys]}
