"""Excel import of education, rewards and punishments, earlier annual results and profiles: a good file
creates the records through the services with their history; the same file again changes nothing and
a changed cell updates its record, never a second one; a bad row (unknown cadre, another township's
cadre, a bad choice, an impossible or future date, a year the assessment module holds) is named with
its column and nothing is saved; the templates download with an example row the import refuses; the
list pages show the import button to those who may write."""
import io

import openpyxl
import pytest
from django.urls import reverse

from banzi.assessment.models import Assessment
from banzi.cadres.models import CadreProfile, EarlierAssessmentResult, EducationRecord, RewardPunishment
from banzi.core.models import AuditEvent
from banzi.org.models import Cadre
from tests import factories as f
from tests.assessment import factories as af
from tests.cadres.test_imports import confirm, errors, preview, xlsx
from tests.dates import days_ahead, this_year

pytestmark = pytest.mark.django_db

EDUCATION = ["姓名", "身份证号", "单位", "教育类别", "学历", "学位", "毕业院校", "所学专业", "毕业年月"]
REWARDS = ["姓名", "身份证号", "单位", "奖惩类别", "奖惩名称", "批准日期", "批准机关", "批准文号"]
RESULTS = ["姓名", "身份证号", "单位", "考核年度", "考核结果"]
PROFILES = ["姓名", "身份证号", "单位", "出生地", "健康状况", "专业技术职务", "熟悉专业有何专长", "民主党派", "拟任职务",
            "填表时间", "填表人", "奖惩情况"]
IMPORTS = {
    "education": ("cadres:educationrecord_import", EducationRecord),
    "rewards": ("cadres:rewardpunishment_import", RewardPunishment),
    "results": ("cadres:earlierassessmentresult_import", EarlierAssessmentResult),
    "profiles": ("cadres:cadreprofile_import", CadreProfile),
}


@pytest.fixture
def wang(township):
    return f.CadreFactory(organization=township, name="王干事")


@pytest.fixture
def li(township):
    return f.CadreFactory(organization=township, name="李干事")


def one_row(kind, cadre, unit=""):
    """A good row of each import for `cadre` (by ID number, or by name and unit when `unit` is given)."""
    number = "" if unit else cadre.id_number
    return {
        "education": (EDUCATION, [cadre.name, number, unit, "全日制", "大学", "法学学士", "山西大学", "法学", "2008.07"]),
        "rewards": (REWARDS, [cadre.name, number, unit, "奖励", "优秀共产党员", "2021-06-28", "中共襄汾县委", "襄发〔2021〕5号"]),
        "results": (RESULTS, [cadre.name, number, unit, 2016, "优秀"]),
        "profiles": (PROFILES, [cadre.name, number, unit, "山西襄汾", "健康", "经济师", "农村工作", "", "", "", "", ""]),
    }[kind]


def assert_imported_by(record, user):
    history = record.history.get()
    assert history.history_user == user and "导入.xlsx" in history.history_change_reason


# --- education ------------------------------------------------------------------------------------

def test_education_import_creates_then_updates(township, township_admin, client_for, wang, li):
    client = client_for(township_admin)
    url = "cadres:educationrecord_import"
    rows = [
        ["王干事", wang.id_number, "", "全日制", "大学本科", "法学学士", "山西大学", "法学", "2008.07"],
        ["王干事", wang.id_number, "", "在职教育", "研究生", "", "中共山西省委党校", "经济管理", 201207],
        ["李干事", "", township.name, "全日制", "大专", "", "山西农业大学", "农学", "2010-07-01"],
    ]
    response = preview(client, url, xlsx(EDUCATION, rows))
    assert response.context["counts"]["new"] == 3 and not EducationRecord.objects.exists()
    response = confirm(client, url, response)
    assert response.status_code == 302 and response.url == reverse("cadres:educationrecord_list")
    assert [(r.kind, r.level, r.school, r.graduated_on.strftime("%Y.%m"))
            for r in EducationRecord.objects.filter(cadre=wang).order_by("kind")] == [
        (EducationRecord.Kind.FULLTIME, Cadre.Education.UNIVERSITY, "山西大学", "2008.07"),
        (EducationRecord.Kind.INSERVICE, Cadre.Education.POSTGRADUATE, "中共山西省委党校", "2012.07")]
    assert_imported_by(EducationRecord.objects.get(cadre=li), township_admin)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, user=township_admin).exists()

    response = preview(client, url, xlsx(EDUCATION, rows))
    assert response.context["counts"]["skip"] == 3 and response.context["counts"]["new"] == 0
    rows[2][5] = "农学学士"
    response = preview(client, url, xlsx(EDUCATION, rows))
    assert response.context["counts"]["update"] == 1 and response.context["counts"]["new"] == 0
    confirm(client, url, response)
    assert EducationRecord.objects.count() == 3 and EducationRecord.objects.get(cadre=li).degree == "农学学士"


def test_bad_education_rows_are_named_and_nothing_is_saved(township, other_township, township_admin, client_for,
                                                             wang):
    client = client_for(township_admin)
    outsider = f.CadreFactory(organization=other_township, name="外镇干部")
    good = ["王干事", wang.id_number, "", "全日制", "大学", "法学学士", "山西大学", "法学", "2008.07"]
    response = preview(client, "cadres:educationrecord_import", xlsx(EDUCATION, [
        good,
        ["王干事", wang.id_number, "", "函授", "大学", "", "某某学院", "", ""],
        ["王干事", wang.id_number, "", "在职", "博士后", "", "某某学院", "", ""],
        ["王干事", wang.id_number, "", "在职", "研究生", "", "某某学院", "", "2020.13"],
        ["王干事", wang.id_number, "", "在职", "大学", "", "某某党校", "", days_ahead(40)],
        ["外镇干部", outsider.id_number, "", "全日制", "大学", "", "山西大学", "", ""],
        ["赵六", "", "", "全日制", "大学", "", "山西大学", "", ""],
    ]))
    found = errors(response)
    assert response.context["job"] is None
    assert "not an accepted value" in found[(3, "教育类别")]
    assert "not an accepted value" in found[(4, "学历")]
    assert "not a date" in found[(5, "毕业年月")]
    assert "future" in found[(6, "毕业年月")]
    assert "No active cadre" in found[(7, "姓名")]
    assert "No active cadre" in found[(8, "姓名")]
    assert (2, "姓名") not in found and not EducationRecord.objects.exists()


# --- rewards and punishments ----------------------------------------------------------------------

def test_reward_import_creates_then_updates(township, county_admin, client_for, wang, li):
    client = client_for(county_admin)
    url = "cadres:rewardpunishment_import"
    rows = [
        ["王干事", wang.id_number, "", "奖励", "优秀共产党员", "2021-06-28", "中共襄汾县委", "襄发〔2021〕5号"],
        ["李干事", "", township.name, "处分", "党内警告", "2019.11.05", "县纪委", ""],
    ]
    response = confirm(client, url, preview(client, url, xlsx(REWARDS, rows)))
    assert response.url == reverse("cadres:rewardpunishment_list")
    assert RewardPunishment.objects.get(cadre=li).kind == RewardPunishment.Kind.PUNISHMENT
    assert_imported_by(RewardPunishment.objects.get(cadre=wang), county_admin)

    rows[0][6] = "中共襄汾县委组织部"
    response = preview(client, url, xlsx(REWARDS, rows))
    assert response.context["counts"] == {**response.context["counts"], "new": 0, "update": 1, "skip": 1}
    confirm(client, url, response)
    assert RewardPunishment.objects.count() == 2
    assert RewardPunishment.objects.get(cadre=wang).decided_by == "中共襄汾县委组织部"


def test_bad_reward_rows_are_named_and_nothing_is_saved(township_admin, client_for, wang):
    client = client_for(township_admin)
    response = preview(client, "cadres:rewardpunishment_import", xlsx(REWARDS, [
        ["王干事", wang.id_number, "", "表彰", "优秀共产党员", "2021-06-28", "", ""],
        ["王干事", wang.id_number, "", "奖励", "优秀党务工作者", days_ahead(3), "", ""],
        ["王干事", wang.id_number, "", "奖励", "先进个人", "", "", ""],
        ["王干事", "", "某某村", "奖励", "优秀村干部", "2020-01-02", "", ""],
    ]))
    found = errors(response)
    assert "not an accepted value" in found[(2, "奖惩类别")]
    assert "future" in found[(3, "批准日期")]
    assert (4, "批准日期") in found
    assert "No active cadre" in found[(5, "姓名")]
    assert not RewardPunishment.objects.exists()


# --- earlier annual results -----------------------------------------------------------------------

def test_earlier_result_import_creates_then_updates_by_year(township, township_admin, client_for, wang, li):
    client = client_for(township_admin)
    url = "cadres:earlierassessmentresult_import"
    rows = [["王干事", wang.id_number, "", 2016, "优秀"], ["王干事", wang.id_number, "", "2017年", "称职"],
            ["李干事", "", township.name, "2016", "称职"]]
    response = confirm(client, url, preview(client, url, xlsx(RESULTS, rows)))
    assert response.url == reverse("cadres:earlierassessmentresult_list")
    assert list(EarlierAssessmentResult.objects.filter(cadre=wang).values_list("year", "result")) == [
        (2016, "优秀"), (2017, "称职")]
    assert_imported_by(EarlierAssessmentResult.objects.get(cadre=li), township_admin)

    rows[1][4] = "优秀"
    response = preview(client, url, xlsx(RESULTS, rows))
    assert (response.context["counts"]["new"], response.context["counts"]["update"]) == (0, 1)
    confirm(client, url, response)
    assert EarlierAssessmentResult.objects.count() == 3
    assert EarlierAssessmentResult.objects.get(cadre=wang, year=2017).result == "优秀"


def test_bad_result_rows_are_named_and_nothing_is_saved(township, township_admin, client_for, wang):
    published = this_year() - 1
    af.confirmed_result(township, cadre=wang, year=published, status=Assessment.Status.PUBLISHED)
    client = client_for(township_admin)
    response = preview(client, "cadres:earlierassessmentresult_import", xlsx(RESULTS, [
        ["王干事", wang.id_number, "", 2015, "称职"],
        ["王干事", wang.id_number, "", published, "优秀"],
        ["王干事", wang.id_number, "", 1949, "称职"],
        ["王干事", wang.id_number, "", "二〇一四", "称职"],
        ["王干事", wang.id_number, "", 2013, ""],
        ["王干事", wang.id_number, "", 2015, "优秀"],
    ]))
    found = errors(response)
    assert "published this cadre's result" in found[(3, "考核年度")]
    assert "between 1950" in found[(4, "考核年度")]
    assert "not a year" in found[(5, "考核年度")]
    assert (6, "考核结果") in found
    assert "Row(s) 2" in found[(7, "姓名")]
    assert not EarlierAssessmentResult.objects.exists()


# --- profiles -------------------------------------------------------------------------------------

def test_profile_import_one_per_cadre_updates_only_the_files_columns(township, township_admin, client_for, wang,
                                                                      li):
    CadreProfile.objects.create(cadre=li, birthplace="山西临汾", health="良好", professional_title="农艺师")
    client = client_for(township_admin)
    url = "cadres:cadreprofile_import"
    rows = [["王干事", wang.id_number, "", "山西襄汾", "健康", "经济师", "农村工作", "九三学社", "副镇长", "2026-01-05",
             "张某", "2020年度县优秀共产党员"]]
    response = preview(client, url, xlsx(PROFILES, rows))
    assert response.context["counts"]["new"] == 1
    response = confirm(client, url, response)
    assert response.url == reverse("cadres:cadreprofile_list")
    profile = CadreProfile.objects.get(cadre=wang)
    assert (profile.birthplace, profile.party_affiliation, profile.proposed_post, profile.form_filled_by) == (
        "山西襄汾", "九三学社", "副镇长", "张某")
    assert_imported_by(profile, township_admin)

    response = preview(client, url, xlsx(["姓名", "身份证号", "健康状况"], [
        ["王干事", wang.id_number, "良好"], ["李干事", li.id_number, "健康"]]))
    assert (response.context["counts"]["new"], response.context["counts"]["update"]) == (0, 2)
    confirm(client, url, response)
    assert CadreProfile.objects.count() == 2
    assert list(CadreProfile.objects.filter(cadre=li).values_list("health", "birthplace", "professional_title")) == [
        ("健康", "山西临汾", "农艺师")]
    assert CadreProfile.objects.get(cadre=wang).birthplace == "山西襄汾"


def test_bad_profile_rows_are_named_and_nothing_is_saved(township, other_township, township_admin, client_for,
                                                           wang, li):
    outsider = f.CadreFactory(organization=other_township, name="外镇干部")
    zhao = f.CadreFactory(organization=township, name="赵干事")
    client = client_for(township_admin)
    response = preview(client, "cadres:cadreprofile_import", xlsx(["姓名", "身份证号", "单位", "出生地", "填表时间"], [
        ["王干事", wang.id_number, "", "山西襄汾", days_ahead(2)],
        ["李干事", li.id_number, "", "山西襄汾", "2025-02-30"],
        ["外镇干部", outsider.id_number, "", "山西襄汾", ""],
        ["李四", wang.id_number, "", "山西襄汾", ""],
        ["赵干事", zhao.id_number, "", "山西临汾", ""],
        ["赵干事", zhao.id_number, "", "山西襄汾", ""],
    ]))
    found = errors(response)
    assert "future" in found[(2, "填表时间")]
    assert "not a date" in found[(3, "填表时间")]
    assert "No active cadre" in found[(4, "姓名")]
    assert "belongs to 王干事" in found[(5, "姓名")]
    assert "Row(s) 7" in found[(6, "姓名")] and "Row(s) 6" in found[(7, "姓名")]
    assert not CadreProfile.objects.exists()


# --- all four -------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", IMPORTS)
def test_a_township_cannot_import_into_another_townships_cadre(kind, other_township_admin, client_for, wang):
    url, model = IMPORTS[kind]
    headings, row = one_row(kind, wang)
    response = preview(client_for(other_township_admin), url, xlsx(headings, [row]))
    assert "No active cadre" in errors(response)[(2, "姓名")]
    assert response.context["job"] is None and not model.objects.exists()


@pytest.mark.parametrize("kind", IMPORTS)
def test_a_file_twice_does_not_duplicate(kind, township, county_admin, client_for, wang):
    client = client_for(county_admin)
    url, model = IMPORTS[kind]
    headings, row = one_row(kind, wang, unit=township.name)
    for _time in range(2):
        response = preview(client, url, xlsx(headings, [row]))
        assert "no-store" in response["Cache-Control"]  # the preview shows the cadre's file
        confirm(client, url, response)
    assert model.objects.filter(cadre=wang).count() == 1


@pytest.mark.parametrize("kind", IMPORTS)
def test_the_template_downloads_and_its_example_row_is_not_imported(kind, township, township_admin, client_for,
                                                                     wang):
    client = client_for(township_admin)
    url, model = IMPORTS[kind]
    response = client.get(reverse(f"{url}_template"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:3] == ["姓名", "身份证号", "单位"]
    assert sheet["A2"].value == wang.name
    response = preview(client, url, xlsx([c.value for c in sheet[1]], [[c.value for c in sheet[2]]]))
    assert "example row" in errors(response)[(2, "")]
    assert not model.objects.exists()


@pytest.mark.parametrize("kind", IMPORTS)
def test_the_list_shows_the_import_button_to_writers_only(kind, township_client, cadre_client):
    url, _model = IMPORTS[kind]
    list_url = reverse(url.replace("_import", "_list"))
    assert reverse(url) in township_client.get(list_url).content.decode()
    page = township_client.get(reverse(url)).content.decode()
    assert reverse(f"{url}_template") in page and "姓名" in page
    assert cadre_client.get(reverse(url)).status_code == 403


@pytest.mark.zh
def test_the_errors_read_in_chinese(township_admin, client_for, wang):
    client = client_for(township_admin)
    response = preview(client, "cadres:educationrecord_import", xlsx(EDUCATION, [
        ["王干事", wang.id_number, "", "全日制", "博士后", "", "山西大学", "", ""]]))
    page = response.content.decode()
    assert "“博士后”不是有效值" in page and "研究生" in page and 'data-row="2"' in page
    assert not EducationRecord.objects.exists()


@pytest.mark.zh
def test_the_templates_explain_the_columns_in_chinese(township_client):
    response = township_client.get(reverse("cadres:cadreprofile_import_template"))
    notes = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[1]
    explained = {row[0]: row[2] for row in notes.iter_rows(values_only=True) if row and row[0]}
    assert "逐条奖惩另有导入" in explained["奖惩情况"] and "九三学社" in explained["民主党派"]
    response = township_client.get(reverse("cadres:earlierassessmentresult_import_template"))
    lines = [row[0] for row in openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[1].iter_rows(
        values_only=True) if row and row[0]]
    assert "姓名、考核年度与已有记录相同的行将更新该记录；其他行将新建记录。" in lines
