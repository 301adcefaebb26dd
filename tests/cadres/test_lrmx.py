"""Reading and writing the .lrmx form (banzi/cadres/lrmx.py): the hand-written fixtures, the awkward
real-world cases, and every refusal with its code."""
import base64
import datetime
from xml.etree.ElementTree import fromstring

import pytest
from django.core.exceptions import ValidationError

from banzi.cadres import lrmx
from banzi.core.errors import Code

from .lrmx_helpers import fixture


def codes(person):
    return {(e.element, e.code) for e in person.errors}


def test_a_complete_form_is_read_box_by_box():
    person = lrmx.parse(fixture("wang_jianguo.lrmx"))
    assert person.ok, person.errors
    assert (person.name, person.gender, person.ethnicity, person.native_place, person.birthplace) == (
        "王建国", "male", "汉族", "山西长治", "山西长治")
    assert person.birth_date == datetime.date(1985, 3, 15)  # the day from the ID number
    assert person.party_joined_on == datetime.date(2008, 6, 1) and person.party_affiliation == ""
    assert person.work_started_on == datetime.date(2007, 7, 1)
    assert (person.health, person.professional_title, person.speciality) == ("健康", "经济师", "农村经济管理")
    assert person.fulltime.level == "university" and person.fulltime.degree == "管理学学士"
    assert person.inservice.level == "postgraduate" and person.inservice.level_school == "中央党校经济管理专业"
    assert person.current_post == "城关镇党委副书记、镇长"
    assert (person.proposed_post, person.proposed_removal, person.appointment_reason) == (
        "城关镇党委书记", "城关镇镇长职务", "工作需要")
    assert [(r.starts_on, r.ends_on) for r in person.resume] == [
        (datetime.date(2003, 9, 1), datetime.date(2007, 7, 1)), (datetime.date(2007, 7, 1), datetime.date(2012, 3, 1)),
        (datetime.date(2012, 3, 1), datetime.date(2016, 11, 1)), (datetime.date(2016, 11, 1), datetime.date(2021, 6, 1)),
        (datetime.date(2021, 6, 1), None)]
    assert person.resume[2].text == "城关镇党委委员、副镇长\n  （其间：2013.09--2015.07 在中央党校函授学院经济管理专业学习）"
    assert [(m.relation, m.name, m.birth_date, m.political_status, m.unit_and_post) for m in person.family] == [
        ("妻子", "李秀英", datetime.date(1986, 11, 1), "中共党员", "县第一中学教师"),
        ("父亲", "王福生", datetime.date(1958, 4, 1), "群众", "退休")]
    assert person.assessment_results() == [(2023, "称职"), (2024, "优秀"), (2025, "称职")]
    assert (person.reporting_unit, person.age_reference_date, person.form_filled_on, person.form_filled_by) == (
        "中共某县委组织部", datetime.date(2026, 12, 1), datetime.date(2026, 11, 20), "张敏")
    assert person.id_number == "140702198503150018"
    assert person.photo.startswith(b"\xff\xd8\xff")


def test_awkward_cases_empty_elements_full_width_dashes_a_democratic_party():
    person = lrmx.parse(fixture("zhao_li_awkward.lrmx"))
    assert person.ok, person.errors
    assert person.party_joined_on is None and person.party_affiliation == "九三学社"
    assert person.health == "" and person.birthplace == "" and person.photo is None
    assert [(r.starts_on, r.ends_on, r.text) for r in person.resume] == [
        (datetime.date(2009, 9, 1), datetime.date(2013, 7, 1), "山西大学文学院汉语言文学专业学习"),
        (datetime.date(2013, 7, 1), datetime.date(2018, 1, 1), "城关镇政府科员"),
        (datetime.date(2018, 1, 1), datetime.date(2022, 5, 1), "城关镇党政办主任"),
        (datetime.date(2022, 5, 1), None, "城关镇副镇长")]
    assert person.fulltime.level == "university"  # 大学本科
    assert len(person.family) == 1  # the blank row of the table is left out
    assert person.family[0].birth_date == datetime.date(1962, 3, 15)
    assert person.age_reference_date == datetime.date(2026, 12, 1)  # yyyyMM where yyyyMMdd is usual


def test_a_gbk_file_is_converted_and_says_so():
    person = lrmx.parse(fixture("liu_gbk.lrmx"))
    assert person.ok, person.errors
    assert person.name == "刘海涛" and person.current_post == "城关镇党委委员、组织委员"
    assert person.notes and "GBK" in person.notes[0]


@pytest.mark.parametrize(("name", "code"), [
    ("billion_laughs.lrmx", Code.LRMX_ENTITIES),
    ("not_person.lrmx", Code.LRMX_ROOT),
])
def test_files_that_are_no_form_are_refused(name, code):
    with pytest.raises(ValidationError) as caught:
        lrmx.parse(fixture(name))
    assert caught.value.code == code


def test_undecodable_and_malformed_files_are_refused():
    with pytest.raises(ValidationError) as caught:
        lrmx.parse("<Person><XingMing>王</XingMing></Person>".encode("utf-16"))
    assert caught.value.code == Code.LRMX_ENCODING
    with pytest.raises(ValidationError) as caught:
        lrmx.parse(b"<Person><XingMing></Person>")
    assert caught.value.code == Code.LRMX_MALFORMED


def test_missing_elements_and_impossible_dates_are_field_errors():
    person = lrmx.parse(fixture("missing_name.lrmx"))
    assert codes(person) == {("XingMing", Code.REQUIRED), ("ChuShengNianYue", Code.LRMX_DATE)}
    person = lrmx.parse(b"<Person><XingMing>A</XingMing><XingBie>X</XingBie><ChuShengNianYue>209901"
                        b"</ChuShengNianYue><JianLi>2001.13--2002.01 x</JianLi></Person>")
    assert codes(person) == {("XingBie", Code.INVALID_CHOICE), ("ChuShengNianYue", Code.LRMX_DATE),
                             ("JianLi", Code.LRMX_DATE)}


def test_id_number_checksum_birth_date_and_gender_are_checked():
    assert codes(lrmx.parse(fixture("bad_checksum.lrmx"))) == {("ShenFenZheng", Code.ID_CHECKSUM)}
    form = fixture("bad_checksum.lrmx").replace(b"140702198503150019", b"140702198503150018")
    assert lrmx.parse(form).ok
    assert codes(lrmx.parse(form.replace(b"198503", b"198504", 1))) == {("ShenFenZheng", Code.ID_BIRTH_DATE_MISMATCH)}
    assert codes(lrmx.parse(form.replace("男".encode(), "女".encode()))) == {("ShenFenZheng", Code.ID_GENDER_MISMATCH)}


def test_an_oversized_photo_is_refused(settings):
    settings.BANZI_LRMX_PHOTO_MAX_BYTES = 32 * 1024
    assert codes(lrmx.parse(fixture("oversized_photo.lrmx"))) == {("ZhaoPian", Code.FILE_SIZE)}


def test_the_default_photo_limit_and_the_photo_content_are_checked():
    big = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\0" * lrmx.DEFAULT_PHOTO_MAX_BYTES).decode()
    form = "<Person><XingMing>A</XingMing><XingBie>男</XingBie><ChuShengNianYue>198001</ChuShengNianYue>" \
           "<ZhaoPian>{}</ZhaoPian></Person>"
    assert codes(lrmx.parse(form.format(big).encode())) == {("ZhaoPian", Code.FILE_SIZE)}
    gif = base64.b64encode(b"GIF89a" + b"\0" * 20).decode()
    assert codes(lrmx.parse(form.format(gif).encode())) == {("ZhaoPian", Code.FILE_TYPE)}
    assert codes(lrmx.parse(form.format("not base64!").encode())) == {("ZhaoPian", Code.INVALID)}


def _elements(content):
    root = fromstring(content)
    out = {}
    for node in root:
        if node.tag == "JiaTingChengYuan":
            out[node.tag] = [[(c.tag, (c.text or "").strip()) for c in item] for item in node]
        else:
            out[node.tag] = (node.text or "").strip()
    return out


def test_written_form_reads_back_the_same():
    original = fixture("wang_jianguo.lrmx")
    written = lrmx.write(lrmx.parse(original))
    assert written.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert _elements(written) == _elements(original)
    assert "\r\n" in fromstring(written).findtext("JianLi")  # the résumé's lines as the software writes them
    assert list(fromstring(written)) and [n.tag for n in fromstring(written)] == list(lrmx.ELEMENTS)


def test_school_texts_split_and_join_again():
    for text in ("山西农业大学经济管理学院农林经济管理专业", "中央党校经济管理专业", "某某专业", ""):
        school, major = lrmx.split_school(text)
        assert school + major == text
    assert lrmx.split_school("山西大学文学院汉语言文学专业") == ("山西大学", "文学院汉语言文学专业")
