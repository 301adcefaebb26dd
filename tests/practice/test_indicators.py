"""The postings indicator of the score sheet: postings served in the period and the worth of the
results of those that ended in it."""
import datetime

import pytest

from banzi.core import metrics
from banzi.practice.models import Posting
from tests import factories as f
from tests.practice.cases import posting

pytestmark = pytest.mark.django_db

D = datetime.date
START, END = D(2026, 4, 1), D(2026, 6, 30)


def read(ids):
    return next(i for i in metrics.indicators() if i.key == "postings").read(ids, START, END)


def test_results_of_the_postings_ended_in_the_period(township):
    cadre, fresh = f.CadreFactory(organization=township), f.CadreFactory(organization=township)
    posting(township, cadre, started_on=D(2026, 1, 1), ended_on=START, result=Posting.Result.EXCELLENT)
    posting(township, cadre, started_on=D(2026, 1, 1), ended_on=END, result=Posting.Result.PASSED)
    posting(township, cadre, started_on=D(2026, 1, 1), ended_on=D(2026, 3, 31), result=Posting.Result.FAILED)
    posting(township, cadre, started_on=D(2026, 2, 1), ended_on=D(2026, 7, 1), result=Posting.Result.FAILED)
    posting(township, fresh, started_on=D(2026, 5, 1))
    found = read([cadre.pk, fresh.pk])
    assert found[cadre.pk].value == 80  # (100 + 60) / 2
    assert found[cadre.pk].detail == "3 postings served, 2 ended with a result"
    assert found[fresh.pk].value is None and found[fresh.pk].detail == "1 postings served, 0 ended with a result"
