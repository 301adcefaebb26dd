"""The workflow machinery in core: every lifecycle table is complete and says why a step is refused,
every step it declares has its page view and its API action, and one user action is one durable
transaction that cannot be chained inside another."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, get_resolver, reverse

from banzi.core import services, workflow
from banzi.core.api import ScopedModelViewSet
from banzi.core.views import StepView
from banzi.org.models import Organization
from tests import factories as f
from tests.generic import case_for

pytestmark = pytest.mark.django_db

GENERIC = ("edit", "delete")


def lifecycles():
    return sorted(workflow._lifecycles.values(), key=lambda lifecycle: lifecycle.model._meta.label)


def refused_states(lifecycle):
    """(step, state) for every state a step may not be taken from, in the model's own choices."""
    choices = lifecycle.model._meta.get_field(lifecycle.field).choices
    return [(step, state) for step in lifecycle.steps.values() if step.sources
            for state, _label in choices if state not in step.sources]


STATE_TABLES = [lifecycle for lifecycle in lifecycles() if isinstance(lifecycle.field, str)]


def test_the_lifecycles_of_the_issue_are_declared():
    declared = {lifecycle.model._meta.label_lower for lifecycle in lifecycles()}
    assert {"tasks.superviseditem", "tasks.problem", "tasks.task", "conduct.leaverequest", "conduct.outingreport",
            "conduct.concurrentpostdeclaration", "conduct.violation", "conduct.dutyroster", "conduct.dutyswap",
            "governance.agendaitem"} <= declared


@pytest.mark.parametrize("lifecycle", STATE_TABLES, ids=lambda lc: lc.model._meta.label_lower)
def test_every_refused_state_is_explained(lifecycle, township):
    """Each step refused from a state says so in words (its own message, or the generic one), with
    every placeholder filled in; and a user in the state table's state gets ValidationError."""
    record = case_for(lifecycle.model).make(township)
    for step, state in refused_states(lifecycle):
        setattr(record, lifecycle.field, state)
        message = str(lifecycle.refusal(record, step.name))
        assert message and "%(" not in message, (step.name, state, message)
        with pytest.raises(ValidationError):
            lifecycle.check(f.UserFactory(role="county_admin"), record, step.name)


@pytest.mark.parametrize("lifecycle", lifecycles(), ids=lambda lc: lc.model._meta.label_lower)
def test_every_step_has_its_page(lifecycle):
    """A step the page offers posts to the step view `<app>:<model>_<step>` that takes that step."""
    for step in lifecycle.steps.values():
        if step.name in GENERIC or step.link:
            continue
        try:
            url = reverse(lifecycle.model.url_name(step.name), args=[1])
        except NoReverseMatch:
            pytest.fail(f"{lifecycle.model.__name__}: no page for the step {step.name}")
        view = get_resolver().resolve(url).func.view_class
        assert issubclass(view, StepView) and view.step == step.name, url


def _api_actions():
    """(viewset, action name, step) of every API action declared as a workflow step."""
    found = []

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns)
            else:
                cls = getattr(pattern.callback, "cls", None)
                if cls is not None and issubclass(cls, ScopedModelViewSet):
                    yield cls, pattern.callback.initkwargs
    for cls, initkwargs in walk(get_resolver().url_patterns):
        if initkwargs.get("step"):
            found.append((cls, initkwargs["step"]))
    return found


def test_every_api_step_is_a_step_of_the_table():
    actions = _api_actions()
    assert len(actions) > 20
    for cls, step in actions:
        lifecycle = workflow.for_model(cls.queryset.model)
        assert lifecycle is not None and step in lifecycle, (cls.__name__, step)


def test_the_tables_actors_decide_who_may_take_a_step(township, township_admin):
    lifecycle = workflow.Lifecycle(
        Organization, workflow.Step("close", "Close", ("open",), "closed", actors=workflow.COUNTY),
        field=lambda org: "open")
    with pytest.raises(PermissionDenied):
        lifecycle.check(township_admin, township, "close")
    assert lifecycle.available(township_admin, township) == []
    assert [s.name for s in lifecycle.available(f.UserFactory(role="county_admin"), township)] == ["close"]


def test_one_action_is_one_durable_transaction(township, county_admin):
    """An action cannot be run inside another's transaction: a page that needs two services needs one
    service that does both, so that a refusal half-way leaves nothing behind."""
    renamed = []

    def rename(user, org, name):
        org.name = name
        renamed.append(services.save_object(user, org))

    services.run(rename, county_admin, township, "新名字")
    assert renamed and Organization.objects.get(pk=township.pk).name == "新名字"
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        services.run(rename, county_admin, township, "又一个名字")
