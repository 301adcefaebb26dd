"""The tasks demo: work lists for every current team member, supervised items in every state, a
ring of cross-inspections, a look-back review; deterministic and idempotent."""
import datetime

import pytest

from banzi.core import clock
from banzi.core.roles import Role
from banzi.tasks import clock13710, metrics
from banzi.tasks.demo import load_tasks_demo
from banzi.tasks.models import Inspection, Milestone, Problem, SupervisedItem, Task, TaskReview, WorkList
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_with_teams(county):
    today = clock.today()
    townships = [f.TownshipFactory(name=name, parent=county, sort_order=n) for n, name in
                 enumerate(("襄陵镇", "新城镇", "赵康镇"))]
    for township in townships:
        team = f.TeamFactory(township=township, elected_on=today - datetime.timedelta(days=400))
        for n in range(2):
            f.TeamMembershipFactory(team=team, started_on=team.elected_on, sort_order=n,
                                    position=f.PositionFactory(name=("党委书记", "组织委员")[n]))
    f.UserFactory(username="county_admin", role=Role.COUNTY_ADMIN)
    return townships


def test_demo_work_for_every_member_and_every_state(county_with_teams):
    created = load_tasks_demo()
    assert created["work lists"] == WorkList.objects.count() == 6
    per_list = [wl.tasks.count() for wl in WorkList.objects.all()]
    assert all(3 <= n <= 5 for n in per_list)
    assert Milestone.objects.count() == 2 * Task.objects.count()
    statuses = set(SupervisedItem.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in SupervisedItem.Status}
    major = SupervisedItem.objects.get(item_class=SupervisedItem.ItemClass.MAJOR)
    assert major.timetable_due_on and any(s.name.startswith("monthly") for s in clock13710.stages(major))
    items = SupervisedItem.objects.prefetch_related("reports")
    batch = clock13710.Clock.for_items(list(items))
    assert clock13710.ITEM_OVERDUE in {batch.item_state(i) for i in items}
    # The ring: each township inspects the next and is inspected once, never by itself.
    pairs = set(Inspection.objects.values_list("inspecting_organization__name", "organization__name"))
    assert pairs == {("襄陵镇", "新城镇"), ("新城镇", "赵康镇"), ("赵康镇", "襄陵镇")}
    assert Problem.objects.filter(source=Problem.Source.INSPECTION).count() == 6
    assert Problem.objects.filter(status=Problem.Status.CLOSED).exists()
    due = Task.objects.filter(deadline__lt=clock.today(), deadline__year=clock.today().year).count()
    assert TaskReview.objects.count() == due
    gaps = TaskReview.objects.exclude(outcome=TaskReview.Outcome.ACHIEVED).count()
    assert Problem.objects.filter(source=Problem.Source.REVIEW).count() == gaps
    county_admin = f.UserFactory(username="viewer", role=Role.COUNTY_ADMIN)
    assert metrics.battle_map(county_admin)["total"] == Task.objects.count() + SupervisedItem.objects.count()


def test_demo_is_idempotent_and_deterministic(county_with_teams):
    load_tasks_demo()
    snapshot = sorted(Task.objects.values_list("title", "responsible__name", "deadline", "progress", "status"))
    counts = (Task.objects.count(), SupervisedItem.objects.count(), Problem.objects.count(), Inspection.objects.count())
    assert not load_tasks_demo()
    assert (Task.objects.count(), SupervisedItem.objects.count(), Problem.objects.count(),
            Inspection.objects.count()) == counts
    assert sorted(Task.objects.values_list("title", "responsible__name", "deadline", "progress", "status")) == snapshot


def test_without_a_county_user_nothing_is_loaded(county):
    assert not load_tasks_demo()
    assert not Task.objects.exists()
