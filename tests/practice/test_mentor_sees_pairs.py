"""Both sides of a mentoring pair see it and its meetings among their own records; nobody else does."""
import pytest
from django.urls import reverse

from banzi.core.scoping import instance_in_scope
from banzi.practice.models import Mentorship, MentorshipMeeting
from tests import factories as f
from tests.practice import cases as c

pytestmark = pytest.mark.django_db


def test_mentor_and_mentee_see_the_pair_and_its_meetings(township, cadre_user, cadre_client):
    as_mentor = c.mentorship(township, mentor=cadre_user.cadre)
    as_mentee = c.mentorship(township, mentee=cadre_user.cadre)
    someone_elses = c.mentorship(township)
    meeting = MentorshipMeeting.objects.create(mentorship=as_mentor, met_on=as_mentor.started_on, topic="谈心")

    assert set(Mentorship.objects.visible_to(cadre_user)) == {as_mentor, as_mentee}
    assert list(MentorshipMeeting.objects.visible_to(cadre_user)) == [meeting]
    assert cadre_client.get(reverse("practice:mentorship_detail", args=[as_mentor.pk])).status_code == 200
    assert cadre_client.get(reverse("practice:mentorshipmeeting_detail", args=[meeting.pk])).status_code == 200
    assert cadre_client.get(reverse("practice:mentorship_detail", args=[someone_elses.pk])).status_code == 404
    assert instance_in_scope(cadre_user, as_mentor) and instance_in_scope(cadre_user, as_mentee)
    assert not instance_in_scope(cadre_user, someone_elses)


def test_a_pair_counts_once_for_a_cadre_on_both_lookups(township, cadre_user):
    # A record matching through two lookups is still one row (no join duplicates).
    other = f.CadreFactory(organization=township)
    c.mentorship(township, mentor=cadre_user.cadre, mentee=other)
    assert Mentorship.objects.visible_to(cadre_user).count() == 1
