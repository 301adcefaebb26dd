"""The conduct demo: commitments with a few missing, declarations with one refused, a year of leave
in every state with a ledger that adds up, outing reports with some late; deterministic and
idempotent. Figures are computed from the records, never typed in."""
import datetime

import pytest
from django.db.models import Sum

from banzi.conduct import metrics, services
from banzi.conduct.demo import load_demo
from banzi.conduct.models import (
    CommitmentLetter,
    ConcurrentPostDeclaration,
    LeaveKind,
    LeaveLedgerEntry,
    LeaveRequest,
    OutingReport,
    Violation,
)
from banzi.core import clock
from banzi.core.roles import Role
from banzi.org.models import Cadre
from tests import factories as f
from tests.conduct import factories as c

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_county(county):
    today = clock.today()
    townships = [f.TownshipFactory(name=name, parent=county, sort_order=n) for n, name in
                 enumerate(("襄陵镇", "新城镇", "赵康镇"))]
    for township in townships:
        team = f.TeamFactory(township=township, elected_on=today - datetime.timedelta(days=400))
        for n, position in enumerate(("党委书记", "组织委员", "宣传委员", "纪委书记")):
            f.TeamMembershipFactory(team=team, started_on=team.elected_on, sort_order=n, is_head=n == 0,
                                    cadre=f.CadreFactory(organization=township, work_started_on=datetime.date(2001, 7, 1)),
                                    position=f.PositionFactory(name=position))
        for _ in range(30):
            c.general_cadre(township)
    f.UserFactory(username="county_admin", role=Role.COUNTY_ADMIN)
    organization_member = townships[0].teams.get().memberships.get(position__name="组织委员").cadre
    f.UserFactory(username="cadre", role=Role.CADRE, cadre=organization_member)
    return townships


def test_the_demo_figures(demo_county):
    created = load_demo()
    year = clock.today().year
    active = Cadre.objects.filter(status=Cadre.Status.ACTIVE)
    # Commitments: nearly everyone, a few missing — as the department's list shows.
    signed = CommitmentLetter.objects.filter(year=year).count()
    assert created["commitment letters"] == signed
    assert 0 < active.count() - signed < active.count() * 0.15
    county = f.UserFactory(username="viewer", role=Role.COUNTY_ADMIN)
    summary = metrics.signing_summary(county, year)
    assert summary["signed"] == signed and summary["missing_either"] > 0
    # Declarations: one refused, one to resign from, and some still to decide.
    decisions = set(ConcurrentPostDeclaration.objects.values_list("decision", flat=True))
    assert {"refused", "must_resign", "not_needed"} <= decisions
    assert ConcurrentPostDeclaration.objects.filter(decision="refused").count() == 1
    # Leave: every state of the lifecycle, an amendment, returns, and today's absences.
    assert set(LeaveRequest.objects.values_list("status", flat=True)) == {s.value for s in LeaveRequest.Status}
    assert LeaveRequest.objects.filter(amends__isnull=False, status="approved").exists()
    assert LeaveRequest.objects.filter(returned_on__isnull=False).exists()
    assert metrics.on_leave_on(county, clock.today()).exists()
    # The secretary approved the first township's team; the organization committee member its general cadres.
    first = demo_county[0]
    kinds = set(LeaveRequest.objects.filter(cadre__organization=first).exclude(approver_kind="")
                .values_list("approver_kind", flat=True))
    assert {"secretary", "organization_member", "county"} <= kinds
    # The ledger adds up: per cadre and year, entitlement − approved annual leave still standing
    # − nothing for cancelled ones (taken and reversed) + days given back by early returns.
    for cadre_id, year_ in LeaveLedgerEntry.objects.values_list("cadre", "year").distinct():
        cadre = Cadre.objects.get(pk=cadre_id)
        standing = LeaveRequest.objects.filter(cadre=cadre, kind=LeaveKind.ANNUAL, status="approved",
                                               starts_on__year=year_)
        taken = sum(r.days - (services.leave_days(r.kind, r.returned_on, r.ends_on)
                              if r.returned_on and r.returned_on <= r.ends_on else 0) for r in standing)
        total = LeaveLedgerEntry.objects.filter(cadre=cadre, year=year_).aggregate(s=Sum("days"))["s"]
        assert total == services.entitlement_days(cadre, year_) - taken
    # Outing reports: some late, some away today, one not back.
    assert OutingReport.objects.filter(is_late=True).exists()
    assert OutingReport.objects.filter(is_late=False).exists()
    assert metrics.away_on(county, clock.today()).exists()
    # Violations: decided and awaiting decision.
    assert {"confirmed", "dismissed", "candidate"} <= set(Violation.objects.values_list("status", flat=True))


def test_the_demo_is_idempotent_and_deterministic(demo_county):
    load_demo()
    snapshot = sorted(LeaveRequest.objects.values_list("cadre__name", "kind", "starts_on", "ends_on", "status"))
    counts = [m.objects.count() for m in (CommitmentLetter, ConcurrentPostDeclaration, LeaveRequest,
                                          LeaveLedgerEntry, OutingReport, Violation)]
    assert not load_demo()
    assert [m.objects.count() for m in (CommitmentLetter, ConcurrentPostDeclaration, LeaveRequest,
                                        LeaveLedgerEntry, OutingReport, Violation)] == counts
    assert sorted(LeaveRequest.objects.values_list("cadre__name", "kind", "starts_on", "ends_on", "status")) == snapshot
