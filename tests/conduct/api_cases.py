"""API cases of the conduct app's workflow actions and figure endpoints (tests/core/test_api_generic.py):
each builds a record in the state where the step is open to the user who takes it."""
import datetime

from banzi.conduct import services
from banzi.conduct.duty.models import DutyRoster, DutySwap
from banzi.conduct.models import ConcurrentPostDeclaration, LeaveRequest, Violation
from banzi.core import clock
from banzi.core.roles import Role
from tests import factories as f
from tests.api import ActionCase, ReadCase, register_action, register_read
from tests.conduct import duty_factories as d
from tests.conduct import factories as c


def _declaration(township):
    cadre = f.CadreFactory(organization=township)
    return c.declaration(cadre, has_post=True, decision=ConcurrentPostDeclaration.Decision.PENDING,
                         post_organization="某协会", post_role="理事"), c.county_user()


register_action(ActionCase(
    url_name="conduct-concurrentpostdeclaration-decide",
    prepare=_declaration,
    data=lambda record: {"decision": "refused", "note": "不得在社团兼职"},
    done=lambda record: record.decision == ConcurrentPostDeclaration.Decision.REFUSED,
))


register_action(ActionCase(
    url_name="conduct-violation-decide",
    prepare=lambda township: (c.violation(f.CadreFactory(organization=township)), c.county_user()),
    data=lambda record: {"status": "confirmed", "decision": "诫勉谈话", "decision_body": "县委组织部"},
    done=lambda record: record.status == Violation.Status.CONFIRMED,
))


def _draft(township):
    people = c.team(township)
    return c.leave(people["member"], starts_on=c.future_monday()), people["member_user"]


def _submitted(township):
    people = c.team(township)
    # Next week, not c.leave's counted weeks: late in a long run those fall after the team's term, when the
    # county department approves instead of the secretary.
    leave = services.submit_leave(people["member_user"], c.leave(people["member"], starts_on=c.future_monday()))
    return leave, people["secretary_user"]


def _approved_and_begun(township):
    """Approved personal leave that began two days ago: the cadre reports back today."""
    people = c.team(township)
    start = clock.today() - datetime.timedelta(days=2)
    leave = c.leave(people["member"], starts_on=start, days=5, status=LeaveRequest.Status.APPROVED)
    return leave, people["member_user"]


register_action(ActionCase(
    url_name="conduct-leaverequest-submit",
    prepare=_draft,
    done=lambda record: record.status == LeaveRequest.Status.SUBMITTED,
))
register_action(ActionCase(
    url_name="conduct-leaverequest-approve",
    prepare=_submitted,
    data=lambda record: {"note": "同意"},
    done=lambda record: record.status == LeaveRequest.Status.APPROVED,
))
register_action(ActionCase(
    url_name="conduct-leaverequest-reject",
    prepare=_submitted,
    data=lambda record: {"note": "工作任务重，请改期"},
    done=lambda record: record.status == LeaveRequest.Status.REJECTED,
))
register_action(ActionCase(
    url_name="conduct-leaverequest-cancel",
    prepare=_draft,
    data=lambda record: {"reason": "不再需要"},
    done=lambda record: record.status == LeaveRequest.Status.CANCELLED,
))
register_action(ActionCase(
    url_name="conduct-leaverequest-return-",
    prepare=_approved_and_begun,
    data=lambda record: {"returned_on": clock.today().isoformat()},
    done=lambda record: record.returned_on == clock.today(),
))


def _outing_under_way(township):
    cadre = f.CadreFactory(organization=township)
    departs = clock.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=5)
    return c.outing(cadre, departs_at=departs), c.account(cadre)


register_action(ActionCase(
    url_name="conduct-outingreport-return-",
    prepare=_outing_under_way,
    done=lambda record: record.returned_at is not None,
))


def _township_user(township):
    return c.account(f.CadreFactory(organization=township), Role.TOWNSHIP_ADMIN, township)


def _draft_roster(township):
    night = d.shift(township, clock.today() + datetime.timedelta(days=400 + d.n()), published=False)
    return night.roster, _township_user(township)


register_action(ActionCase(
    url_name="conduct-dutyroster-publish",
    prepare=_draft_roster,
    done=lambda record: record.status == DutyRoster.Status.PUBLISHED,
))


def _tonight_on_duty(township):
    night = d.shift(township)
    return night, c.account(night.staff)


register_action(ActionCase(
    url_name="conduct-dutyshift-check-in",
    prepare=_tonight_on_duty,
    data=lambda record: {"location": "值班室"},
    status=201,
    done=lambda record: record.check_ins.count() == 1,
))


def _open_swap(township):
    return d.swap(township), _township_user(township)


register_action(ActionCase(
    url_name="conduct-dutyswap-approve",
    prepare=_open_swap,
    done=lambda record: record.status == DutySwap.Status.APPROVED,
))
register_action(ActionCase(
    url_name="conduct-dutyswap-reject",
    prepare=_open_swap,
    data=lambda record: {"note": "当晚另有安排"},
    done=lambda record: record.status == DutySwap.Status.REJECTED,
))


# --- figures ----------------------------------------------------------------------------------------

# Every role reads them, each within its own scope (a cadre's figures count only their own records).
ALL = ("county_admin", "township_admin", "cadre_user")

register_read(ReadCase(
    url_name="conduct-duty-tonight",
    url=lambda township: "/api/v1/conduct/duty-tonight/",
    # One night a township: each record is another township's night on duty.
    make=lambda township: d.shift(f.TownshipFactory(parent=township.parent)),
    roles=ALL,
))
register_read(ReadCase(
    url_name="conduct-attendance-summary",
    url=lambda township: f"/api/v1/conduct/attendance-summary/?year={clock.today().year}&month={clock.today().month}",
    make=lambda township: d.attendance(township, day=clock.today().replace(day=1)),
    roles=ALL,
))
register_read(ReadCase(
    url_name="conduct-away-today",
    url=lambda township: "/api/v1/conduct/away-today/",
    make=lambda township: _outing_under_way(township)[0],
    roles=ALL,
))
register_read(ReadCase(
    url_name="conduct-not-signed",
    url=lambda township: f"/api/v1/conduct/not-signed/?year={clock.today().year}",
    make=lambda township: f.CadreFactory(organization=township),
    roles=ALL,
))
