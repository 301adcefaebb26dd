"""The .lrmx forms and the records of the cadre's file (banzi/cadres/lrmx_records.py): preview
without writing, all-or-nothing import through the services, scoping, zips, and the round trips
(export → import gives the same records field by field; import → export gives the same form)."""
import datetime
import io
import zipfile
from pathlib import Path
from xml.etree.ElementTree import fromstring

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from banzi.cadres import lrmx, lrmx_records
from banzi.cadres.models import (
    CadreProfile,
    EarlierAssessmentResult,
    EducationRecord,
    FamilyMember,
    ResumeEntry,
    RewardPunishment,
)
from banzi.core.errors import Code
from banzi.core.models import AuditEvent
from banzi.org.models import Cadre
from tests import factories as f

from .lrmx_helpers import fixture, media  # noqa: F401  (media: a fixture)

pytestmark = pytest.mark.usefixtures("media")

WANG = ("wang_jianguo.lrmx", fixture("wang_jianguo.lrmx"))
ZHAO = ("zhao_li_awkward.lrmx", fixture("zhao_li_awkward.lrmx"))
LIU = ("liu_gbk.lrmx", fixture("liu_gbk.lrmx"))

FILE_MODELS = (CadreProfile, ResumeEntry, EducationRecord, FamilyMember, EarlierAssessmentResult, RewardPunishment)


def counts():
    return [m.objects.count() for m in (Cadre, *FILE_MODELS)] + [AuditEvent.objects.count()]


def test_preview_writes_nothing_and_says_what_would_happen(county_admin, township):
    before = counts()
    result = lrmx_records.preview(county_admin, [WANG, ZHAO, LIU], township)
    assert result.ok, [(i.file_name, i.errors) for i in result.items]
    assert [i.is_new for i in result.items] == [True, True, True]
    assert result.items[2].notes  # the GBK file converted
    assert counts() == before


def test_preview_names_each_files_errors(county_admin, township):
    result = lrmx_records.preview(county_admin, [
        WANG, ("missing_name.lrmx", fixture("missing_name.lrmx")), ("bad.lrmx", fixture("bad_checksum.lrmx")),
        ("lol.lrmx", fixture("billion_laughs.lrmx"))], township)
    assert not result.ok
    wang, missing, bad, lol = result.items
    assert wang.ok
    assert {(e.element, e.code) for e in missing.errors} >= {("XingMing", Code.REQUIRED)}
    assert {(e.element, e.code) for e in bad.errors} == {("ShenFenZheng", Code.ID_CHECKSUM)}
    assert [e.code for e in lol.errors] == [Code.LRMX_ENTITIES]


def test_rules_of_the_records_show_in_the_preview(county_admin, township):
    form = fixture("wang_jianguo.lrmx").replace(b"<RuDangShiJian>200806", b"<RuDangShiJian>199806")
    result = lrmx_records.preview(county_admin, [("young.lrmx", form)], township)
    assert [(e.element, e.code) for e in result.items[0].errors] == [("RuDangShiJian", Code.PARTY_AGE)]


def test_import_writes_the_records_through_the_services(county_admin, township):
    cadres = lrmx_records.import_forms(county_admin, [WANG, ZHAO], township)
    wang = Cadre.objects.get(pk=cadres[0].pk)
    assert (wang.name, wang.organization, wang.post, wang.education_fulltime, wang.education_inservice) == (
        "王建国", township, "城关镇党委副书记、镇长", "university", "postgraduate")
    assert wang.profile.photo and wang.profile.photo.read().startswith(b"\xff\xd8\xff")
    assert wang.resume_entries.count() == 5 and wang.family_members.count() == 2
    assert sorted(wang.earlier_assessment_results.values_list("year", "result")) == [
        (2023, "称职"), (2024, "优秀"), (2025, "称职")]
    zhao = Cadre.objects.get(pk=cadres[1].pk)
    assert zhao.party_joined_on is None and zhao.profile.party_affiliation == "九三学社"
    # history and audit of every record, with the user, and one event for the import
    assert wang.history.first().history_user == county_admin
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DATA, user=county_admin).count() >= 20
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.user == county_admin and "王建国" in event.detail


def test_an_import_with_one_wrong_form_writes_nothing(county_admin, township):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        lrmx_records.import_forms(county_admin, [WANG, ("bad.lrmx", fixture("bad_checksum.lrmx"))], township)
    assert caught.value.code == Code.ID_CHECKSUM
    assert counts() == before


def test_a_new_cadre_needs_a_unit(county_admin):
    with pytest.raises(ValidationError) as caught:
        lrmx_records.import_forms(county_admin, [WANG], None)
    assert caught.value.code == Code.REQUIRED
    assert not Cadre.objects.exists()


def test_a_form_updates_the_cadre_with_its_id_number(county_admin, township):
    cadre = f.CadreFactory(organization=township, name="王建国", id_number="140702198503150018",
                           birth_date="1985-03-15", post="旧职务")
    ResumeEntry.objects.create(cadre=cadre, starts_on="2000-01-01", text="旧经历")
    result = lrmx_records.preview(county_admin, [WANG], None)  # a matched cadre needs no unit
    assert result.ok and result.items[0].cadre == cadre
    lrmx_records.import_forms(county_admin, [WANG], None)
    cadre.refresh_from_db()
    assert cadre.post == "城关镇党委副书记、镇长" and Cadre.objects.count() == 1
    assert list(cadre.resume_entries.values_list("text", flat=True))[0] == "山西农业大学经济管理学院农林经济管理专业学习"
    assert not ResumeEntry.objects.filter(text="旧经历").exists()


def test_a_township_imports_into_its_own_units_only(township_admin, township, other_township):
    other = f.CadreFactory(organization=other_township, id_number="140702198503150018", birth_date="1985-03-15")
    result = lrmx_records.preview(township_admin, [WANG], township)
    assert [(e.element, e.code) for e in result.items[0].errors] == [("ShenFenZheng", Code.OUTSIDE_SCOPE)]
    other.delete()
    result = lrmx_records.preview(township_admin, [WANG], other_township)
    assert not result.ok and result.items[0].errors[0].code == Code.NOT_PERMITTED
    with pytest.raises((ValidationError, PermissionDenied)):
        lrmx_records.import_forms(township_admin, [WANG], other_township)
    assert not Cadre.objects.filter(name="王建国").exists()
    assert lrmx_records.import_forms(township_admin, [WANG], township)[0].organization == township


def test_duplicate_id_numbers_in_one_import_are_refused(county_admin, township):
    result = lrmx_records.preview(county_admin, [WANG, ("again.lrmx", WANG[1])], township)
    assert [e.code for e in result.items[1].errors] == [Code.UNIQUE]


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zips_are_opened_and_checked(settings):
    assert [n for n, _c in lrmx_records.unpack([("forms.zip", _zip([WANG, ("dir/", b""), ZHAO]))])] == [
        "wang_jianguo.lrmx", "zhao_li_awkward.lrmx"]
    for members in ([("../evil.lrmx", b"x")], [("/abs.lrmx", b"x")], [("notes.txt", b"x")]):
        with pytest.raises(ValidationError) as caught:
            lrmx_records.unpack([("forms.zip", _zip(members))])
        assert caught.value.code == Code.ZIP_MEMBERS
    with pytest.raises(ValidationError) as caught:
        lrmx_records.unpack([("forms.zip", _zip([(f"{n}.lrmx", b"x") for n in range(lrmx_records.MAX_FILES + 1)]))])
    assert caught.value.code == Code.ZIP_MEMBERS
    settings.BANZI_IMPORT_MAX_UNPACKED_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        lrmx_records.unpack([("bomb.zip", _zip([("a.lrmx", b"\0" * 5000)]))])
    assert caught.value.code == Code.FILE_UNPACKED_SIZE
    with pytest.raises(ValidationError) as caught:
        lrmx_records.unpack([("photo.jpg", b"\xff\xd8\xff")])
    assert caught.value.code == Code.FILE_TYPE
    with pytest.raises(ValidationError) as caught:
        lrmx_records.unpack([])
    assert caught.value.code == Code.LRMX_NO_FILES


def _elements(content):
    out = {}
    for node in fromstring(content):
        if node.tag == "JiaTingChengYuan":
            out[node.tag] = [[(c.tag, (c.text or "").strip()) for c in item] for item in node]
        else:
            out[node.tag] = "\n".join(line.strip() for line in (node.text or "").strip().splitlines())
    return out


REWARDS = ("2018年12月被县委、县政府评为优秀共产党员；2020.07 被评为全县脱贫攻坚先进个人\r\n"
           "2023-03 受到党内警告处分；2019年被评为全县优秀共产党员；无")


def test_the_dated_rewards_and_punishments_of_the_form_become_records_once(county_admin, township):
    name, content = WANG
    text = content.decode("utf-8").replace("2019年被评为全县优秀共产党员", REWARDS.replace("\r\n", "&#13;&#10;"))
    form = (name, text.encode("utf-8"))
    assert any("3" in note for note in lrmx_records.preview(county_admin, [form], township).items[0].notes)
    cadre = lrmx_records.import_forms(county_admin, [form], township)[0]
    records = list(RewardPunishment.objects.filter(cadre=cadre).values_list("kind", "decided_on", "title"))
    assert records == [
        ("reward", datetime.date(2018, 12, 1), "被县委、县政府评为优秀共产党员"),
        ("reward", datetime.date(2020, 7, 1), "被评为全县脱贫攻坚先进个人"),
        ("punishment", datetime.date(2023, 3, 1), "受到党内警告处分"),
    ]  # the entry without a month, and 无, stay in the form's text only
    assert all(r.history.first().history_user == county_admin for r in RewardPunishment.objects.filter(cadre=cadre))
    # The same form again adds nothing, and the form's text comes back as it was.
    lrmx_records.import_forms(county_admin, [form], township)
    assert RewardPunishment.objects.filter(cadre=cadre).count() == 3
    _name, exported = lrmx_records.export_one(county_admin, lrmx_records.with_file(Cadre.objects).get(pk=cadre.pk))
    assert _elements(exported)["JiangChengQingKuang"] == _elements(form[1])["JiangChengQingKuang"]


def test_a_form_without_dated_rewards_adds_no_record(county_admin, township):
    cadre = lrmx_records.import_forms(county_admin, [WANG, ZHAO], township)[0]
    assert not RewardPunishment.objects.exists()
    assert cadre.profile.rewards_text == "2019年被评为全县优秀共产党员"


def test_import_then_export_gives_the_same_form(county_admin, township):
    cadre = lrmx_records.import_forms(county_admin, [WANG], township)[0]
    _name, exported = lrmx_records.export_one(county_admin, lrmx_records.with_file(Cadre.objects).get(pk=cadre.pk))
    assert _elements(exported) == _elements(WANG[1])
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=county_admin).count() == 1


def test_awkward_form_exports_equivalently(county_admin, township):
    cadre = lrmx_records.import_forms(county_admin, [ZHAO], township)[0]
    exported = _elements(lrmx_records.export_one(county_admin, cadre)[1])
    original = _elements(ZHAO[1])
    # What the export writes in the form software's usual way: 大学 for 大学本科, the degree's school where
    # the degree is from the same school, a month for a family member's birth day, an open résumé end as "--".
    assert exported.pop("QuanRiZhiJiaoYu_XueLi") == "大学" and original.pop("QuanRiZhiJiaoYu_XueLi") == "大学本科"
    assert exported.pop("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi") == original["QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi"]
    original.pop("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi")
    assert exported.pop("JiSuanNianLingShiJian") == "20261201" and original.pop("JiSuanNianLingShiJian") == "202612"
    assert exported["RuDangShiJian"] == "九三学社"
    assert lrmx.parse(lrmx_records.export_one(county_admin, cadre)[1]).resume == lrmx.parse(ZHAO[1]).resume
    exported.pop("JianLi"), original.pop("JianLi"), exported.pop("JiaTingChengYuan"), original.pop("JiaTingChengYuan")
    assert exported == original


def _file_of(cadre):
    """Every value of the cadre's file, field by field (ids and times left out)."""
    def rows(queryset, fields):
        return list(queryset.order_by("pk").values_list(*fields))

    profile = CadreProfile.objects.get(cadre=cadre)
    return {
        "cadre": Cadre.objects.filter(pk=cadre.pk).values(
            "name", "gender", "birth_date", "ethnicity", "native_place", "id_number_index", "party_joined_on",
            "work_started_on", "education_fulltime", "education_inservice", "post").get(),
        "profile": {name: getattr(profile, name) for name in lrmx_records.PROFILE_FIELDS},
        "photo": profile.photo.open("rb").read() if profile.photo else None,
        "resume": rows(cadre.resume_entries, ("starts_on", "ends_on", "text", "concurrent")),
        "education": rows(cadre.education_records, ("kind", "level", "degree", "school", "major")),
        "family": rows(cadre.family_members, ("relation", "name", "birth_date", "political_status", "unit_and_post",
                                             "sort_order")),
        "results": rows(cadre.earlier_assessment_results, ("year", "result")),
    }


@pytest.mark.parametrize("form", [WANG, ZHAO, LIU], ids=lambda form: form[0])
def test_export_then_import_gives_the_same_records_field_by_field(county_admin, township, other_township, form):
    cadre = lrmx_records.import_forms(county_admin, [form], township)[0]
    before = _file_of(cadre)
    name, exported = lrmx_records.export_one(county_admin, cadre)
    lrmx_records.import_forms(county_admin, [(name, exported)], other_township)  # matched: the unit is not used
    assert Cadre.objects.count() == 1
    assert _file_of(cadre) == before


def test_a_team_or_a_list_exports_as_a_zip(county_admin, township):
    cadres = lrmx_records.import_forms(county_admin, [WANG, ZHAO], township)
    content = lrmx_records.export_zip(county_admin, lrmx_records.with_file(Cadre.objects.order_by("pk")),
                                      title="cadres")
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.namelist() == [lrmx_records.file_name(c) for c in cadres]
    assert lrmx.parse(archive.read(archive.namelist()[0])).name == "王建国"
    assert AuditEvent.objects.get(action=AuditEvent.Action.EXPORT).content_type.model == "cadre"


def test_a_refused_import_keeps_no_photo(county_admin, township, settings):
    with pytest.raises(ValidationError):
        lrmx_records.import_forms(county_admin, [WANG, ("bad.lrmx", fixture("bad_checksum.lrmx"))], township)
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
