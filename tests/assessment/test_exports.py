"""Excel exports: a unit's grade sheet (a row per assessee with the votes, the cap and the
disqualifiers, then the quota count) and the assessee list (with its unit's quota count and the cap
per row), both recorded as exports and limited to what the user may see."""
import pytest
from django.urls import reverse

from banzi.assessment.models import Assessment, Ballot, Grade, Vote
from banzi.core.models import AuditEvent
from tests.generic import xlsx_rows

from .factories import assessment, groups, unit_of

pytestmark = pytest.mark.django_db

E, C, B = Grade.EXCELLENT, Grade.COMPETENT, Grade.BASICALLY_COMPETENT


@pytest.fixture
def graded(township, county):
    parent = assessment(county, status=Assessment.Status.COLLECTING)
    people = unit_of(parent, township, 13, clean=False)
    for i, person in enumerate(people[:3]):
        person.proposed_grade = E if i < 2 else C
        person.save()
    group = groups(parent, township)["team_members"]
    for grade in (C, C, B):  # exactly one third low: capped at basically competent
        ballot = Ballot.objects.create(group=group, source=Ballot.Source.PAPER)
        Vote.objects.create(ballot=ballot, assessee=people[0], grade=grade)
    return parent, people


def test_a_units_grade_sheet_exports_with_the_quota_and_the_cap(graded, township, county_client):
    parent, people = graded
    url = reverse("assessment:assessment_unit", args=[parent.pk, township.pk])
    assert "?_export=xlsx" in county_client.get(url).content.decode()
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows = xlsx_rows(county_client.get(url, {"_export": "xlsx"}))
    assert rows[0][:4] == ["assessee", "category", "proposed grade", "confirmed grade"]
    assert "cap of the democratic evaluation" in rows[0]
    first = next(row for row in rows if row[0] == str(people[0]))
    assert "Excellent" in first and "at most Basically competent (1 of 3 low)" in first
    assert "Competent 2，Basically competent 1" in first
    assert len([row for row in rows[1:] if row[0].startswith("干部") or row[0] == str(people[0])]) == 13
    quota_row = next(row for row in rows if row[0].startswith("Quota of"))
    assert quota_row[1] == "2 / 2 (20 % of 13)"
    assert AuditEvent.objects.filter(id__gt=since, action=AuditEvent.Action.EXPORT).count() == 1


def test_another_townships_sheet_is_not_exported(graded, township, other_township, other_township_admin,
                                                 client_for):
    parent, _people = graded
    url = reverse("assessment:assessment_unit", args=[parent.pk, township.pk])
    assert client_for(other_township_admin).get(url, {"_export": "xlsx"}).status_code == 404


def test_the_assessee_list_exports_the_quota_count_and_the_cap(graded, county_client):
    parent, people = graded
    page = county_client.get(reverse("assessment:assessee_list"), {"assessment": parent.pk})
    assert "cap of the democratic evaluation" not in page.content.decode()  # the export's columns only
    rows = xlsx_rows(county_client.get(reverse("assessment:assessee_list"),
                                       {"assessment": parent.pk, "_export": "xlsx"}))
    header = rows[0]
    quota, cap = header.index("top grades / quota of the unit"), header.index("cap of the democratic evaluation")
    first = next(row for row in rows if row[0] == str(people[0]))
    assert first[quota] == "2 / 2 (20 % of 13)"
    assert first[cap] == "at most Basically competent (1 of 3 low)"
    assert next(row for row in rows if row[0] == str(people[1]))[cap] == ""
