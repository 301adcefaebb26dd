"""Discipline: the seeded rules, commitment letters and their scans, concurrent-post declarations
and the department's decisions, violations (candidates, decisions and who may see them), and the
department's list of who has not signed or declared."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from banzi.conduct import metrics, services
from banzi.conduct.models import CommitmentLetter, ConcurrentPostDeclaration, DisciplineRule, Violation
from banzi.conduct.rules_seed import SEED
from banzi.core.errors import Code
from banzi.core.models import Notification
from tests import factories as f
from tests.conduct import factories as c
from tests.errors import ALL, codes, refused
from tests.generic import table_pks, xlsx_rows

pytestmark = pytest.mark.django_db

Decision = ConcurrentPostDeclaration.Decision
TODAY = timezone.localdate


def test_the_articles_rules_are_seeded():
    codes = set(DisciplineRule.objects.values_list("code", flat=True))
    assert {code for code, *_rest in SEED} <= codes
    titles = " ".join(DisciplineRule.objects.values_list("title", flat=True))
    for words in ("企业、社团兼职", "私人会所", "公款相互宴请送礼", "揽工程"):
        assert words in titles


# --- commitment letters -------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_scanned_letter_is_checked_by_content(township, township_admin):
    letter = CommitmentLetter(cadre=f.CadreFactory(organization=township), year=TODAY().year, signed_on=TODAY(),
                              scan=SimpleUploadedFile("承诺书.pdf", b"MZ\x90\x00 not a pdf"))
    with refused("scan", Code.FILE_TYPE):
        services.save_commitment(township_admin, letter)
    assert not CommitmentLetter.objects.exists()


def test_a_scanned_letter_is_uploaded_and_served_in_scope(township, township_client, other_township_admin, client):
    cadre = f.CadreFactory(organization=township)
    response = township_client.post(reverse("conduct:commitmentletter_add"), {
        "cadre": cadre.pk, "year": TODAY().year, "signed_on": TODAY().isoformat(), "notes": "",
        "scan": SimpleUploadedFile("承诺书.pdf", PDF)})
    assert response.status_code == 302
    letter = CommitmentLetter.objects.get()
    url = reverse("conduct:commitmentletter_scan", args=[letter.pk])
    download = township_client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(other_township_admin)
    assert client.get(url).status_code == 404


def test_one_letter_a_year(township, township_admin):
    cadre = f.CadreFactory(organization=township)
    c.commitment(cadre, 2026)
    with refused(ALL, Code.UNIQUE):
        services.save_commitment(township_admin, CommitmentLetter(cadre=cadre, year=2026, signed_on=datetime.date(2026, 2, 1)))


def test_a_letter_signed_in_the_future_is_refused(township, township_admin):
    letter = CommitmentLetter(cadre=f.CadreFactory(organization=township), year=TODAY().year,
                              signed_on=TODAY() + datetime.timedelta(days=1))
    with refused("signed_on", Code.FUTURE_DATE):
        services.save_commitment(township_admin, letter)


# --- declarations -------------------------------------------------------------------------------

def post(cadre, **kwargs):
    kwargs.setdefault("has_post", True)
    kwargs.setdefault("post_organization", "某农业合作社")
    kwargs.setdefault("post_role", "理事")
    return ConcurrentPostDeclaration(cadre=cadre, year=2026, declared_on=datetime.date(2026, 1, 5), **kwargs)


def test_a_declared_post_needs_its_organization_role_and_pay(township, township_admin):
    cadre = f.CadreFactory(organization=township)
    with pytest.raises(ValidationError) as exc:
        services.save_declaration(township_admin, post(cadre, post_organization="", post_role=""))
    assert codes(exc.value) == {"post_organization": [Code.REQUIRED], "post_role": [Code.REQUIRED]}
    with refused("pay", Code.REQUIRED):
        services.save_declaration(township_admin, post(cadre, is_paid=True))
    assert not ConcurrentPostDeclaration.objects.exists()


def test_none_and_a_post_in_the_same_year_contradict(township, township_admin):
    cadre = f.CadreFactory(organization=township)
    none = services.save_declaration(township_admin, post(cadre, has_post=False))
    assert none.decision == Decision.NOT_NEEDED and none.post_organization == ""
    with refused("has_post", Code.DECLARATION_CONFLICT):
        services.save_declaration(township_admin, post(cadre))
    assert ConcurrentPostDeclaration.objects.count() == 1


def test_the_department_decides_and_the_cadre_is_told(township, township_admin, county_admin,
                                                      django_capture_on_commit_callbacks):
    cadre = f.CadreFactory(organization=township)
    cadre_user = c.account(cadre)
    declaration = services.save_declaration(township_admin, post(cadre, is_paid=True, pay=12000))
    assert declaration.decision == Decision.PENDING
    with pytest.raises(PermissionDenied):
        services.decide_declaration(township_admin, declaration, decision=Decision.APPROVED)
    with refused("note", Code.REQUIRED):
        services.decide_declaration(county_admin, declaration, decision=Decision.REFUSED)
    with refused("resign_by", Code.REQUIRED):
        services.decide_declaration(county_admin, declaration, decision=Decision.MUST_RESIGN)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_declaration(county_admin, declaration, decision=Decision.MUST_RESIGN,
                                    resign_by=TODAY() + datetime.timedelta(days=30), note="限期辞去")
    declaration.refresh_from_db()
    assert declaration.decision == Decision.MUST_RESIGN and declaration.decided_by == county_admin
    assert Notification.objects.filter(user=cadre_user, key__contains="declaration").exists()


def test_a_decided_declaration_is_not_changed(township, township_admin, county_admin):
    declaration = services.save_declaration(township_admin, post(f.CadreFactory(organization=township)))
    services.decide_declaration(county_admin, declaration, decision=Decision.REFUSED, note="与职责冲突")
    declaration = ConcurrentPostDeclaration.objects.get(pk=declaration.pk)
    declaration.post_role = "顾问"
    with refused(ALL, Code.WRONG_STATE):
        services.save_declaration(township_admin, declaration)
    assert ConcurrentPostDeclaration.objects.get(pk=declaration.pk).post_role == "理事"


def test_a_cadre_declares_for_themselves_only(township):
    cadre, other = f.CadreFactory(organization=township), f.CadreFactory(organization=township)
    user = c.account(cadre)
    services.save_declaration(user, post(cadre, has_post=False))
    with pytest.raises(PermissionDenied):
        services.save_declaration(user, post(other, has_post=False))


# --- violations ---------------------------------------------------------------------------------

def test_a_spot_check_records_a_candidate(township, county_admin):
    cadre = f.CadreFactory(organization=township)
    violation = services.record_violation_candidate(
        cadre=cadre, occurred_on=TODAY(), facts="夜间抽查，值班干部不在岗", source="spot check", user=county_admin)
    assert violation.status == Violation.Status.CANDIDATE and violation.rule is None
    assert violation.history.get().history_user == county_admin


def test_a_candidate_needs_facts_and_a_user_in_scope(township, other_township_admin):
    cadre = f.CadreFactory(organization=township)
    with pytest.raises(PermissionDenied):
        services.record_violation_candidate(cadre=cadre, occurred_on=TODAY(), facts="x", source="spot check",
                                            user=other_township_admin)
    with refused("facts", Code.REQUIRED):
        services.record_violation_candidate(cadre=cadre, occurred_on=TODAY(), facts=" ", source="spot check",
                                            user=c.county_user())
    assert not Violation.objects.exists()


def test_the_department_confirms_or_dismisses(township, township_admin, county_admin):
    violation = c.violation(f.CadreFactory(organization=township))
    with pytest.raises(PermissionDenied):
        services.decide_violation(township_admin, violation, status=Violation.Status.CONFIRMED, decision="诫勉谈话",
                                  decision_body="县委组织部")
    with refused("decision_body", Code.REQUIRED):
        services.decide_violation(county_admin, violation, status=Violation.Status.CONFIRMED, decision="诫勉谈话")
    with refused("decided_on", Code.DATE_ORDER):
        services.decide_violation(county_admin, violation, status=Violation.Status.CONFIRMED, decision="诫勉谈话",
                                  decision_body="县委组织部", decided_on=violation.occurred_on - datetime.timedelta(days=1))
    services.decide_violation(county_admin, violation, status=Violation.Status.CONFIRMED, decision="诫勉谈话",
                              decision_body="县委组织部")
    violation.refresh_from_db()
    assert (violation.status, violation.decision, violation.decision_body) == ("confirmed", "诫勉谈话", "县委组织部")
    assert violation.decided_on == TODAY() and violation.decided_by == county_admin


def test_a_violation_in_the_future_is_refused(township, county_admin):
    with refused("occurred_on", Code.FUTURE_DATE):
        services.record_violation_candidate(cadre=f.CadreFactory(organization=township),
                                            occurred_on=TODAY() + datetime.timedelta(days=1), facts="x", source="",
                                            user=county_admin)


def test_nobody_but_the_department_and_the_township_sees_violations(
        township, other_township, township_client, county_client, auditor_client, client):
    cadre = f.CadreFactory(organization=township)
    own = c.violation(cadre)
    other = c.violation(f.CadreFactory(organization=other_township))
    # The cadre concerned sees nothing, not even their own record: pages, export and API.
    client.force_login(c.account(cadre))
    assert table_pks(client.get(reverse("conduct:violation_list"))) == set()
    assert len(xlsx_rows(client.get(reverse("conduct:violation_list"), {"_export": "xlsx"}))) == 1
    assert client.get(own.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/conduct/violations/{own.pk}/").status_code == 404
    assert client.get("/api/v1/conduct/violations/").json()["count"] == 0
    # The township sees its own; the county both; the audit administrator none (三员分立).
    assert table_pks(township_client.get(reverse("conduct:violation_list"))) == {own.pk}
    assert township_client.get(other.get_absolute_url()).status_code == 404
    assert table_pks(county_client.get(reverse("conduct:violation_list"))) == {own.pk, other.pk}
    assert auditor_client.get(reverse("conduct:violation_list")).status_code == 403
    assert auditor_client.get("/api/v1/conduct/violations/").status_code == 403


def test_only_the_department_sees_the_decision_form(township, township_client, county_client):
    violation = c.violation(f.CadreFactory(organization=township))
    decide = reverse("conduct:violation_decide", args=[violation.pk])
    assert decide in county_client.get(violation.get_absolute_url()).content.decode()
    assert decide not in township_client.get(violation.get_absolute_url()).content.decode()
    response = township_client.post(decide, {"decide-status": "dismissed", "decide-decided_on": TODAY().isoformat()},
                                    follow=True)
    assert "Only the county organization department decides on violations." in response.content.decode()
    assert Violation.objects.get(pk=violation.pk).status == Violation.Status.CANDIDATE


# --- who has not signed or declared -------------------------------------------------------------

def test_the_list_of_who_has_not_signed_or_declared(county, township, other_township, county_client, township_client):
    year = TODAY().year
    signed_and_declared, only_signed, only_declared, neither = (f.CadreFactory(organization=township) for _ in range(4))
    far = f.CadreFactory(organization=other_township)
    archived = f.CadreFactory(organization=township, status="archived")
    department_staff = f.CadreFactory(organization=f.DepartmentFactory(parent=county))  # not in the programme
    for cadre in (signed_and_declared, only_signed):
        c.commitment(cadre, year)
    for cadre in (signed_and_declared, only_declared):
        c.declaration(cadre, year)
    c.commitment(neither, year - 1)  # last year's letter does not count
    url = reverse("conduct:missing_list")
    assert table_pks(township_client.get(url)) == {only_signed.pk, only_declared.pk, neither.pk}
    assert table_pks(township_client.get(url, {"missing": "commitment"})) == {only_declared.pk, neither.pk}
    assert table_pks(township_client.get(url, {"missing": "declaration"})) == {only_signed.pk, neither.pk}
    assert table_pks(county_client.get(url)) == {only_signed.pk, only_declared.pk, neither.pk, far.pk}
    assert archived.pk not in table_pks(county_client.get(url))
    assert department_staff.pk not in table_pks(county_client.get(url))
    assert township_client.get(url).context["filter"].form["missing"].value() in (None, "", "either")
    summary = metrics.signing_summary(township_client.get(url).wsgi_request.user, year)
    assert summary == {"cadres": 4, "signed": 2, "declared": 2, "missing_either": 3}
    rows = xlsx_rows(township_client.get(url, {"_export": "xlsx"}))
    assert sorted(r[0] for r in rows[1:]) == sorted([only_signed.name, only_declared.name, neither.name])
    # Last year only `neither` signed, and nobody declared.
    assert table_pks(township_client.get(url, {"year": year - 1, "missing": "commitment"})) == {
        signed_and_declared.pk, only_signed.pk, only_declared.pk}
    assert len(table_pks(township_client.get(url, {"year": year - 1}))) == 4
