"""The cadre's file as the cadre page shows it (`cadres/_cadre_file.html`): the profile with its
photo, the résumé in order, education, family (masked as `personal` decides), rewards and
punishments, and the last three annual results — the assessment module's confirmed results, and
for years it holds none of, the earlier results entered from the archive. A fixed number of queries
whatever the size of the file."""
from django.urls import reverse

from banzi.core.scoping import can_write_model

from . import personal
from .models import (
    CadreProfile,
    EarlierAssessmentResult,
    EducationRecord,
    FamilyMember,
    ResumeEntry,
    RewardPunishment,
)

RESULT_YEARS = 3


def last_annual_results(module_results, earlier, count=RESULT_YEARS):
    """The last `count` years' results, latest first: the module's (`assessment.results.last_results`
    rows) and the earlier results of years the module has none of."""
    rows = {r["year"]: {"year": r["year"], "result": r["grade_label"], "url": r.get("url"), "source": "assessment"}
            for r in module_results}
    for result in earlier:
        rows.setdefault(result.year, {"year": result.year, "result": result.result,
                                      "url": result.get_absolute_url(), "source": "earlier"})
    return [rows[year] for year in sorted(rows, reverse=True)[:count]]


def _add_url(model, cadre):
    return f"{reverse(model.url_name('add'))}?cadre={cadre.pk}"


def cadre_file(user, cadre, annual_results=None):
    """The file section's content for this user (what they may see of it, and the add links when they
    may write)."""
    if annual_results is None:
        from banzi.assessment.results import last_results  # the assessment app builds on the registry

        annual_results = last_results(user, cadre)
    profile = CadreProfile.objects.visible_to(user).filter(cadre=cadre).first()
    family = [(member, *personal.shown_member(user, member))
              for member in FamilyMember.objects.visible_to(user).filter(cadre=cadre).select_related(
                  "cadre__organization").order_by("sort_order", "id")]
    earlier = EarlierAssessmentResult.objects.visible_to(user).filter(cadre=cadre).order_by("-year")
    may_write = can_write_model(user, ResumeEntry)
    add = {model._meta.model_name: _add_url(model, cadre) for model in (
        ResumeEntry, EducationRecord, FamilyMember, RewardPunishment, EarlierAssessmentResult)} if may_write else {}
    if may_write and profile is None:
        add["cadreprofile"] = _add_url(CadreProfile, cadre)
    return {
        "profile": profile,
        "resume": list(ResumeEntry.objects.visible_to(user).filter(cadre=cadre).order_by("starts_on", "id")),
        "education": list(EducationRecord.objects.visible_to(user).filter(cadre=cadre).order_by(
            "kind", "graduated_on", "id")),
        "family": family,
        "rewards": list(RewardPunishment.objects.visible_to(user).filter(cadre=cadre).order_by("decided_on", "id")),
        "results": last_annual_results(annual_results, earlier),
        "add": add,
        "list_query": f"?cadre={cadre.pk}",
    }
