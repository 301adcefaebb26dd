"""`manage.py generate_scale`: a synthetic province in the demo county's ratios, the same for the same seed,
never mixed into a database holding real data."""
import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from banzi.core import clock
from banzi.core.management.commands import _province
from banzi.core.models import AuditEvent
from banzi.governance import metrics as governance_metrics
from banzi.governance.models import TEAM_KINDS, Attendance, Meeting, OrgLifeRule
from banzi.org.models import Cadre, Organization, TeamMembership
from banzi.study.models import StudyAttendance, StudyRecord, StudySession
from banzi.talks.models import Talk
from banzi.tasks.models import Milestone, SupervisedItem, Task

from .. import factories as f

pytestmark = pytest.mark.django_db
RATIOS = _province.RATIOS
TOWNSHIPS = 3


def generate(townships=TOWNSHIPS, seed=5, **options):
    call_command("generate_scale", townships=townships, seed=seed, stdout=_Quiet(), **options)


class _Quiet:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def within(value, bounds):
    low, high = bounds
    return low <= value <= high


def per_township(queryset, path):
    """{township id: count} computed by the database."""
    return dict(queryset.values_list(path).annotate(n=Count("pk")).values_list(path, "n"))


def test_every_township_holds_records_in_the_stated_ratios():
    generate()
    townships = list(Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).order_by("pk"))
    assert len(townships) == TOWNSHIPS
    assert Organization.objects.filter(kind=Organization.Kind.COUNTY).count() == 1  # 13 townships to a county

    villages = per_township(Organization.objects.filter(kind=Organization.Kind.VILLAGE), "township")
    cadres = per_township(Cadre.objects.filter(organization__kind=Organization.Kind.TOWNSHIP), "organization")
    members = per_township(TeamMembership.objects.all(), "team__township")
    sessions = per_township(StudySession.objects.all(), "organization__township")
    attendances = per_township(StudyAttendance.objects.all(), "session__organization__township")
    records = per_township(StudyRecord.objects.all(), "cadre__organization")
    studying = dict(StudyRecord.objects.values_list("cadre__organization").annotate(
        n=Count("cadre", distinct=True)).values_list("cadre__organization", "n"))
    team_meetings = per_township(Meeting.objects.filter(kind__in=TEAM_KINDS), "organization")
    branch = per_township(Meeting.objects.exclude(kind__in=TEAM_KINDS), "organization__township")
    tasks = per_township(Task.objects.all(), "organization")
    milestones = per_township(Milestone.objects.all(), "task__organization")
    items = per_township(SupervisedItem.objects.all(), "organization")
    talks = per_township(Talk.objects.all(), "organization__township")
    leaders = per_township(Attendance.objects.filter(role=Attendance.Role.LEADER), "meeting__organization__township")

    yesterday = clock.today() - datetime.timedelta(days=1)
    rules = OrgLifeRule.objects.filter(is_active=True, organization_kind=Organization.Kind.VILLAGE).exclude(
        meeting_kind__in=TEAM_KINDS)
    due_per_village = sum(1 for rule in rules for period in governance_metrics.periods(rule.frequency, yesterday.year)
                          if period.start <= yesterday)
    assert due_per_village > 0

    for township in townships:
        n = members[township.pk]
        assert within(villages[township.pk], RATIOS["villages"])
        assert within(n, RATIOS["team_members"])
        assert within(cadres[township.pk], RATIOS["cadres"])
        assert within(sessions[township.pk], RATIOS["study_sessions"])
        # Members at the theory studies and lectures; 3 members and 25 staff at the staff studies, 25 staff at the
        # lectures, a guide at each village study.
        expected = n * RATIOS["study_attendances_per_member"][0] + 28 * 12 + 25 * 4 + 6
        assert attendances[township.pk] == expected
        assert studying[township.pk] == n + 5
        low, high = RATIOS["study_records_per_studying_cadre"]
        assert low * (n + 5) <= records[township.pk] <= high * (n + 5)
        assert within(team_meetings[township.pk], RATIOS["team_meetings"])
        villages_due = due_per_village * villages[township.pk]
        share = branch[township.pk] / villages_due
        assert within(share, RATIOS["branch_meetings_share"])
        assert within(tasks[township.pk] / n, RATIOS["tasks_per_member"])
        assert milestones[township.pk] == 2 * tasks[township.pk]
        assert within(items[township.pk], (RATIOS["supervised_items"]))
        low, high = RATIOS["extra_talks"]
        assert n - 1 + low <= talks[township.pk] <= n - 1 + high
        assert n <= leaders[township.pk] <= 4 * n  # each member at 1–4 branch meetings


def test_every_record_has_its_creation_history_row():
    generate(townships=1)
    for model in (Organization, Cadre, TeamMembership, StudySession, StudyAttendance, StudyRecord, Meeting,
                  Attendance, Task, Milestone, SupervisedItem, Talk):
        rows = model.objects.count()
        assert rows > 0
        assert model.history.filter(history_type="+").values("id").distinct().count() == rows, model.__name__
    # Synthetic records are not a user's changes: no audit events are made up for them (only the accounts, which
    # are created through the ORM, are audited as any account is).
    audited = set(AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).values_list("object_repr", flat=True))
    assert audited == set(_province.USERNAMES.values())


def test_the_generated_cadres_read_back_as_entered():
    generate(townships=1)
    cadre = Cadre.objects.filter(organization__kind=Organization.Kind.TOWNSHIP).order_by("pk").first()
    # The sealed ID number opens again, its fingerprint finds it, and it agrees with the birth date.
    assert Cadre.objects.get(id_number_index=Cadre.id_number_fingerprint(cadre.id_number)) == cadre
    assert cadre.id_number[6:14] == f"{cadre.birth_date:%Y%m%d}"
    assert cadre.name_pinyin
    # The township is its own township; a village belongs to its township.
    township = cadre.organization
    assert township.township_id == township.pk
    assert not Organization.objects.filter(kind=Organization.Kind.VILLAGE).exclude(township=township).exists()


def fingerprint():
    """What the province holds, without the primary keys (which differ from run to run)."""
    return {
        "cadres": list(Cadre.objects.order_by("organization__division_code", "id_number_index")
                       .values_list("organization__division_code", "name", "birth_date", "id_number_index", "post")),
        "study": list(StudyRecord.objects.values("cadre__id_number_index").annotate(
            n=Count("pk"), minutes=Sum("minutes")).order_by("cadre__id_number_index")
            .values_list("cadre__id_number_index", "n", "minutes")),
        "meetings": list(Meeting.objects.values("organization__name", "kind").annotate(
            n=Count("pk"), present=Sum("other_members_present")).order_by("organization__name", "kind")
            .values_list("organization__name", "kind", "n", "present")),
        "tasks": list(Task.objects.order_by("organization__division_code", "responsible__id_number_index", "title")
                      .values_list("organization__division_code", "title", "deadline", "progress", "status")),
        "talks": Talk.objects.aggregate(n=Count("pk"), key=Count("pk", filter=Q(reason_key_position=True))),
    }


def generated(seed):
    with transaction.atomic():
        generate(townships=2, seed=seed)
        data = fingerprint()
        transaction.set_rollback(True)
    return data


def test_the_same_seed_gives_the_same_province_and_another_seed_another():
    first = generated(7)
    assert Cadre.objects.count() == 0  # rolled back
    again = generated(7)
    assert first == again
    assert len(first["cadres"]) > 2 * 39
    other = generated(8)
    assert other["cadres"] != first["cadres"]


def test_it_refuses_a_database_holding_real_data_unless_forced():
    township = f.TownshipFactory()
    with pytest.raises(CommandError) as refused:
        generate(townships=1)
    message = str(refused.value)
    real = Organization.objects.count()  # the township and its county
    assert "拒绝生成模拟数据" in message and "refusing" in message and f"{real} organizations" in message
    assert not Organization.objects.filter(division_code__startswith=_province.PROVINCE_CODE).exists()

    generate(townships=1, force=True)
    assert Organization.objects.filter(division_code__startswith=_province.PROVINCE_CODE,
                                       kind=Organization.Kind.TOWNSHIP).count() == 1
    assert Organization.objects.filter(pk=township.pk).exists()


def test_a_second_run_adds_counties_after_the_first():
    generate(townships=1)
    generate(townships=1)  # a synthetic province is not real data: the run adds to it
    codes = sorted(Organization.objects.filter(kind=Organization.Kind.COUNTY).values_list("division_code", flat=True))
    assert codes == ["990000", "990001"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's statistics of PostgreSQL")
def test_on_postgresql_the_planner_s_statistics_of_the_loaded_rows_are_gathered():
    """After a bulk load the planner needs statistics (autovacuum gathers them on a live database, in
    its own time): without them the home page's lower-level organizational-life count took minutes at
    150 townships. The command gathers them itself."""
    def analysed(table):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = %s",
                           [table])
            return cursor.fetchone()[0]

    assert not Attendance.objects.exists() and analysed("governance_attendance") == 0
    generate()
    assert Attendance.objects.exists()
    assert analysed("governance_attendance") > 0 and analysed("org_teammembership") > 0
