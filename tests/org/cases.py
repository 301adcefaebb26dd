"""Generic-test cases for the registry models (see tests/generic.py)."""
import datetime
import itertools

from banzi.org.models import Cadre, Organization, Position, Team, TeamMembership, VillageDesignation
from tests import factories as f
from tests.generic import ModelCase, register

_seq = itertools.count(1)


def _election_date(township=None):
    """A past election date no team of the township has yet, so that one township can have many
    teams (counted back from 1995 to stay clear of the dates other tests pick)."""
    while True:
        day = datetime.date(1995, 1, 1) - datetime.timedelta(days=next(_seq))
        if township is None or not Team.objects.filter(township=township, elected_on=day).exists():
            return day


def _team(township):
    return f.TeamFactory(township=township, elected_on=_election_date(township))


def _membership(township, **kwargs):
    return f.TeamMembershipFactory(team=_team(township), **kwargs)


def _set(attr, make_target):
    def move(record, other):
        setattr(record, attr, make_target(other))
    return move


register(ModelCase(
    model=Organization,
    make=lambda township: f.VillageFactory(parent=township),
    form_data=lambda township: {
        "name": f"新建村{next(_seq)}", "kind": Organization.Kind.VILLAGE, "parent": township.pk,
        "division_code": "", "address": "", "phone": "", "sort_order": "0", "is_active": "on",
    },
    update={"address": "村委会大院 1 号"},
    move=_set("parent", lambda other: other),
    make_referenced=lambda township: f.VillageDesignationFactory(
        organization=f.VillageFactory(parent=township)).organization,
))


def _designation_form(township):
    village = f.VillageFactory(parent=township)
    return {"organization": village.pk, "year": "2025", "category": VillageDesignation.Category.WEAK_LAX,
            "reason": "班子软弱", "designated_on": "", "lifted_on": ""}


register(ModelCase(
    model=VillageDesignation,
    make=lambda township: f.VillageDesignationFactory(organization=f.VillageFactory(parent=township)),
    form_data=_designation_form,
    update={"reason": "村党组织书记长期空缺"},
    move=_set("organization", lambda other: f.VillageFactory(parent=other)),
    export_label=lambda record: str(record.organization),
))


def _cadre_form(township):
    n = next(_seq)
    birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=n)
    return {
        "name": f"新干部{n}", "gender": Cadre.Gender.FEMALE, "ethnicity": "汉族", "birth_date": birth.isoformat(),
        "native_place": "山西襄汾", "id_number": f.make_id_number(birth, "female", n % 50), "party_joined_on": "",
        "work_started_on": "", "education_fulltime": "", "education_inservice": "", "organization": township.pk,
        "post": "科员", "rank": "", "phone": "13912345678", "promoted_on": "", "notes": "",
    }


register(ModelCase(
    model=Cadre,
    make=lambda township: f.CadreFactory(organization=township),
    form_data=_cadre_form,
    update={"post": "副镇长"},
    move=_set("organization", lambda other: other),
    make_own=lambda cadre: cadre,
    make_referenced=lambda township: _membership(township).cadre,
))


register(ModelCase(
    model=Position,
    make=lambda township: f.PositionFactory(name=f"职务{next(_seq)}"),
    form_data=lambda township: {"name": f"新职务{next(_seq)}", "sort_order": "5", "is_active": "on"},
    update={"sort_order": "77"},
    make_referenced=lambda township: _membership(township).position,
))


register(ModelCase(
    model=Team,
    make=_team,
    form_data=lambda township: {"township": township.pk, "elected_on": _election_date(township).isoformat(),
                                "term_years": "5", "notes": ""},
    update={"notes": "换届后调整两名成员"},
    move=_set("township", lambda other: other),
    make_referenced=lambda township: _membership(township).team,
))


def _membership_form(township):
    team = _team(township)
    cadre = f.CadreFactory(organization=township)
    return {"team": team.pk, "cadre": cadre.pk, "position": f.PositionFactory().pk, "started_on": "2021-09-01",
            "ended_on": "", "appointment_document": "", "sort_order": "0", "notes": ""}


register(ModelCase(
    model=TeamMembership,
    make=lambda township: _membership(township),
    form_data=_membership_form,
    update={"appointment_document": "襄组字〔2021〕12号"},
    move=_set("team", _team),
    make_own=lambda cadre: _membership(cadre.organization.township, cadre=cadre),
    export_label=lambda record: str(record.cadre),
))
