"""API cases of the reserve pool's steps and its vetting checks (tests/core/test_api_generic.py)."""
from django.urls import reverse

from banzi.core.roles import Role
from banzi.reserves.models import ReserveEntry
from tests import factories as f
from tests.api import ActionCase, ReadCase, register_action, register_read
from tests.dates import days_ago, this_year

from .factories import Status, entry


def _county(township, status):
    return entry(township, status=status), f.UserFactory(role=Role.COUNTY_ADMIN)


register_action(ActionCase(
    url_name="reserves-reserveentry-vet",
    prepare=lambda township: _county(township, Status.NOMINATED),
    data=lambda record: {"vetted_on": days_ago(30).isoformat(), "result": "审查通过"},
    done=lambda record: record.status == Status.VETTED and record.vetting_checks,
))
register_action(ActionCase(
    url_name="reserves-reserveentry-reject",
    prepare=lambda township: _county(township, Status.NOMINATED),
    data=lambda record: {"reason": "群众公认度不高"},
    done=lambda record: record.status == Status.REJECTED and record.rejection_reason,
))
register_action(ActionCase(
    url_name="reserves-reserveentry-enter",
    prepare=lambda township: _county(township, Status.VETTED),
    data=lambda record: {"development_plan": "安排入企服务一年"},
    done=lambda record: record.status == Status.IN_POOL and record.cadre.is_reserve,
))
register_action(ActionCase(
    url_name="reserves-reserveentry-review",
    prepare=lambda township: (entry(township, status=Status.IN_POOL),
                              f.UserFactory(role=Role.TOWNSHIP_ADMIN, organization=township)),
    data=lambda record: {"year": this_year(), "conclusion": "keep"},
    done=lambda record: record.reviews.filter(year=this_year()).exists(),
))
register_action(ActionCase(
    url_name="reserves-reserveentry-exit",
    prepare=lambda township: _county(township, Status.IN_POOL),
    data=lambda record: {"reason": ReserveEntry.ExitReason.PROMOTED},
    done=lambda record: record.status == Status.EXITED and not record.cadre.is_reserve,
))
register_read(ReadCase(
    url_name="reserves-reserveentry-checks",
    url=lambda township: reverse("reserves-reserveentry-checks", args=[entry(township).pk]),
    township_scoped=False,
))
