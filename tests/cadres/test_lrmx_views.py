"""The pages and the API of the 干部任免审批表 in and out: upload, preview, confirm; the buttons on the
cadre and team pages; the downloads, scoped and recorded as exports."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banzi.cadres import lrmx
from banzi.cadres.models import ResumeEntry
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.org.models import Cadre
from tests import factories as f
from tests.api import api_for

from .lrmx_helpers import fixture, media  # noqa: F401  (media: a fixture)

pytestmark = pytest.mark.usefixtures("media")
IMPORT = reverse("cadres_lrmx:import")


def upload(name):
    return SimpleUploadedFile(name, fixture(name))


def test_the_import_page_is_the_committees(county_client, cadre_client, auditor_client, client):
    assert county_client.get(IMPORT).status_code == 200
    assert cadre_client.get(IMPORT).status_code == 403
    assert auditor_client.get(IMPORT).status_code in (403, 404)
    assert client.get(IMPORT).status_code == 302


def test_upload_preview_then_import(county_client, township):
    response = county_client.post(IMPORT, {"files": [upload("wang_jianguo.lrmx"), upload("liu_gbk.lrmx")],
                                           "unit": township.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="lrmx-import-confirm"' in page and "王建国" in page and "刘海涛" in page and "GBK" in page
    assert not Cadre.objects.exists()
    token = response.context["token"]
    response = county_client.post(IMPORT, {"action": "import", "token": token})
    assert response.status_code == 302 and response.url == reverse("org:cadre_list")
    assert set(Cadre.objects.values_list("name", flat=True)) == {"王建国", "刘海涛"}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 1


def test_a_wrong_form_shows_its_errors_and_cannot_be_confirmed(county_client, township):
    response = county_client.post(IMPORT, {"files": [upload("wang_jianguo.lrmx"), upload("bad_checksum.lrmx")],
                                           "unit": township.pk})
    page = response.content.decode()
    assert f'data-code="{Code.ID_CHECKSUM}"' in page and 'data-element="ShenFenZheng"' in page
    assert 'id="lrmx-import-confirm"' not in page and response.context["token"] == ""
    response = county_client.post(IMPORT, {"files": [upload("billion_laughs.lrmx")], "unit": township.pk})
    assert f'data-code="{Code.LRMX_ENTITIES}"' in response.content.decode()
    assert not Cadre.objects.exists()


def test_a_changed_token_imports_nothing(county_client, township):
    response = county_client.post(IMPORT, {"files": [upload("wang_jianguo.lrmx")], "unit": township.pk})
    response = county_client.post(IMPORT, {"action": "import", "token": response.context["token"] + "x"})
    assert response.status_code == 200 and not Cadre.objects.exists()


def test_a_zip_of_forms_is_imported(county_client, township):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a/wang.lrmx", fixture("wang_jianguo.lrmx"))
        archive.writestr("zhao.lrmx", fixture("zhao_li_awkward.lrmx"))
    response = county_client.post(IMPORT, {"files": [SimpleUploadedFile("forms.zip", buffer.getvalue())],
                                           "unit": township.pk})
    assert len(response.context["result"].items) == 2 and response.context["result"].ok
    response = county_client.post(IMPORT, {"files": [SimpleUploadedFile("x.txt", b"hello")], "unit": township.pk})
    assert response.context["form"].errors["files"]


def _imported(client, township, name="wang_jianguo.lrmx"):
    response = client.post(IMPORT, {"files": [upload(name)], "unit": township.pk})
    response = client.post(IMPORT, {"action": "import", "token": response.context["token"]})
    return Cadre.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def test_cadre_page_buttons_and_downloads(township_client, township, other_township_admin, client_for):
    cadre = _imported(township_client, township)
    page = township_client.get(cadre.get_absolute_url()).content.decode()
    lrmx_url = reverse("cadres_lrmx:cadre_lrmx", args=[cadre.pk])
    docx_url = reverse("cadres_lrmx:cadre_docx", args=[cadre.pk])
    assert lrmx_url in page and docx_url in page
    response = township_client.get(lrmx_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert lrmx.parse(response.content).id_number == "140702198503150018"
    response = township_client.get(docx_url)
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_id=str(cadre.pk)).count() == 2
    other = client_for(other_township_admin)
    assert other.get(lrmx_url).status_code == 404 and other.get(docx_url).status_code == 404


def test_team_page_buttons_and_zip(county_client, township):
    membership = f.TeamMembershipFactory(team=f.TeamFactory(township=township))
    ResumeEntry.objects.create(cadre=membership.cadre, starts_on="2010-01-01", text="科员")
    team = membership.team
    page = county_client.get(team.get_absolute_url()).content.decode()
    assert reverse("cadres_lrmx:team_lrmx", args=[team.pk]) in page
    response = county_client.get(reverse("cadres_lrmx:team_lrmx", args=[team.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert len(archive.namelist()) == 1
    assert lrmx.parse(archive.read(archive.namelist()[0])).resume[0].text == "科员"
    assert county_client.get(reverse("cadres_lrmx:team_docx", args=[team.pk])).status_code == 200


def test_the_filtered_list_downloads_its_forms(county_client, township, other_township):
    f.CadreFactory(organization=township, name="甲")
    f.CadreFactory(organization=other_township, name="乙")
    response = county_client.get(reverse("cadres_lrmx:list_lrmx") + "?q=甲")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len(names) == 1 and names[0].startswith("甲_")
    assert county_client.get(reverse("cadres_lrmx:list_docx")).status_code == 200
    # The cadre list offers the forms of its own filtered rows.
    page = county_client.get(reverse("org:cadre_list") + "?q=甲").content.decode()
    assert f'href="{reverse("cadres_lrmx:list_lrmx")}?q=%E7%94%B2"' in page
    assert f'href="{reverse("cadres_lrmx:list_docx")}?q=%E7%94%B2"' in page


def test_the_cadre_list_offers_no_forms_to_a_cadre(cadre_user, client_for):
    page = client_for(cadre_user).get(reverse("org:cadre_list")).content.decode()
    assert 'id="list-lrmx-download"' not in page


def test_api_import_dry_run_errors_and_import(township_admin, township):
    client = api_for(township_admin)
    url = reverse("cadres-lrmx-unit-import-forms", args=[township.pk])
    response = client.post(url, {"files": [upload("wang_jianguo.lrmx"), upload("bad_checksum.lrmx")],
                                 "dry_run": True}, format="multipart")
    assert response.status_code == 200
    body = response.json()
    assert body["forms"][0]["errors"] == [] and body["forms"][0]["cadre"] is None
    assert body["forms"][1]["errors"][0]["code"] == Code.ID_CHECKSUM
    response = client.post(url, {"files": [upload("wang_jianguo.lrmx"), upload("bad_checksum.lrmx")]},
                           format="multipart")
    assert response.status_code == 400 and not Cadre.objects.exists()
    response = client.post(url, {"files": [upload("wang_jianguo.lrmx")]}, format="multipart")
    assert response.status_code == 201
    assert response.json()["imported"] == [Cadre.objects.get().pk]
    response = client.get(reverse("cadres-lrmx-cadre-lrmx", args=[Cadre.objects.get().pk]))
    assert response.status_code == 200 and lrmx.parse(response.content).name == "王建国"


def test_api_refuses_cadres_and_a_zip_bomb(cadre_user, township_admin, township, settings):
    url = reverse("cadres-lrmx-unit-import-forms", args=[township.pk])
    assert api_for(cadre_user).post(url, {"files": [upload("wang_jianguo.lrmx")]},
                                    format="multipart").status_code == 403
    settings.BANZI_IMPORT_MAX_UNPACKED_BYTES = 1000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.lrmx", b"\0" * 50000)
    response = api_for(township_admin).post(url, {"files": [SimpleUploadedFile("a.zip", buffer.getvalue())]},
                                            format="multipart")
    assert response.status_code == 400 and Code.FILE_UNPACKED_SIZE in response.content.decode()


def test_a_lists_forms_cost_the_same_queries_however_many_cadres(county_client, township):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert county_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def add():
        cadre = f.CadreFactory(organization=township)
        ResumeEntry.objects.create(cadre=cadre, starts_on="2010-01-01", text="科员")

    for url in (reverse("cadres_lrmx:list_lrmx"), reverse("cadres_lrmx:list_docx")):
        add()
        few = queries(url)
        for _ in range(4):
            add()
        assert queries(url) == few
