"""The demo county's year-end report for the demo year reproduces the article's figures from the demo
records: 105 newly promoted cadres trained in a 3-day special training, 3 cadre lecture halls, 13
township rectification groups, 99 cadres serving 41 enterprises — each equal to a count made here
from the records, as is every other figure of the report. Loaded once for the module, as `make demo`
loads it, and rolled back after."""
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from docx import Document

from banzi.accounts.models import User
from banzi.org.models import Organization
from banzi.practice.models import Posting, RectificationGroup
from banzi.reports import report
from banzi.training.demo import demo_year
from banzi.training.models import Attendance, TrainingProgram
from tests.assessment.test_demo import _fresh_sequences
from tests.second_factor import sign_in

from .reference import REFERENCE

# Loading the whole demo takes minutes on a busy machine: more than the suite's default per-test limit.
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        _fresh_sequences()
        call_command("load_demo", stdout=StringIO())
        user = User.objects.get(username="county_admin")
        scope = report.resolve_scope(user, "county")
        period = report.resolve_period(str(demo_year()), scope)
        yield {"user": user, "scope": scope, "period": period, "report": report.build(scope, period)}
        transaction.set_rollback(True)


def _counted(period):
    """The article's figures counted here from the records, row by row."""
    start, end = period.start, period.end
    present = [a for a in Attendance.objects.select_related("session__program", "cadre")
               if a.status == Attendance.Status.PRESENT and start <= a.session.held_on <= end]
    special = [a for a in present if a.session.program.kind == TrainingProgram.Kind.SPECIAL]
    enterprise = [p for p in Posting.objects.all() if p.kind == Posting.Kind.ENTERPRISE
                  and p.started_on <= end and (p.ended_on is None or p.ended_on >= start)]
    groups = [g for g in RectificationGroup.objects.all()
              if g.started_on <= end and (g.ended_on is None or g.ended_on >= start)]
    return {
        "training.newly_promoted_trained": len({a.cadre_id for a in special if a.cadre.is_newly_promoted}),
        "training.special_training_days": len({a.session.held_on for a in special}),
        "training.lecture_halls": len({a.session.program_id for a in present
                                       if a.session.program.kind == TrainingProgram.Kind.LECTURE_HALL}),
        "practice.rectification_groups": len(groups),
        "practice.rectification_townships": len({g.township_id for g in groups}),
        "practice.enterprise_cadres": len({p.cadre_id for p in enterprise}),
        "practice.enterprises_served": len({p.organization_id for p in enterprise}),
    }


ARTICLE = {
    "training.newly_promoted_trained": 105, "training.special_training_days": 3, "training.lecture_halls": 3,
    "practice.rectification_groups": 13, "practice.rectification_townships": 13,
    "practice.enterprise_cadres": 99, "practice.enterprises_served": 41,
}


def test_the_demo_years_report_shows_the_articles_figures_as_the_records_count_them(demo, db):
    values = demo["report"].values
    counted = _counted(demo["period"])
    for key, expected in ARTICLE.items():
        assert values[key].value == counted[key] == expected, key
    assert Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).count() == 13


def test_every_figure_of_the_demo_report_equals_the_records_row_by_row(demo, db):
    period = demo["period"]
    for key, value in demo["report"].values.items():
        assert value.value == REFERENCE[key](None, period.start, period.end), key
    assert demo["report"].has_records


def test_the_paragraphs_read_as_the_article(demo, db):
    text = "".join(p.text for p in demo["report"].paragraphs)
    assert "105名新提拔乡镇干部进行了为期3天的专题培训" in text
    assert "先后举办3期干部大讲堂" in text
    assert "13个乡镇分别成立集中整顿工作组" in text
    assert "选派99名领导干部、后备干部入驻41个企业" in text


@pytest.mark.zh
def test_the_county_downloads_the_demo_years_report(demo, db, client):
    client = sign_in(client, demo["user"])
    year = demo["period"].value
    page = client.get(f"/reports/view/?scope=county&period={year}")
    assert page.status_code == 200
    assert 'data-figure="training.newly_promoted_trained">105<' in page.content.decode()
    response = client.get(f"/reports/download/?scope=county&period={year}")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "乡镇领导班子思想政治建设工作总结" in document.paragraphs[0].text
    assert "一、强化培训实践，提升综合素质" in text and "三、从严监督管理，改进工作作风" in text
    assert "对105名新提拔乡镇干部进行了为期3天的专题培训" in text and "入驻41个企业" in text
    assert "县委：" in text


def test_a_township_gets_its_own_townships_demo_report(demo, db):
    township = Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).order_by("sort_order", "name").first()
    admin = User.objects.filter(role="township_admin", organization=township).first()
    assert admin is not None
    scope = report.resolve_scope(admin, "")
    built = report.build(scope, report.resolve_period(demo["period"].value, scope))
    assert built.scope.township == township
    period = demo["period"]
    for key, value in built.values.items():
        assert value.value == REFERENCE[key]([township.pk], period.start, period.end), key
    assert built.values["practice.rectification_groups"].value == 1


def test_the_demo_years_report_tells_its_group_study_and_organizational_life(demo, db):
    values = demo["report"].values
    period = demo["period"]
    for key in ("study.sessions", "study.committee_theory_sessions", "study.person_times", "governance.org_life_rate"):
        assert values[key].value == REFERENCE[key](None, period.start, period.end), key
        assert values[key].value, key  # the demo records group study and meetings in its year
    text = "".join(p.text for p in demo["report"].paragraphs)
    assert f"本期共组织集体学习{values['study.sessions'].value}次" in text
    assert f"按期召开的占{values['governance.org_life_rate'].value}%" in text
