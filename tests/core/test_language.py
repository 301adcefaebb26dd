"""The UI is Simplified Chinese by default, English on request."""
import pytest
from django.test import Client


@pytest.mark.zh
@pytest.mark.django_db
def test_default_language_is_simplified_chinese():
    response = Client().get("/accounts/login/")
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html


@pytest.mark.zh
@pytest.mark.django_db
def test_english_is_selectable():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
