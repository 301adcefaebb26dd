"""The vetting checks of a nominated reserve cadre, shown (never hidden) with a link to each record
behind a finding, and the pool's rule (`reserves.pool`, data the county may change):

- a violation decided in the last `violation_years` years (conduct);
- an annual assessment result of basically competent or incompetent in the last `assessment_years`
  years (the confirmed grades of published annual assessments);
- older than `max_age` at the nomination;
- already in the pool (another entry of the cadre).

Any of these is a disqualifier: the county cannot vet the cadre in. The pool's size per township
(`max_per_township`) is checked when the cadre enters the pool. Each check is one query that reads
only the records it finds."""
from dataclasses import asdict, dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core import clock, rules

POOL_RULE = "reserves.pool"

rules.register(
    POOL_RULE, {"max_age": 40, "max_per_township": 5, "violation_years": 5, "assessment_years": 3},
    gettext_lazy("Reserve-cadre pool"),
    fields={"max_age": gettext_lazy("oldest age at nomination (years)"),
            "max_per_township": gettext_lazy("most cadres in a township's pool"),
            "violation_years": gettext_lazy("a violation decided in the last so many years disqualifies"),
            "assessment_years": gettext_lazy("an annual result of basically competent or incompetent in the last "
                                             "so many years disqualifies")},
)


@dataclass(frozen=True)
class Check:
    """One vetting check: what was checked, whether the cadre passes it, what was found and where."""

    rule: str
    label: str
    passed: bool
    detail: str
    url: str = ""


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_on(birth_date, day):
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def run_checks(entry, as_of=None):
    """The checks of the entry's cadre as of a day (default today): a list of `Check`, every rule
    listed whether it passes or not, a finding per record found."""
    from banzi.assessment.models import Assessee, Assessment, Grade
    from banzi.conduct.models import Violation

    from .models import ReserveEntry

    values = rules.get(POOL_RULE)
    as_of = as_of or clock.today()
    cadre = entry.cadre
    found = []

    years = int(values["violation_years"])
    since = _years_before(as_of, years)
    violations = list(Violation.objects.filter(
        cadre=cadre, status=Violation.Status.CONFIRMED, decided_on__range=(since, as_of)).order_by(
        "decided_on", "pk").values_list("pk", "decided_on"))
    label = _("Violation decided in the last %(years)d years") % {"years": years}
    for pk, decided_on in violations:
        found.append(Check("violation", label, False, _("decided on %(date)s") % {"date": decided_on.isoformat()},
                           reverse("conduct:violation_detail", args=[pk])))
    if not violations:
        found.append(Check("violation", label, True, _("none"), ""))

    years = int(values["assessment_years"])
    low = list(Assessee.objects.filter(
        cadre=cadre, confirmed_grade__in=(Grade.BASICALLY_COMPETENT, Grade.INCOMPETENT),
        assessment__kind=Assessment.Kind.ANNUAL, assessment__status=Assessment.Status.PUBLISHED,
        assessment__year__gte=as_of.year - years, assessment__year__lte=as_of.year).order_by(
        "assessment__year", "pk").values_list("pk", "assessment__year", "confirmed_grade"))
    label = _("Annual assessment of basically competent or incompetent in the last %(years)d years") % {"years": years}
    grades = dict(Grade.choices)
    for pk, year, grade in low:
        found.append(Check("assessment", label, False, f"{year} {grades.get(grade, grade)}",
                           reverse("assessment:assessee_detail", args=[pk])))
    if not low:
        found.append(Check("assessment", label, True, _("none"), ""))

    limit = int(values["max_age"])
    nominated_on = entry.nominated_on or as_of
    age = age_on(cadre.birth_date, nominated_on)
    found.append(Check("age", _("Older than %(age)d at the nomination") % {"age": limit}, age <= limit,
                       _("%(age)d years old on %(date)s") % {"age": age, "date": nominated_on.isoformat()},
                       cadre.get_absolute_url()))

    other = ReserveEntry.objects.filter(cadre=cadre, status=ReserveEntry.Status.IN_POOL).exclude(pk=entry.pk).first()
    label = _("Already in the pool")
    if other is not None:
        found.append(Check("in_pool", label, False, _("entered on %(date)s") % {
            "date": other.entered_on.isoformat() if other.entered_on else ""}, other.get_absolute_url()))
    else:
        found.append(Check("in_pool", label, True, _("no"), ""))
    return found


def disqualifiers(checks):
    return [check for check in checks if not check.passed]


def as_data(checks):
    return [asdict(check) for check in checks]


def pool_size(unit_id, *, exclude=None):
    from .models import ReserveEntry

    qs = ReserveEntry.objects.filter(unit_id=unit_id, status=ReserveEntry.Status.IN_POOL)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.count()


def max_per_township():
    return int(rules.get(POOL_RULE)["max_per_township"])



