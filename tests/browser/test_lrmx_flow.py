"""A county officer imports a hand-written 干部任免审批表 (.lrmx) in Chromium: the upload's preview
names the new cadre, the confirmed import opens the cadre's page, and the form downloads back as
the same .lrmx."""
import pytest

from banzi.cadres import lrmx
from banzi.core.roles import Role
from banzi.org.models import Cadre
from tests import factories as f
from tests.cadres.lrmx_helpers import FIXTURES, fixture, media  # noqa: F401  (media: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media")]


@pytest.fixture
def officer(county):
    return f.UserFactory(username="zuzhibu", role=Role.COUNTY_ADMIN)


def test_import_preview_confirm_see_and_download_back(live_server, open_page, log_in, officer, township):
    page = open_page()
    log_in(page, "zuzhibu", f.PASSWORD)
    page.goto(f"{live_server.url}/cadres/lrmx/import/")
    page.set_input_files("#id_files", str(FIXTURES / "wang_jianguo.lrmx"))
    page.select_option("#id_unit", str(township.pk))
    page.click("#lrmx-upload button[type=submit]")

    preview = page.locator("#lrmx-preview")
    preview.wait_for()
    row = page.locator('#lrmx-forms tr[data-file="wang_jianguo.lrmx"]')
    assert row.get_attribute("data-ok") == "yes"
    assert "王建国" in row.inner_text() and row.locator("[data-new]").count() == 1
    assert not Cadre.objects.exists()  # the preview writes nothing

    page.click("#lrmx-import-confirm button[type=submit]")
    page.wait_for_url(f"{live_server.url}/org/cadres/*/")
    cadre = Cadre.objects.get(name="王建国")
    assert page.url == f"{live_server.url}{cadre.get_absolute_url()}"
    assert "王建国" in page.locator("h1, .page-title").first.inner_text()
    assert "城关镇党委副书记、镇长" in page.content()
    assert cadre.resume_entries.count() == 5 and cadre.family_members.count() == 2

    with page.expect_download() as info:
        page.click("#lrmx-download")
    downloaded = lrmx.parse(open(info.value.path(), "rb").read())
    original = lrmx.parse(fixture("wang_jianguo.lrmx"))
    assert lrmx.values(downloaded) == lrmx.values(original)
