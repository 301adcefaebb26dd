"""API cases of the registry's workflow actions (tests/core/test_api_generic.py)."""
from banzi.core import clock
from banzi.core.roles import Role
from banzi.org.models import Cadre
from tests import factories as f
from tests.api import ActionCase, ReadCase, register_action, register_read

_users = iter(range(1, 10**6))


def township_user(township):
    return f.UserFactory(username=f"org-township{next(_users)}", role=Role.TOWNSHIP_ADMIN, organization=township)


register_action(ActionCase(
    url_name="org-cadre-archive",
    prepare=lambda township: (f.CadreFactory(organization=township), township_user(township)),
    data=lambda cadre: {"reason": "调离本县"},
    done=lambda cadre: (cadre.status == Cadre.Status.ARCHIVED and cadre.archived_on == clock.today()),
))
register_action(ActionCase(
    url_name="org-cadre-restore",
    prepare=lambda township: (f.CadreFactory(organization=township, status=Cadre.Status.ARCHIVED,
                                             archived_on=clock.today()), township_user(township)),
    done=lambda cadre: cadre.status == Cadre.Status.ACTIVE,
))


def _structured_member(township):
    """A member of the township's current team (the team made once): the structure figures count them."""
    from banzi.org.models import Team

    team = Team.objects.filter(township=township).order_by("-elected_on").first() or f.TeamFactory(township=township)
    return f.TeamMembershipFactory(team=team, cadre=f.CadreFactory(organization=township, gender=Cadre.Gender.FEMALE))


register_read(ReadCase(
    url_name="org-structure",
    url=lambda township: "/api/v1/org/structure/",
    make=_structured_member,
))
