"""Record builders of the assessment tests: assessments, assessees, and cadres whose records rule
out nothing (commitment letter signed in time, the year's training done)."""
import datetime
import itertools
from decimal import Decimal

from banzi.assessment.models import Assessee, Assessment, EvaluationGroup
from banzi.conduct.models import CommitmentLetter
from banzi.org.models import Organization
from tests import factories as f
from tests.training import factories as tf

_seq = itertools.count(1)
YEAR = 2026
D = datetime.date


def n():
    return next(_seq)


def assessment(organization=None, **fields):
    """The 2026 annual assessment run by the county (a quarterly one run by a township when the
    organization is a township)."""
    organization = organization or Organization.objects.filter(kind=Organization.Kind.COUNTY).first() \
        or f.CountyFactory()
    quarterly = organization.kind == Organization.Kind.TOWNSHIP
    fields.setdefault("kind", Assessment.Kind.QUARTERLY if quarterly else Assessment.Kind.ANNUAL)
    if fields["kind"] == Assessment.Kind.QUARTERLY:
        fields.setdefault("quarter", 3)
        fields.setdefault("starts_on", D(YEAR, 7, 1))
        fields.setdefault("ends_on", D(YEAR, 9, 30))
    fields.setdefault("title", f"{YEAR}年度考核{n()}")
    fields.setdefault("year", YEAR)
    fields.setdefault("starts_on", D(YEAR, 1, 1))
    fields.setdefault("ends_on", D(YEAR, 12, 31))
    return Assessment.objects.create(organization=organization, **fields)


def assessee(parent, township, cadre=None, **fields):
    fields.setdefault("category", Assessee.Category.GENERAL_CADRE)
    if fields["category"] == Assessee.Category.TEAM:
        fields.setdefault("team", f.TeamFactory(township=township))
    else:
        fields["cadre"] = cadre or f.CadreFactory(organization=township)
    return Assessee.objects.create(assessment=parent, unit=township, **fields)


_session = {}


def clean_record(cadre, year=YEAR):
    """Nothing rules this cadre out of excellent: the commitment letter signed in January and the
    year's 90 credit hours of training (one long session, written directly for brevity)."""
    CommitmentLetter.objects.get_or_create(cadre=cadre, year=year, defaults={"signed_on": D(year, 1, 15)})
    key = (cadre.organization.township_id, year)
    sess = _session.get(key)
    if sess is None or not type(sess).objects.filter(pk=sess.pk).exists():
        prog = tf.program(cadre.organization.township, start_on=D(year, 3, 10), end_on=D(year, 3, 14))
        sess = _session[key] = tf.session(prog, hours=Decimal("90"))
    tf.attend(sess, cadre)
    return cadre


def unit_of(parent, township, count, *, clean=True, category=Assessee.Category.GENERAL_CADRE):
    """`count` cadres of the township assessed in `parent`, each with a clean record."""
    people = []
    for _i in range(count):
        cadre = f.CadreFactory(organization=township)
        if clean:
            clean_record(cadre, parent.year)
        people.append(assessee(parent, township, cadre, category=category))
    return people


def groups(parent, township, weights=None):
    weights = weights or {"team_members": 40, "subordinate_heads": 30, "cadre_representatives": 20,
                          "public_representatives": 10}
    return {kind: EvaluationGroup.objects.create(assessment=parent, unit=township, kind=kind, weight=weight)
            for kind, weight in weights.items()}


def confirmed_result(township, grade=None, category=Assessee.Category.GENERAL_CADRE, cadre=None, year=YEAR,
                     status=Assessment.Status.CONFIRMED, parent=None):
    """A confirmed annual result (excellent, or good for a team) in a confirmed annual assessment of `year`."""
    from banzi.assessment.models import Grade

    parent = parent or Assessment.objects.filter(kind=Assessment.Kind.ANNUAL, year=year, status=status).first() \
        or assessment(year=year, status=status, starts_on=D(year, 1, 1), ends_on=D(year, 12, 31))
    grade = grade or (Grade.GOOD if category == Assessee.Category.TEAM else Grade.EXCELLENT)
    return assessee(parent, township, cadre, category=category, proposed_grade=grade, confirmed_grade=grade,
                    confirmed_on=D(year, 12, 20))


def award(township, kind=None, cadre=None, status=None, year=YEAR, **fields):
    """A nomination (or, with status "decided", a decided award) of a general cadre's confirmed excellent."""
    from banzi.assessment.models import Award

    result = confirmed_result(township, cadre=cadre, year=year,
                              status=Assessment.Status.PUBLISHED if status == Award.Status.DECIDED else
                              Assessment.Status.CONFIRMED)
    fields.setdefault("reason", "全年工作业绩突出，群众认可度高。")
    extra = {"decided_on": D(year, 12, 28)} if status == Award.Status.DECIDED else {}
    return Award.objects.create(assessment=result.assessment, assessee=result, kind=kind or Award.Kind.GOOD_BACKBONE,
                                status=status or Award.Status.NOMINATED, **extra, **fields)
