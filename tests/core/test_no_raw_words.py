"""Every page a role opens speaks Chinese: in the visible text (and in titles, placeholders, labels for
screen readers) there is no identifier-like ASCII token (`team_member`, `no-concurrent-post`), no
untranslated English word or phrase, and no username. A few real abbreviations and file types are
allowed; request paths (the audit trail's), code samples (`<code>`) and the report templates' figure
placeholders ({training.person_times}) are not words.

Each role opens every page of the site that takes no argument (the lists, forms, dashboards), with a
few records in its township so that lists and filters are not empty, in Chinese as its browser asks."""
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from banzi.accounts.models import User
from tests import factories as f
from tests.second_factor import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.zh]

# Abbreviations and names people use as they are.
ALLOWED = {"xlsx", "docx", "lrmx", "zip", "Excel", "Word", "WPS", "API", "PDF", "JPEG", "PNG", "ID", "TOTP",
           "Token", "SM4", "SM3", "HMAC", "OpenAPI", "Swagger", "ReDoc", "ECharts", "IP", "UTF-8", "GBK", "CSV",
           "Bearer", "Authorization", "http", "https"}
TOKEN = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)+\b"  # team_member, no-concurrent-post
                   r"|\b[a-z]{4,}\b"  # a lower-case English word
                   r"|\b[A-Z][a-z]{2,}(?: [a-z]{2,})+\b")  # an English phrase
PATH = re.compile(r"(?:/[\w.-]+)+/?|\{[\w.]+\}")
SKIPPED = ("api", "schema", "redoc", "swagger", "set_language", "logout", "sign_out", "export", "download")


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hidden = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template", "code"):
            self.hidden += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template", "code"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def _url_names(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_names(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.converters:
            yield prefix + pattern.name


def raw_words(html, usernames):
    parser = VisibleText()
    parser.feed(html)
    text = PATH.sub(" ", " ".join(parser.parts))
    return {token for token in TOKEN.findall(text) if token not in ALLOWED and token not in usernames}


def test_the_check_finds_raw_words():
    page = '<p title="team_member">出差 days_1_to_10_years Seeded catalog 默认值：secretary</p><script>var x_y;</script>'
    assert raw_words(page, set()) == {"team_member", "days_1_to_10_years", "Seeded catalog", "secretary"}
    assert raw_words("<p>导出 .xlsx /conduct/duty-swaps/ 李四 {training.person_times}人次 <code>x_y</code></p>",
                     set()) == set()


@pytest.fixture
def records(township, county):
    team = f.TeamFactory(township=township)
    f.TeamMembershipFactory(team=team, is_head=True)
    f.TeamMembershipFactory(team=team)
    f.CadreFactory(organization=township)
    f.DepartmentFactory(parent=county)


@pytest.mark.parametrize("role", ["county_admin", "township_admin", "cadre_user", "auditor", "system_admin",
                                  "security_admin"])
def test_no_page_shows_a_raw_word(role, request, records):
    user = request.getfixturevalue(role)
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), user)  # administrators with their second factor
    usernames = set(User.objects.values_list("username", flat=True))
    found, opened = {}, []
    for name in sorted(set(_url_names())):
        if any(part in name for part in SKIPPED):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # a pattern that takes an argument (a router's regular expression)
            continue
        if url.startswith("/api/"):
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        opened.append(url)
        words = raw_words(response.content.decode(), usernames)
        if words:
            found[url] = sorted(words)
    assert not found, found
    assert len(opened) >= 5, opened  # the role's pages were opened, not sent to the sign-in page


def test_a_filter_label_follows_the_language_after_the_api_schema_read_it(rf, county_admin):
    """The API schema reads the filters' form fields on the class; a filterset built afterwards for a
    page still labels its fields in the reader's language (not "Meeting kind", not the schema's)."""
    from django.utils import translation

    from banzi.governance.filters import OrgLifeRuleFilterSet

    with translation.override("en"):
        assert OrgLifeRuleFilterSet.base_filters["meeting_kind"].field is not None  # as drf-spectacular does
    request = rf.get("/governance/org-life-rules/")
    request.user = county_admin
    labels = {name: str(field.label) for name, field in OrgLifeRuleFilterSet(data={}, request=request).form.fields.items()}
    assert labels["meeting_kind"] == "会议类型" and labels["organization_kind"] == "组织类型"
