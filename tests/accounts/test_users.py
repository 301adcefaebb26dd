"""The rules of a user record: a township administrator has their township, a cadre user their cadre."""
import pytest

from banzi.accounts.models import User
from banzi.core.errors import Code
from banzi.core.roles import Role
from tests import factories as f
from tests.errors import refused

pytestmark = pytest.mark.django_db


def test_a_township_user_needs_the_township_they_manage(township):
    with refused("organization", Code.REQUIRED):
        User(username="zhen", role=Role.TOWNSHIP_ADMIN).full_clean(exclude=["password"])
    User(username="zhen", role=Role.TOWNSHIP_ADMIN, organization=township).full_clean(exclude=["password"])


def test_a_cadre_user_needs_their_own_cadre_record(township):
    with refused("cadre", Code.REQUIRED):
        User(username="gb", role=Role.CADRE).full_clean(exclude=["password"])
    User(username="gb", role=Role.CADRE, cadre=f.CadreFactory(organization=township)).full_clean(exclude=["password"])
