"""Results put to use (结果运用): the notice of the decided awards, the promotion-priority list
(提拔任用优先考虑) with its evidence, and a cadre's last annual results.

A result counts once it is confirmed and its annual assessment is confirmed or published. Every
function reads a fixed number of queries, whatever the number of records, and only what the user
may see.
"""
from collections import defaultdict

from django.utils.translation import gettext as _

from banzi.core import clock
from banzi.org.models import Cadre
from banzi.tasks.bulletin_documents import official_docx

from .models import Assessee, Assessment, Award, Consequence, Grade

Status = Assessment.Status
COUNTED = (Status.CONFIRMED, Status.PUBLISHED)
# The awards of individuals that put a cadre on the priority list (好班子 is a team's).
INDIVIDUAL_AWARDS = (Award.Kind.GOOD_HEAD, Award.Kind.GOOD_MEMBER, Award.Kind.GOOD_BACKBONE)
CONSECUTIVE_YEARS = 3


def annual_results(user):
    """The confirmed annual results of cadres the user may see."""
    return Assessee.objects.visible_to(user).filter(
        assessment__kind=Assessment.Kind.ANNUAL, assessment__status__in=COUNTED, cadre__isnull=False).exclude(
        confirmed_grade="")


# --- the notice of the decided awards -------------------------------------------------------------

def decided_awards(assessment, user):
    return list(Award.objects.visible_to(user).filter(assessment=assessment, status=Award.Status.DECIDED)
                .select_related("assessee__cadre", "assessee__team__township", "assessee__unit")
                .order_by("kind", "assessee__unit__sort_order", "pk"))


def notice_available(assessment, awards):
    """The notice is issued once the results are published and at least one award is decided."""
    return assessment.status == Status.PUBLISHED and bool(awards)


def notice_title(assessment):
    return _("Notice on commending the good teams, good team heads, good team members and good backbones of "
             "%(year)d") % {"year": assessment.year}


def award_notice(assessment, awards, red_band=True, document_number=""):
    """The notice of the decided awards as a .docx in the official-document layout of the bulletins:
    the document number under the red band, a section per award with each team or cadre, its township
    and the reason."""
    by_kind = defaultdict(list)
    for award in awards:
        by_kind[award.kind].append(award)
    sections = []
    for kind, label in Award.Kind.choices:
        chosen = by_kind.get(kind)
        if not chosen:
            continue
        heading = _("%(award)s (%(count)d)") % {"award": label, "count": len(chosen)}
        paragraphs = [_("%(index)d. %(name)s (%(unit)s): %(reason)s") % {
            "index": index, "name": award.assessee, "unit": award.assessee.unit, "reason": award.reason.strip()}
            for index, award in enumerate(chosen, start=1)]
        sections.append((heading, paragraphs, None))
    intro = _("On the confirmed results of %(assessment)s, and on the nominations with their reasons, the county "
              "has decided to commend the following %(count)d teams and cadres. We hope they keep setting an "
              "example, and that every team and cadre learns from them.") % {
        "assessment": assessment, "count": len(awards)}
    return official_docx(title=notice_title(assessment), issuing_body=assessment.organization.name,
                         document_number=document_number,
                         issued_on=max((a.decided_on for a in awards if a.decided_on), default=clock.today()),
                         salutation=_("Township Party committees:"), intro=intro, sections=sections,
                         red_band=red_band)


# --- the promotion-priority list ------------------------------------------------------------------

def _result(assessee):
    return {"assessee": assessee.pk, "assessment": str(assessee.assessment), "year": assessee.assessment.year,
            "grade": assessee.confirmed_grade, "grade_label": str(assessee.get_confirmed_grade_display()),
            "url": assessee.get_absolute_url()}


def priority_list(user):
    """The cadres to consider first for promotion (提拔任用优先考虑): those whose confirmed annual
    results of the three years up to the latest year are all excellent, and those decided 好班长,
    好成员 or 好骨干 in the latest year, each with the evidence (the results, the award, with links).
    Returns {"year": the latest year or None, "rows": [...]}, in two queries."""
    results = list(annual_results(user).filter(cadre__status=Cadre.Status.ACTIVE).select_related(
        "assessment", "cadre__organization").order_by("assessment__year", "assessment_id", "pk"))
    if not results:
        return {"year": None, "rows": []}
    latest = max(a.assessment.year for a in results)
    years = range(latest - CONSECUTIVE_YEARS + 1, latest + 1)
    by_cadre = defaultdict(dict)  # {cadre id: {year: assessee}}, the later assessment of a year winning
    cadres = {}
    for assessee in results:
        by_cadre[assessee.cadre_id][assessee.assessment.year] = assessee
        cadres[assessee.cadre_id] = assessee.cadre
    rows = {}

    def row(cadre):
        if cadre.pk not in rows:
            rows[cadre.pk] = {"cadre": cadre.pk, "name": cadre.name, "organization": str(cadre.organization),
                              "url": cadre.get_absolute_url(), "grounds": [], "results": [], "awards": []}
        return rows[cadre.pk]

    for cadre_id, by_year in by_cadre.items():
        run = [by_year.get(year) for year in years]
        if all(a is not None and a.confirmed_grade == Grade.EXCELLENT for a in run):
            entry = row(cadres[cadre_id])
            entry["grounds"].append("excellent_years")
            entry["results"] = [_result(a) for a in run]
    awards = Award.objects.visible_to(user).filter(
        status=Award.Status.DECIDED, kind__in=INDIVIDUAL_AWARDS, assessment__kind=Assessment.Kind.ANNUAL,
        assessment__year=latest, assessee__cadre__status=Cadre.Status.ACTIVE).select_related(
        "assessment", "assessee__cadre__organization").order_by("kind", "pk")
    for award in awards:
        entry = row(award.assessee.cadre)
        if "award" not in entry["grounds"]:
            entry["grounds"].append("award")
        entry["awards"].append({"award": award.pk, "kind": award.kind, "kind_label": str(award.get_kind_display()),
                                "assessment": str(award.assessment), "year": award.assessment.year,
                                "url": award.get_absolute_url()})
    labels = {"excellent_years": _("Excellent %(count)d years running") % {"count": CONSECUTIVE_YEARS},
              "award": _("Award of the latest year")}
    ordered = sorted(rows.values(), key=lambda r: (-len(r["grounds"]), r["organization"], r["name"], r["cadre"]))
    for entry in ordered:
        entry["grounds_label"] = "、".join(str(labels[g]) for g in entry["grounds"])
        entry["evidence"] = "；".join(
            [f"{r['year']} {r['grade_label']}" for r in entry["results"]]
            + [f"{a['assessment']} {a['kind_label']}" for a in entry["awards"]])
    return {"year": latest, "rows": ordered}


# --- a cadre's last annual results ----------------------------------------------------------------

def last_results(user, cadre, count=CONSECUTIVE_YEARS):
    """The cadre's last `count` confirmed annual results the user may see, latest first, each with
    the awards decided on it and the consequences put to use from it: three queries."""
    assessees = list(annual_results(user).filter(cadre=cadre).select_related("assessment").order_by(
        "-assessment__year", "-assessment_id")[:count])
    if not assessees:
        return []
    awards = defaultdict(list)
    for award in Award.objects.visible_to(user).filter(assessee__in=[a.pk for a in assessees],
                                                       status=Award.Status.DECIDED).order_by("kind"):
        awards[award.assessee_id].append(award)
    consequences = defaultdict(list)
    for consequence in Consequence.objects.visible_to(user).filter(assessee__in=[a.pk for a in assessees]).order_by(
            "kind", "pk"):
        consequences[consequence.assessee_id].append(consequence)
    return [{**_result(a), "awards": awards.get(a.pk, []), "consequences": consequences.get(a.pk, [])}
            for a in assessees]
