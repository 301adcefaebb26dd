"""Shared fixtures: two townships with records, and a user of every role."""
import pytest
from django.test import Client
from django.utils import translation

from banzi.core.roles import Role

from . import factories as f


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests log in many users; the production hasher's deliberate slowness only costs time here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english(request, settings):
    """Tests read messages in English, so they check what is said, not the catalog's wording.
    Tests marked `zh` run with the Chinese default that users get (and the browser asks for Chinese)."""
    language = "zh-hans" if request.node.get_closest_marker("zh") else "en"
    settings.LANGUAGE_CODE = language
    with translation.override(language):
        yield


@pytest.fixture
def county(db):
    return f.CountyFactory()


@pytest.fixture
def township(county):
    return f.TownshipFactory(name="新城镇", parent=county)


@pytest.fixture
def other_township(county):
    return f.TownshipFactory(name="赵康镇", parent=county)


@pytest.fixture
def county_admin(county):
    return f.UserFactory(username="county", role=Role.COUNTY_ADMIN)


@pytest.fixture
def township_admin(township):
    return f.UserFactory(username="township", role=Role.TOWNSHIP_ADMIN, organization=township)


@pytest.fixture
def other_township_admin(other_township):
    return f.UserFactory(username="other", role=Role.TOWNSHIP_ADMIN, organization=other_township)


@pytest.fixture
def auditor(county):
    return f.UserFactory(username="auditor", role=Role.AUDITOR)


@pytest.fixture
def cadre_user(township):
    cadre = f.CadreFactory(organization=township, name="李四")
    return f.UserFactory(username="cadre", role=Role.CADRE, cadre=cadre)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def county_client(county_admin):
    return _client(county_admin)


@pytest.fixture
def township_client(township_admin):
    return _client(township_admin)


@pytest.fixture
def auditor_client(auditor):
    return _client(auditor)


@pytest.fixture
def cadre_client(cadre_user):
    return _client(cadre_user)


@pytest.fixture
def client_for():
    return _client
