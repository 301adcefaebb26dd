"""The assessment page's chart: the grade distribution per unit (stacked bars), one aggregate query over
what the user may see. The data goes to the page as JSON (json_script) and is drawn by
static/assessment/grade_chart.js, whose tooltip escapes every name."""
from django.db.models import Case, CharField, Count, F, Q, When
from django.utils.translation import gettext as _

from .models import INDIVIDUAL_SCALE, Assessee, Grade


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
