"""Voting on a phone with a one-time code (/assessment/vote/): no account needed, one code one ballot,
a wrong or used code refused in Chinese with nothing saved, wrong codes throttled per client address,
the ballot and its audit event keeping nothing of the code or of the voter, CSRF on, and open only
while the assessment collects."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse

from banzi.assessment import services
from banzi.assessment.models import Assessment, Ballot, BallotCode, Grade, Vote
from banzi.core.models import AuditEvent
from banzi.core.separation import permits
from tests import factories as f

from .factories import assessee, assessment, groups, unit_of

pytestmark = pytest.mark.django_db

VOTE = "/assessment/vote/"
IP = "203.0.113.7"


@pytest.fixture
def ballot_setup(township, county, county_admin):
    parent = assessment(county, status=Assessment.Status.COLLECTING)
    people = unit_of(parent, township, 2, clean=False)
    team = assessee(parent, township, category="team")
    group = groups(parent, township)["team_members"]
    codes = services.issue_codes(county_admin, group, 2)
    return parent, people, team, group, codes


def _open(client, code):
    return client.post(VOTE, {"step": "code", "code": code})


def _cast(client, code, grades):
    return client.post(VOTE, {"step": "ballot", "code": code, **{f"a{pk}": g for pk, g in grades.items()}})


def test_a_code_holder_votes_without_an_account_once(ballot_setup):
    parent, people, team, group, codes = ballot_setup
    client = Client(REMOTE_ADDR=IP)
    page = client.get(VOTE)
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    code = f"{codes[0][:5]}-{codes[0][5:]}".lower()  # as printed, typed in lower case
    ballot_page = _open(client, code)
    body = ballot_page.content.decode()
    assert ballot_page.status_code == 200 and "no-store" in ballot_page["Cache-Control"]
    for person in people:
        assert f'name="a{person.pk}"' in body
    assert f'id="id_a{team.pk}_0" value="{Grade.GOOD}"' in body  # a team gets the four-level grades
    assert f'value="{Grade.EXCELLENT}"' in body
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    done = _cast(client, code, {people[0].pk: Grade.COMPETENT, people[1].pk: Grade.EXCELLENT, team.pk: Grade.GOOD})
    assert done.status_code == 302 and done.url == reverse("assessment:vote_thanks")
    assert client.get(done.url).status_code == 200
    assert Ballot.objects.get().source == Ballot.Source.PHONE and Vote.objects.count() == 3
    assert BallotCode.objects.filter(used=True).count() == 1

    event = AuditEvent.objects.get(id__gt=since)  # the one event of a cast ballot: the group, the assessment
    assert event.object_id == str(group.pk) and str(parent) in event.detail
    assert event.ip_address is None and event.user is None and event.username == ""
    assert codes[0] not in str(event.__dict__) and code not in str(event.__dict__)

    again = _cast(client, codes[0], {people[0].pk: Grade.INCOMPETENT})  # the same code: refused, nothing saved
    assert again.status_code == 200 and "already been used" in again.content.decode()
    assert _open(client, codes[0]).content.decode().count("already been used") == 1
    assert Ballot.objects.count() == 1 and Vote.objects.count() == 3


@pytest.mark.zh
def test_an_unknown_or_used_code_is_refused_in_chinese(ballot_setup):
    _parent, people, _team, _group, codes = ballot_setup
    client = Client(REMOTE_ADDR=IP, HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = _open(client, "ABCDE-FGHJK").content.decode()
    assert "这个投票码" in body or "测评码" in body or "投票码" in body
    services.cast_ballot(codes[0], {people[0].pk: Grade.COMPETENT})
    body = _open(client, codes[0]).content.decode()
    assert "一码一票" in body
    assert Ballot.objects.count() == 1


def test_a_code_opens_a_ballot_only_while_collecting(ballot_setup):
    parent, people, _team, _group, codes = ballot_setup
    parent.status = Assessment.Status.CONFIRMED
    parent.save()
    client = Client(REMOTE_ADDR=IP)
    assert "not collecting" in _open(client, codes[0]).content.decode()
    assert "not collecting" in _cast(client, codes[0], {people[0].pk: Grade.COMPETENT}).content.decode()
    assert not Ballot.objects.exists() and not BallotCode.objects.filter(used=True).exists()


def test_a_ballot_for_someone_outside_the_unit_saves_nothing(ballot_setup, county):
    parent, people, _team, _group, codes = ballot_setup
    stranger = unit_of(parent, f.TownshipFactory(parent=county), 1, clean=False)[0]
    client = Client(REMOTE_ADDR=IP)
    response = _cast(client, codes[0], {people[0].pk: Grade.COMPETENT, stranger.pk: Grade.COMPETENT})
    assert response.status_code == 302  # the stranger is not on the ballot: only the unit's vote counts
    assert Vote.objects.filter(assessee=stranger).count() == 0
    assert Vote.objects.count() == 1
    response = _cast(client, codes[1], {})
    assert "at least one" in response.content.decode()
    assert BallotCode.objects.filter(used=True).count() == 1 and Ballot.objects.count() == 1


def test_wrong_codes_block_the_address_for_a_while(ballot_setup, settings, travel):
    _parent, people, _team, _group, codes = ballot_setup
    settings.BANZI_BALLOT_CODE_MAX_FAILURES_PER_IP = 3
    guesser = Client(REMOTE_ADDR=IP)
    for guess in ("AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC"):
        assert "was not issued" in _open(guesser, guess).content.decode()
    blocked = _open(guesser, codes[0])  # even a right code, from that address
    assert blocked.status_code == 429 and "Too many wrong ballot codes" in blocked.content.decode()
    assert _cast(guesser, codes[0], {people[0].pk: Grade.COMPETENT}).status_code == 429
    assert not Ballot.objects.exists()
    refused = AuditEvent.objects.filter(kind=AuditEvent.Kind.SECURITY, ip_address=IP)
    assert refused.count() == 4 and not any(guess in e.detail for e in refused for guess in ("AAAA", "BBBB"))
    other = Client(REMOTE_ADDR="203.0.113.8")  # another address is not blocked
    assert _cast(other, codes[0], {people[0].pk: Grade.COMPETENT}).status_code == 302
    travel.shift(datetime.timedelta(minutes=settings.BANZI_LOGIN_LOCK_MINUTES + 1))
    assert _open(guesser, codes[1]).status_code == 200 and "was not issued" not in _open(
        guesser, codes[1]).content.decode()


def test_csrf_is_checked(ballot_setup):
    _parent, people, _team, _group, codes = ballot_setup
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=IP)
    assert _cast(client, codes[0], {people[0].pk: Grade.COMPETENT}).status_code == 403
    assert not Ballot.objects.exists()


def test_the_page_is_open_to_everyone_whatever_their_account(ballot_setup, auditor, auditor_client, county_admin):
    assert permits(auditor, VOTE) and permits(auditor, "/assessment/vote/thanks/")
    assert not permits(auditor, "/assessment/assessments/")
    assert auditor_client.get(VOTE).status_code == 200
    unverified = Client()  # signed in, the second factor not yet given: the voting page is still open
    unverified.force_login(county_admin)
    assert unverified.get("/assessment/assessments/").status_code == 302
    assert unverified.get(VOTE).status_code == 200


def test_a_signed_in_voter_leaves_no_trace_either(ballot_setup, cadre_user, cadre_client):
    _parent, people, _team, group, codes = ballot_setup
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    assert _open(cadre_client, "WRONGCODE2").status_code == 200  # a wrong code: an address, never the code
    wrong = AuditEvent.objects.get(id__gt=since)
    assert wrong.user is None and "WRONGCODE2" not in str(wrong.__dict__)
    assert _cast(cadre_client, codes[0], {people[0].pk: Grade.COMPETENT}).status_code == 302
    cast = AuditEvent.objects.get(id__gt=wrong.id)
    assert cast.object_id == str(group.pk) and cast.user is None and cast.ip_address is None and not cast.username
