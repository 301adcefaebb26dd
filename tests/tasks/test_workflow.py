"""The lifecycles of work implementation as their tables declare them (tasks/workflow.py): a step the
state does not allow is refused with its reason and changes nothing; a user the table does not name
is refused, on the page, in the API and in the service; the item and problem pages offer exactly the
steps their viewer may take now; only the organization that assigned an item edits it; and the
assignee cadre takes their own steps through the API as on the page."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied

from banzi.core.errors import Code
from banzi.core.roles import Role
from banzi.tasks import services
from banzi.tasks.models import Problem, SupervisedItem, SupervisedReport
from banzi.tasks.workflow import ITEMS, PROBLEMS
from tests import factories as f
from tests.api import api_for
from tests.errors import ALL, refused
from tests.tasks import cases as c

pytestmark = pytest.mark.django_db

BASE = "/api/v1/tasks/supervised-items"
Status = SupervisedItem.Status


def step_urls(lifecycle, record):
    """The page URL of every step of the table that posts a form."""
    return {name: record.get_url(name) for name, step in lifecycle.steps.items()
            if name not in ("edit", "delete") and not step.link}


def assert_offers_exactly(client, lifecycle, record, expected):
    """The record's page offers these steps and no other: in its context and as forms on the page."""
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    assert set(response.context["steps"]) == expected
    body = response.content.decode()
    for name, url in step_urls(lifecycle, record).items():
        assert (f'action="{url}"' in body) == (name in expected), name


@pytest.fixture
def assignee(township):
    return f.UserFactory(role=Role.CADRE, cadre=f.CadreFactory(organization=township))


def county_item(township, county_admin, assignee, **fields):
    return c.item(township, assignee=assignee.cadre, assigned_by=county_admin,
                  assigned_at=c.now() - datetime.timedelta(hours=30), **fields)


# --- a step the state does not allow -------------------------------------------------------------

def test_a_step_the_state_does_not_allow_is_refused_and_changes_nothing(township, county_admin, assignee):
    item = county_item(township, county_admin, assignee)
    history, reports = item.history.count(), SupervisedReport.objects.count()
    with refused(ALL, Code.WRONG_STATE):
        services.close_out(county_admin, item, evidence="验收")
    with refused(ALL, Code.WRONG_STATE):
        services.reopen_item(county_admin, item, reason="复查")
    services.record_deployment(assignee, item, content="已部署")
    with refused(ALL, Code.STEP_NOT_READY):
        services.record_deployment(assignee, item, content="再次部署")
    services.mark_done(assignee, item, content="已完成")
    with refused(ALL, Code.WRONG_STATE):
        services.add_report(assignee, item, content="补报", percent=100)
    item.refresh_from_db()
    assert item.status == Status.DONE and item.closed_at is None and not item.reopenings.exists()
    # Only the deployment and the completion were recorded: the refused steps left no trace.
    assert SupervisedReport.objects.count() == reports + 2 and item.history.count() == history + 2


def test_a_step_refused_on_the_page_says_why_and_changes_nothing(township, county_admin, assignee, county_client):
    item = county_item(township, county_admin, assignee)
    response = county_client.post(item.get_url("close_out"), {"close_out-evidence": "验收"}, follow=True)
    assert "Only an item reported done can be closed out." in [str(m) for m in response.context["messages"]]
    item.refresh_from_db()
    assert item.status == Status.ASSIGNED and item.close_evidence == ""


# --- a user the table does not name --------------------------------------------------------------

def test_a_user_the_table_does_not_name_is_refused(township, county_admin, township_admin, assignee):
    item = county_item(township, county_admin, assignee)
    with pytest.raises(PermissionDenied):
        services.file_timetable(assignee, item, due_on=c.next_year_date(), plan="分步")  # the committee's step
    services.mark_done(township_admin, item, content="已完成")
    with pytest.raises(PermissionDenied, match="Only the assigner or the county organization department"):
        services.close_out(township_admin, item, evidence="验收")
    with pytest.raises(PermissionDenied):
        services.close_out(assignee, item, evidence="验收")
    item.refresh_from_db()
    assert item.status == Status.DONE and item.closed_by is None
    services.close_out(county_admin, item, evidence="现场验收")
    assert SupervisedItem.objects.get(pk=item.pk).status == Status.CLOSED


def test_the_responsible_cadre_never_verifies_their_own_rectification(township, township_admin):
    problem = c.problem(township)
    services.submit_rectification(township_admin, problem, evidence="已整改")
    themself = f.UserFactory(role=Role.TOWNSHIP_ADMIN, organization=township, cadre=problem.responsible)
    assert not PROBLEMS.may(themself, problem, "verify") and PROBLEMS.may(township_admin, problem, "verify")
    with pytest.raises(PermissionDenied):
        services.return_problem(themself, problem, "再改")
    assert Problem.objects.get(pk=problem.pk).status == Problem.Status.SUBMITTED


# --- the buttons on the page are exactly the allowed steps ----------------------------------------

def test_the_item_page_offers_exactly_the_steps_of_its_viewer(township, county_admin, township_admin, assignee,
                                                              county_client, township_client, auditor_client,
                                                              client_for):
    item = county_item(township, county_admin, assignee)
    cadre_client = client_for(assignee)
    reporting = {"deploy", "report", "done"}
    for client in (county_client, township_client, cadre_client):
        assert_offers_exactly(client, ITEMS, item, reporting)
    assert auditor_client.get(item.get_absolute_url()).status_code == 403

    services.record_deployment(assignee, item, content="已部署")
    services.mark_done(assignee, item, content="已完成")
    assert_offers_exactly(county_client, ITEMS, item, {"close_out"})  # the assigner's
    for client in (township_client, cadre_client):
        assert_offers_exactly(client, ITEMS, item, set())

    services.close_out(county_admin, item, evidence="现场验收")
    for client in (county_client, township_client):
        assert_offers_exactly(client, ITEMS, item, {"reopen"})
    assert_offers_exactly(cadre_client, ITEMS, item, set())


def test_a_complex_item_offers_the_committee_a_timetable(township, county_admin, assignee, township_client,
                                                         client_for):
    item = county_item(township, county_admin, assignee, item_class=SupervisedItem.ItemClass.COMPLEX)
    assert_offers_exactly(township_client, ITEMS, item, {"deploy", "report", "timetable", "done"})
    assert_offers_exactly(client_for(assignee), ITEMS, item, {"deploy", "report", "done"})


def test_the_problem_page_offers_exactly_the_steps_of_its_viewer(township, township_admin, township_client,
                                                                 county_client, client_for):
    problem = c.problem(township)
    assert_offers_exactly(township_client, PROBLEMS, problem, {"start", "submit"})
    services.submit_rectification(township_admin, problem, evidence="已整改")
    for client in (township_client, county_client):
        assert_offers_exactly(client, PROBLEMS, problem, {"verify", "return"})
    themself = f.UserFactory(role=Role.TOWNSHIP_ADMIN, organization=township, cadre=problem.responsible)
    assert_offers_exactly(client_for(themself), PROBLEMS, problem, set())


# --- only the organization that assigned an item edits it ----------------------------------------

def test_a_township_does_not_edit_or_delete_an_item_the_county_assigned(township, county_admin, township_admin,
                                                                         assignee, township_client):
    item = county_item(township, county_admin, assignee)
    page = township_client.get(item.get_absolute_url())
    assert page.context["edit_url"] is None and page.context["delete_url"] is None
    assert township_client.get(item.get_url("edit")).status_code == 403
    data = {"title": "改名", "description": "", "item_class": "ordinary", "assigner_name": "",
            "organization": township.pk, "assignee": item.assignee_id, "task": "",
            "assigned_at": c.local_minute(item.assigned_at)}
    assert township_client.post(item.get_url("edit"), data).status_code == 403
    assert township_client.post(item.get_url("delete")).status_code == 403
    api = api_for(township_admin)
    response = api.patch(f"{BASE}/{item.pk}/", {"title": "改名"})
    assert response.status_code == 403 and "Only the organization that assigned" in str(response.json())
    assert api.delete(f"{BASE}/{item.pk}/").status_code == 403
    item.title = "改名"
    with pytest.raises(PermissionDenied):
        services.update_item(township_admin, item)
    item = SupervisedItem.objects.get(pk=item.pk)
    assert item.title != "改名" and item.history.count() == 1


def test_the_township_edits_its_own_items_and_the_county_every_item(township, county_admin, township_admin,
                                                                     assignee, township_client, county_client):
    own = c.item(township, assignee=assignee.cadre, assigned_by=township_admin)
    assert township_client.get(own.get_url("edit")).status_code == 200
    response = api_for(township_admin).patch(f"{BASE}/{own.pk}/", {"title": "本镇事项改名"})
    assert response.status_code == 200 and SupervisedItem.objects.get(pk=own.pk).title == "本镇事项改名"
    assert county_client.get(own.get_url("edit")).status_code == 200
    colleague = f.UserFactory(role=Role.TOWNSHIP_ADMIN, organization=township)
    assert ITEMS.may(colleague, own, "edit")  # the township's committee, not only the one who assigned it
    other = f.TownshipFactory(name="另一镇")
    stranger = f.UserFactory(role=Role.TOWNSHIP_ADMIN, organization=other)
    assert not ITEMS.may(stranger, own, "edit")


# --- the assignee through the API ------------------------------------------------------------------

def test_the_assignee_deploys_and_reports_done_through_the_api(township, county_admin, assignee):
    item = county_item(township, county_admin, assignee)
    api = api_for(assignee)
    response = api.post(f"{BASE}/{item.pk}/deploy/", {"content": "已召开部署会"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.DEPLOYED and response.json()["deployed_at"]
    response = api.post(f"{BASE}/{item.pk}/done/", {"content": "已全部办结"})
    assert response.status_code == 200 and response.json()["status"] == Status.DONE
    item.refresh_from_db()
    assert {h.history_user for h in item.history.filter(history_type="~")} == {assignee}
    # The committee's steps and the item itself stay out of reach.
    for step, data in (("close-out", {"evidence": "自行销号"}), ("file-timetable", {"due_on": "2099-01-01", "plan": "x"}),
                       ("reopen", {"reason": "x"})):
        assert api.post(f"{BASE}/{item.pk}/{step}/", data).status_code == 403, step
    assert api.patch(f"{BASE}/{item.pk}/", {"title": "改名"}).status_code == 403
    item.refresh_from_db()
    assert item.status == Status.DONE and item.closed_at is None


def test_a_cadre_who_is_not_the_assignee_cannot_deploy_or_report_done(township, county_admin, assignee):
    item = county_item(township, county_admin, assignee)
    colleague = f.UserFactory(role=Role.CADRE, cadre=f.CadreFactory(organization=township))
    api = api_for(colleague)
    assert api.post(f"{BASE}/{item.pk}/deploy/", {"content": "代为部署"}).status_code == 404
    assert api.post(f"{BASE}/{item.pk}/done/", {"content": "代为办结"}).status_code == 404
    # Even an item they may see (e.g. the assignee changed) is not theirs to report on.
    with pytest.raises(PermissionDenied):
        services.record_deployment(colleague, item, content="代为部署")
    item.refresh_from_db()
    assert item.status == Status.ASSIGNED and item.deployed_at is None and not item.reports.exists()

