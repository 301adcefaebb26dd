"""The Content-Security-Policy: every HTML page carries it, its script-src never allows inline script or eval,
the API docs alone add a nonce for their start-up script, and no template holds an inline script or an
on*= handler (read from the template files, so a new one fails here before any browser sees it)."""
import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "banzi" / "templates", *sorted((ROOT / "banzi").glob("*/templates"))]
# The one script body allowed in a template: Swagger UI's start-up, under django-csp's nonce (core/api_urls.py).
NONCED_SCRIPTS = {"core/api_swagger.html"}

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.DOTALL)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def policy(response):
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(directives, *, nonce=False, style_elements=False):
    assert directives["default-src"] == ["'self'"]
    script = directives["script-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert script[0] == "'self'"
    if nonce:
        assert len(script) == 2 and re.fullmatch(r"'nonce-[A-Za-z0-9+/=]{16,}'", script[1])
    else:
        assert script == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["style-src"] == ["'self'"]
    assert directives["style-src-elem"] == (["'self'", "'unsafe-inline'"] if style_elements else ["'self'"])
    assert directives["style-src-attr"] == ["'unsafe-inline'"]


def simple_page_urls():
    """Every GET page of the site that takes no argument in its path."""
    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and not pattern.pattern.converters:
                route = prefix + str(pattern.pattern)
                if "(" not in route and "<" not in route and "^" not in route and "\\" not in route:
                    yield "/" + route
    return sorted({u for u in walk(get_resolver(), "") if not u.startswith(("/admin/", "/i18n/"))})


@pytest.mark.django_db
def test_every_html_page_carries_the_strict_policy(county_client):
    county_client.raise_request_exception = False
    urls = simple_page_urls()
    assert len(urls) > 40
    html_pages = 0
    for url in urls:
        response = county_client.get(url)
        if response.status_code >= 500 or "text/html" not in response.get("Content-Type", ""):
            continue
        html_pages += 1
        docs = url in ("/api/docs/", "/api/redoc/")
        assert_strict(policy(response), nonce=url == "/api/docs/", style_elements=docs)
    assert html_pages > 30


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/no-such-page/"])
def test_anonymous_pages_carry_it_too(client, url):
    assert_strict(policy(client.get(url)))


@pytest.mark.django_db
def test_the_admin_site_carries_it(client_for, county):
    from tests import factories as f

    admin = client_for(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    assert_strict(policy(admin.get("/admin/")))


@pytest.mark.django_db
def test_the_api_docs_run_their_start_up_script_under_a_fresh_nonce_only(county_client):
    first, second = county_client.get("/api/docs/"), county_client.get("/api/docs/")
    nonces = []
    for response in (first, second):
        directives = policy(response)
        assert_strict(directives, nonce=True, style_elements=True)
        nonce = directives["script-src"][1][len("'nonce-"):-1]
        html = response.content.decode()
        bodies = [(attrs, body) for attrs, body in SCRIPT.findall(html) if body.strip()]
        assert len(bodies) == 1 and f'nonce="{nonce}"' in bodies[0][0]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    redoc = policy(county_client.get("/api/redoc/"))
    assert redoc["script-src"] == ["'self'"]
    assert redoc["worker-src"] == ["'self'", "blob:"]


@pytest.mark.django_db
def test_json_answers_carry_it(county_client):
    response = county_client.get("/api/v1/me/")
    assert response["Content-Type"].startswith("application/json")
    assert_strict(policy(response))


def templates():
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*.html")):
            yield path.relative_to(directory).as_posix(), path.read_text(encoding="utf-8")


def test_templates_are_found():
    names = [name for name, _text in templates()]
    assert "base.html" in names and "tasks/battle_map.html" in names and len(names) > 80


@pytest.mark.parametrize("name, text", list(templates()), ids=lambda v: v if "/" in v or v.endswith(".html") else "")
def test_no_template_holds_inline_script_or_handlers(name, text):
    for attrs, body in SCRIPT.findall(text):
        if name in NONCED_SCRIPTS and "nonce=" in attrs:
            continue
        assert "src=" in attrs, f"{name}: an inline <script> (move it to a static .js file)"
        assert not body.strip(), f"{name}: a <script src> with a body"
    handler = HANDLER.search(text)
    assert not handler, f"{name}: an inline event handler {handler.group(0)[-40:]!r} (use banzi.js and data- attributes)"
    assert not JS_URL.search(text), f"{name}: a javascript: URL"
