"""API cases of the 干部任免审批表 in and out (tests/core/test_api_generic.py): the import into a unit (a form without a photo: nothing is stored),
and the downloads of a cadre's, a team's and a list's forms."""
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banzi.core.roles import Role
from banzi.org.models import Cadre
from tests import factories as f
from tests.api import ActionCase, ReadCase, register_action, register_read

from .lrmx_helpers import fixture


def _unit(township):
    return township, f.UserFactory(role=Role.TOWNSHIP_ADMIN, organization=township)


register_action(ActionCase(
    url_name="cadres-lrmx-unit-import-forms",
    prepare=_unit,
    data=lambda record: {"files": [SimpleUploadedFile("zhao.lrmx", fixture("zhao_li_awkward.lrmx"))]},
    format="multipart",
    status=201,
    done=lambda record: Cadre.objects.filter(organization=record, name="赵丽").exists(),
))


def _cadre_url(name):
    return lambda township: reverse(name, args=[f.CadreFactory(organization=township).pk])


def _team_url(name):
    def url(township):
        membership = f.TeamMembershipFactory(team=f.TeamFactory(township=township))
        return reverse(name, args=[membership.team_id])
    return url


register_read(ReadCase(url_name="cadres-lrmx-cadre-lrmx", url=_cadre_url("cadres-lrmx-cadre-lrmx")))
register_read(ReadCase(url_name="cadres-lrmx-cadre-form", url=_cadre_url("cadres-lrmx-cadre-form")))
register_read(ReadCase(url_name="cadres-lrmx-team-lrmx", url=_team_url("cadres-lrmx-team-lrmx")))
register_read(ReadCase(url_name="cadres-lrmx-team-form", url=_team_url("cadres-lrmx-team-form")))
register_read(ReadCase(url_name="cadres-lrmx-cadre-list-lrmx",
                       url=lambda township: f.CadreFactory(organization=township) and reverse(
                           "cadres-lrmx-cadre-list-lrmx")))
register_read(ReadCase(url_name="cadres-lrmx-cadre-list-forms",
                       url=lambda township: f.CadreFactory(organization=township) and reverse(
                           "cadres-lrmx-cadre-list-forms")))
