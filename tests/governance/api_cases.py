"""API cases of the governance actions and figures (tests/core/test_api_generic.py): a committee
meeting's attendance and an agenda item's decision, a democratic life meeting's criticism and
rectification, and the compliance, overview and dual-organizational-life figures."""
import datetime

from banzi.core import clock
from banzi.core.roles import Role
from banzi.governance.models import AgendaItem, MeetingKind, Opinion
from tests import factories as f
from tests.api import ActionCase, ReadCase, register_action, register_read
from tests.governance.cases import agenda_item, meeting, n, recent, team


def township_user(township):
    return f.UserFactory(username=f"gov-township{n()}", role=Role.TOWNSHIP_ADMIN, organization=township)


def _unrecorded_committee(township):
    return meeting(township, MeetingKind.COMMITTEE, members=team(township, 3)), township_user(township)


def _attendance_data(record):
    members = [a.cadre_id for a in record.attendances.order_by("sort_order")]
    return {"present": members[:2], "absent": {str(members[2]): "公出"}}


register_action(ActionCase(
    url_name="governance-meeting-attendance",
    prepare=_unrecorded_committee,
    data=_attendance_data,
    format="json",
    done=lambda record: record.attendances.filter(present=True).count() == 2,
))


def _life_meeting(township):
    members = team(township, 3)
    record = meeting(township, MeetingKind.LIFE_MEETING, members=members, present=3, opinions_solicited=12,
                     opinions_solicited_from="村干部、党员代表")
    return record, township_user(township)


def _second_member(record):
    return record.attendances.order_by("sort_order")[1].cadre_id


register_action(ActionCase(
    url_name="governance-meeting-criticism",
    prepare=_life_meeting,
    data=lambda record: {"cadre": _second_member(record), "self_criticism": "调查研究不够深入",
                         "criticism_received": "下村次数偏少"},
    done=lambda record: record.attendances.get(cadre=_second_member(record)).self_criticism == "调查研究不够深入",
))
register_action(ActionCase(
    url_name="governance-meeting-rectifications",
    prepare=_life_meeting,
    data=lambda record: {"description": "调研不深入", "responsible": _second_member(record),
                         "deadline": (recent() + datetime.timedelta(days=90)).isoformat(), "measures": "每月下村四次"},
    status=201,
    done=lambda record: record.rectifications.count() == 1,
))


def _item_to_decide(township):
    record = meeting(township, MeetingKind.COMMITTEE, members=team(township, 3), present=3)
    return agenda_item(township, record, category=AgendaItem.Category.MAJOR_DECISION), township_user(township)


def _opinions(item):
    present = [a.cadre_id for a in item.meeting.attendances.filter(present=True).order_by("sort_order")]
    ordered = present[1:] + present[:1]  # the chair speaks last
    return {"outcome": AgendaItem.Outcome.PASSED,
            "opinions": [{"cadre": pk, "stance": Opinion.Stance.AGREE} for pk in ordered]}


register_action(ActionCase(
    url_name="governance-agendaitem-decision",
    prepare=_item_to_decide,
    data=_opinions,
    format="json",
    done=lambda item: (item.outcome == AgendaItem.Outcome.PASSED and item.opinions.count() == 3),
))


# --- figures ----------------------------------------------------------------------------------------

# Every role reads them, each within its own scope.
ALL = ("county_admin", "township_admin", "cadre_user")

def _held_branch_meeting(township):
    village = f.VillageFactory(parent=township)
    return meeting(village, MeetingKind.BRANCH_COMMITTEE, held_on=clock.today() - datetime.timedelta(days=1))


register_read(ReadCase(
    url_name="governance-compliance-list",
    url=lambda township: f"/api/v1/governance/compliance/?year={clock.today().year}",
    make=_held_branch_meeting,
    roles=ALL,
))
register_read(ReadCase(
    url_name="governance-overview-list",
    url=lambda township: f"/api/v1/governance/overview/?year={clock.today().year}",
    make=_held_branch_meeting,
    roles=ALL,
))
register_read(ReadCase(
    url_name="governance-duallife-list",
    url=lambda township: f"/api/v1/governance/dual-life/?year={clock.today().year}",
    make=lambda township: team(township, 1),
    roles=ALL,
))
