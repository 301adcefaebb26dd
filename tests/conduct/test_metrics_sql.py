"""The strict-management figures of the home page counted by the database: who signed and declared
this year, tonight's duty; the same numbers as the records say, in queries that do not grow with them."""
import pytest
from django.utils import timezone

from banzi.conduct import metrics
from banzi.conduct.duty import metrics as duty_metrics
from banzi.conduct.duty.models import DutyCheckIn, SpotCheck
from banzi.conduct.models import CommitmentLetter, ConcurrentPostDeclaration
from banzi.org.models import Cadre
from tests import factories as f
from tests.conduct import duty_factories as d
from tests.conduct.factories import commitment, declaration, this_year

pytestmark = pytest.mark.django_db


def from_records(township_ids, year):
    """The summary worked out record by record."""
    cadres = list(Cadre.objects.filter(status=Cadre.Status.ACTIVE, organization__township__in=township_ids))
    signed = {c.pk for c in cadres if CommitmentLetter.objects.filter(cadre=c, year=year).exists()}
    declared = {c.pk for c in cadres if ConcurrentPostDeclaration.objects.filter(cadre=c, year=year).exists()}
    return {"cadres": len(cadres), "signed": len(signed), "declared": len(declared),
            "missing_either": len(cadres) - len(signed & declared)}


def sign_some(township, year):
    """Cadres who signed and declared, signed only, declared only, did neither, did it last year; an
    inactive cadre and a county department's cadre who signed."""
    both, letter_only, declaration_only, neither, last_year = (f.CadreFactory(organization=township)
                                                               for _ in range(5))
    for cadre in (both, letter_only):
        commitment(cadre, year)
    for cadre in (both, declaration_only):
        declaration(cadre, year)
    commitment(last_year, year - 1)
    declaration(last_year, year - 1)
    archived = f.CadreFactory(organization=township, status=Cadre.Status.ARCHIVED)
    commitment(archived, year)
    return neither


def test_signing_summary_counts_what_the_records_say(township, other_township, county, county_admin,
                                                     township_admin, django_assert_max_num_queries):
    year = this_year()
    sign_some(township, year)
    department = f.CadreFactory(organization=f.DepartmentFactory(parent=county))
    commitment(department, year)
    declaration(department, year)
    with django_assert_max_num_queries(1):
        small = metrics.signing_summary(county_admin, year)
    assert small == from_records([township.pk, other_township.pk], year)
    assert small["signed"] == 2 and small["declared"] == 2 and small["missing_either"] == 4
    for _ in range(3):
        sign_some(other_township, year)
    with django_assert_max_num_queries(1):
        large = metrics.signing_summary(county_admin, year)
    assert large == from_records([township.pk, other_township.pk], year)
    assert metrics.signing_summary(township_admin, year) == from_records([township.pk], year) == small
    assert metrics.signing_summary(county_admin, year - 1) == from_records([township.pk, other_township.pk], year - 1)


def test_tonight_counts_shifts_check_ins_and_spot_checks(township, other_township, county_admin, township_admin,
                                                         django_assert_max_num_queries):
    def night(where, checked=0, absent=False):
        shift = d.shift(where)
        for cadre in (shift.staff, shift.leader)[:checked]:
            DutyCheckIn.objects.create(shift=shift, cadre=cadre, checked_in_at=timezone.now())
        if absent:
            SpotCheck.objects.create(township=where, duty_date=shift.date, shift=shift, cadre=shift.staff,
                                     checked_at=timezone.now(), method=SpotCheck.Method.PHONE,
                                     result=SpotCheck.Result.ABSENT)
        return shift

    night(township, checked=2)
    with django_assert_max_num_queries(2):
        figures = duty_metrics.tonight(county_admin)
    assert (figures["shifts"], figures["on_duty"], figures["checked_in"]) == (1, 2, 2)
    night(other_township, checked=1, absent=True)
    with django_assert_max_num_queries(2):
        figures = duty_metrics.tonight(county_admin)
    expected_checks = DutyCheckIn.objects.filter(shift__date=figures["date"]).count()
    assert (figures["shifts"], figures["on_duty"], figures["checked_in"]) == (2, 4, expected_checks) == (2, 4, 3)
    assert (figures["spot_checks"], figures["absent"]) == (1, 1)
    assert duty_metrics.tonight(township_admin)["checked_in"] == 2
    assert duty_metrics.tonight(township_admin)["absent"] == 0
