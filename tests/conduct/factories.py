"""Record builders of the discipline, leave and outing tests: cadres on a township's team (the
secretary, the organization committee member, a member) with user accounts, and requests in each
state through the services, so that the records are what a user would have made."""
import datetime
import itertools

from banzi.accounts.models import User
from banzi.conduct import services
from banzi.conduct.models import (
    CommitmentLetter,
    ConcurrentPostDeclaration,
    DisciplineRule,
    LeaveLedgerEntry,
    LeaveRequest,
    OutingReport,
    Violation,
)
from banzi.core import clock
from banzi.core.roles import Role
from tests import dates
from tests import factories as f

_seq = itertools.count(1)


def n():
    return next(_seq)


def this_year():
    return dates.this_year()


def rule():
    return DisciplineRule.objects.order_by("sort_order").first() or DisciplineRule.objects.create(
        code=f"rule-{n()}", title=f"规定{n()}")


def account(cadre, role=Role.CADRE, township=None):
    """A user signed in as the cadre (a township user also manages the township); the same one when
    asked again."""
    existing = User.objects.filter(cadre=cadre).first()
    if existing is not None:
        return existing
    return User.objects.create(username=f"u{n()}", role=role, cadre=cadre, password_changed_at=clock.now(),
                               organization=township if role == Role.TOWNSHIP_ADMIN else None)


def team(township, elected_on=None):
    """The township's current leadership team (elected two years before today unless told) with a
    secretary, an organization committee member and an ordinary member, each with a user account.
    Returns a dict of cadres and users."""
    the_team = f.TeamFactory(township=township, **({"elected_on": elected_on} if elected_on else {}))
    elected_on = the_team.elected_on
    people = {}
    for key, position, is_head in (("secretary", "党委书记", True), ("organization_member", "组织委员", False),
                                   ("member", "宣传委员", False)):
        cadre = f.CadreFactory(organization=township, work_started_on=datetime.date(2000, 7, 1))
        f.TeamMembershipFactory(team=the_team, cadre=cadre, position=f.PositionFactory(name=position),
                                is_head=is_head, started_on=elected_on)
        people[key] = cadre
        role = Role.TOWNSHIP_ADMIN if key == "secretary" else Role.CADRE
        people[f"{key}_user"] = account(cadre, role, township)
    people["team"] = the_team
    return people


def general_cadre(township, **kwargs):
    kwargs.setdefault("work_started_on", datetime.date(2012, 8, 1))
    return f.CadreFactory(organization=township, **kwargs)


def county_user(**kwargs):
    kwargs.setdefault("username", f"county{n()}")
    kwargs.setdefault("password_changed_at", clock.now())
    return User.objects.create(role=Role.COUNTY_ADMIN, **kwargs)


def future_monday(weeks=2):
    today = dates.today()
    return today + datetime.timedelta(days=7 * weeks - today.weekday())


def leave(cadre, *, kind=LeaveRequest.Kind.PERSONAL, starts_on=None, days=2, **kwargs):
    """A draft request saved directly (no rules), for tests that need many rows."""
    starts_on = starts_on or future_monday() + datetime.timedelta(days=7 * n())
    return LeaveRequest.objects.create(cadre=cadre, kind=kind, starts_on=starts_on,
                                       ends_on=starts_on + datetime.timedelta(days=days - 1), days=days,
                                       reason="家中有事", **kwargs)


def commitment(cadre, year=None):
    return CommitmentLetter.objects.create(cadre=cadre, year=year or this_year(),
                                           signed_on=datetime.date(year or this_year(), 1, 1))


def declaration(cadre, year=None, **kwargs):
    kwargs.setdefault("has_post", False)
    return ConcurrentPostDeclaration.objects.create(cadre=cadre, year=year or this_year(),
                                                    declared_on=datetime.date(year or this_year(), 1, 1), **kwargs)


def violation(cadre, **kwargs):
    kwargs.setdefault("occurred_on", dates.days_ago(3))
    kwargs.setdefault("facts", "夜间抽查不在岗")
    return Violation.objects.create(cadre=cadre, **kwargs)


def ledger_row(cadre, days=5, kind=LeaveLedgerEntry.Kind.ADJUSTMENT, year=None):
    return LeaveLedgerEntry.objects.create(cadre=cadre, year=year or this_year(), kind=kind, days=days,
                                           entry_on=datetime.date(year or this_year(), 1, 1), note="调整")


def outing(cadre, *, departs_at=None, hours=48, **kwargs):
    departs_at = departs_at or clock.now().replace(second=0, microsecond=0) + datetime.timedelta(days=1)
    kwargs.setdefault("filed_at", clock.now().replace(microsecond=0))
    return OutingReport.objects.create(cadre=cadre, destination="太原市", reason="参加培训", departs_at=departs_at,
                                       planned_return_at=departs_at + datetime.timedelta(hours=hours),
                                       contact="13900000000", **kwargs)


__all__ = ["services"]
