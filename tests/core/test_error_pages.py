"""The error pages with DEBUG off: 400, 403, 404, 500 and a refused CSRF check answer with their status, in
Chinese for users (English when asked), with a way back home; under /api/ they answer the API's JSON error
shape; the 500 page needs neither the request's context nor the database."""
import json

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory
from django.urls import path, reverse

from banzi.core import error_views
from banzi.urls import handler400, handler403, handler404, handler500  # noqa: F401  (this URLconf's handlers)
from banzi.urls import urlpatterns as site_urls


def boom(request):
    raise RuntimeError("a bug")


def suspicious(request):
    raise SuspiciousOperation("a forged request")


def denied(request):
    raise PermissionDenied("Only the county may close this item.")


# The site's URLs with three views that fail, for the tests marked `urls(__name__)`.
urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/suspicious/", suspicious),
    path("test-errors/denied/", denied),
    path("api/test-errors/boom/", boom),
    path("api/test-errors/denied/", denied),
    *site_urls,
]

ZH = {
    400: ("请求有误", "无法理解该请求"),
    403: ("拒绝访问", "县委组织部"),
    404: ("页面不存在", "您访问的页面不存在"),
    500: ("系统出错了", "系统管理员"),
    "csrf": ("页面已过期", "重新加载页面"),
}
EN = {
    400: ("Bad request", "could not be understood"),
    403: ("Access denied", "ask the county organization department"),
    404: ("Page not found", "does not exist"),
    500: ("Something went wrong", "tell the system administrator"),
    "csrf": ("The form has expired", "reload the page"),
}


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def anonymous():
    client = Client(raise_request_exception=False)
    return client


def page(client, url, status, *, post=None):
    response = client.post(url, post) if post is not None else client.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'href="/"' in html  # the way back home
    assert response["Content-Security-Policy"]
    return html


def fetch_every_error(client_for_pages):
    """Each error page as a visitor meets it: {status or "csrf": html}."""
    csrf_client = Client(enforce_csrf_checks=True)
    return {
        400: page(client_for_pages, "/test-errors/suspicious/", 400),
        403: page(client_for_pages, "/test-errors/denied/", 403),
        404: page(client_for_pages, "/no-such-page/", 404),
        500: page(client_for_pages, "/test-errors/boom/", 500),
        "csrf": page(csrf_client, reverse("login"), 403, post={"username": "x", "password": "y"}),
    }


@pytest.mark.zh
@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_each_error_page_in_chinese():
    pages = fetch_every_error(anonymous())
    for key, (title, text) in ZH.items():
        assert title in pages[key], key
        assert text in pages[key], key
        assert "返回首页" in pages[key], key
        assert '<html lang="zh-hans">' in pages[key], key


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_each_error_page_in_english_when_asked():
    pages = fetch_every_error(anonymous())
    for key, (title, text) in EN.items():
        assert title in pages[key] and text in pages[key], key
        assert "Back to the home page" in pages[key], key


@pytest.mark.zh
@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_pages_in_the_site_layout_and_standalone(county_client):
    county_client.raise_request_exception = False
    for url, status in (("/no-such-page/", 404), ("/test-errors/denied/", 403)):
        html = page(county_client, url, status)
        assert 'id="navbar-menu"' in html  # the signed-in user keeps the menu
    for url, status in (("/test-errors/boom/", 500), ("/test-errors/suspicious/", 400)):
        html = page(county_client, url, status)
        assert "navbar" not in html and "tabler.min.css" in html


@pytest.mark.zh
@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_refusal_says_why(county_client):
    assert "Only the county may close this item." in page(county_client, "/test-errors/denied/", 403)


@pytest.mark.zh
@pytest.mark.django_db
def test_the_site_declares_the_handlers(cadre_client):
    """Without the test URLconf: banzi/urls.py's own handlers answer."""
    assert "页面不存在" in page(cadre_client, "/no-such-page/", 404)
    assert "拒绝访问" in page(cadre_client, reverse("org:cadre_import"), 403)


def test_the_500_page_needs_no_database_nor_context():
    """No django_db mark: any query here would fail the test."""
    response = error_views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url, status, code", [
    ("/api/v1/no-such-endpoint/", 404, "not_found"),
    ("/api/test-errors/boom/", 500, "server_error"),
    ("/api/test-errors/denied/", 403, "permission_denied"),
])
def test_api_errors_stay_json(county_client, url, status, code):
    county_client.raise_request_exception = False
    response = county_client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"][0]["code"] == code


def test_a_refused_csrf_check_under_the_api_is_json():
    response = error_views.csrf_failure(RequestFactory().post("/api/v1/org/cadres/"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert json.loads(response.content) == {"detail": [{"message": "CSRF check failed: reload the page and send the request again.",
                                           "code": "csrf_failed"}]}
    response = error_views.bad_request(RequestFactory().get("/api/v1/org/cadres/"))
    assert response.status_code == 400 and json.loads(response.content)["detail"][0]["code"] == "bad_request"
