"""The printable 干部任免审批表 (.docx, banzi/cadres/approval_form.py): opened again with python-docx,
its cells hold the records' values; a list's forms each start on a new page."""
import io

import pytest
from docx import Document

from banzi.assessment.models import Grade
from banzi.cadres import approval_form, lrmx_records
from banzi.cadres.models import EarlierAssessmentResult
from banzi.org.models import Cadre
from tests.assessment.factories import assessee, assessment

from .lrmx_helpers import fixture, media  # noqa: F401  (media: a fixture)

pytestmark = pytest.mark.usefixtures("media")


def _import(user, township, *names):
    return lrmx_records.import_forms(user, [(n, fixture(n)) for n in names], township)


def _open(content):
    return Document(io.BytesIO(content))


def texts(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_form_holds_the_records(county_admin, township):
    cadre = _import(county_admin, township, "wang_jianguo.lrmx")[0]
    document = _open(approval_form.build(county_admin, lrmx_records.with_file(Cadre.objects.filter(pk=cadre.pk))))
    first, second = document.tables
    c = first.cell
    assert document.paragraphs[0].text == "干部任免审批表"
    assert (c(0, 1).text, c(0, 3).text, c(0, 5).text) == ("王建国", "男", "1985.03\n（41岁）")  # age on 2026-12-01
    assert (c(1, 1).text, c(1, 3).text, c(1, 5).text) == ("汉族", "山西长治", "山西长治")
    assert (c(2, 1).text, c(2, 3).text, c(2, 5).text) == ("2008.06", "2007.07", "健康")
    assert (c(3, 1).text, c(3, 3).text) == ("经济师", "农村经济管理")
    assert c(0, 6)._tc is c(3, 6)._tc  # the photo's cell spans four rows
    assert c(0, 6)._tc.xpath(".//pic:pic")  # and holds the photo
    assert (c(4, 2).text, c(4, 5).text) == ("大学 管理学学士", "山西农业大学经济管理学院农林经济管理专业")
    assert (c(5, 2).text, c(5, 5).text) == ("研究生", "中央党校经济管理专业")
    assert (c(6, 2).text, c(7, 2).text, c(8, 2).text) == ("城关镇党委副书记、镇长", "城关镇党委书记", "城关镇镇长职务")
    resume = c(9, 1).text.split("\n")
    assert resume[0] == "2003.09--2007.07  山西农业大学经济管理学院农林经济管理专业学习" and resume[-1].startswith("2021.06--  ")
    rows = texts(second)
    assert rows[0][1] == "2019年被评为全县优秀共产党员"
    assert rows[1][1] == "2023年度考核称职；2024年度考核优秀；2025年度考核称职"
    assert rows[2][1] == "工作需要"
    assert rows[4][1:] == ["妻子", "李秀英", "1986.11", "中共党员", "县第一中学教师"]
    assert rows[5][1:] == ["父亲", "王福生", "1958.04", "群众", "退休"]
    assert rows[6][1].startswith("中共某县委组织部") and "2026年11月20日" in rows[6][1]
    fonts = {r._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
             for p in c(0, 1).paragraphs for r in p.runs}
    assert fonts == {"宋体"}


def test_the_assessment_modules_results_come_first(county_admin, township):
    cadre = _import(county_admin, township, "zhao_li_awkward.lrmx")[0]
    EarlierAssessmentResult.objects.create(cadre=cadre, year=2023, result="称职")
    parent = assessment(year=2025, status="confirmed")
    assessee(parent, township, cadre=cadre, confirmed_grade=Grade.EXCELLENT)
    document = _open(approval_form.build(county_admin, lrmx_records.with_file(Cadre.objects.filter(pk=cadre.pk))))
    assert texts(document.tables[1])[1][1] == "2023年度考核称职；2025年度考核优秀"
    assert document.tables[0].cell(2, 1).text == "九三学社"  # the democratic party where the Party month would be


def test_a_list_prints_one_form_a_cadre_each_on_new_pages(county_admin, township):
    _import(county_admin, township, "wang_jianguo.lrmx", "zhao_li_awkward.lrmx", "liu_gbk.lrmx")
    document = _open(approval_form.build(county_admin, lrmx_records.with_file(Cadre.objects.order_by("pk"))))
    assert len(document.tables) == 6
    assert [t.cell(0, 1).text for t in document.tables[::2]] == ["王建国", "赵丽", "刘海涛"]
    breaks = document.element.body.xpath(".//w:br[@w:type='page']")
    assert len(breaks) == 3 + 2  # one inside each form, one between forms
