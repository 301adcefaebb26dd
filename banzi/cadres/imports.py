"""Excel import of the cadre's file, one row per record: résumé entries (简历), education (学历学位),
family members (家庭主要成员及重要社会关系), rewards and punishments (奖惩情况), annual assessment
results of earlier years (年度考核结果) and profiles (one row per cadre). A row names its cadre by ID
number (found through the number's fingerprint, the name checked against it) or, without one, by name
and unit among the active cadres the user manages. Each row is saved through the same service as the
pages (no overlapping résumé entries, no date in the future, no earlier result for a year the
assessment module has published …), and nothing is saved unless every row is right. A row matching
an existing record on the resource's `match_fields` updates it, so a file imported twice does not
duplicate. The previews name family members and show the cadre's file, so no browser or proxy keeps them.
"""
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from import_export import widgets

from banzi.core.importing.columns import (
    ChoiceWidget,
    Column,
    DateWidget,
    IdNumberWidget,
    ScopedForeignKeyWidget,
    YesNoWidget,
)
from banzi.core.importing.resources import ImportResource
from banzi.core.importing.views import import_urls
from banzi.core.masking import mask_id_number
from banzi.org.models import Cadre, id_number_fingerprint
from banzi.org.resources import EDUCATION_LABELS, PersonalDataPreviewMixin

from . import personal, services
from .models import (
    CadreProfile,
    EarlierAssessmentResult,
    EducationRecord,
    FamilyMember,
    ResumeEntry,
    RewardPunishment,
)

NAME, ID_NUMBER, UNIT = "姓名", "身份证号", "单位"


class CadreWidget(ScopedForeignKeyWidget):
    """A cadre the user manages: by the ID number column when it is filled in (the name must agree),
    else by name, with the unit column telling namesakes apart."""

    def __init__(self):
        super().__init__(Cadre, "name", filters={"status": Cadre.Status.ACTIVE})
        self.numbers = IdNumberWidget()

    def lookup_kwargs(self, value, row):
        kwargs = {"name": value}
        unit = str((row or {}).get(UNIT) or "").strip()
        if unit:
            kwargs["organization__name"] = unit
        return kwargs

    def clean(self, value, row=None, **kwargs):
        number = self.numbers.clean((row or {}).get(ID_NUMBER))
        if not number:
            return super().clean(value, row, **kwargs)
        key = ("id_number", number)
        if key not in self._cache:
            self._cache[key] = (self.get_queryset(value, row).filter(id_number_index=id_number_fingerprint(number))
                                .first())
        cadre = self._cache[key]
        if cadre is None:
            raise ValueError(_("No active cadre you manage has this ID number; import the cadre's record first."))
        name = "" if value is None else str(value).strip()
        if name and name != cadre.name:
            raise ValueError(_("This ID number belongs to %(name)s, not %(given)s.") % {"name": cadre.name,
                                                                                         "given": name})
        return cadre

    def not_found_message(self, text):
        return _("No active cadre named “%(value)s” (in that unit) is among the cadres you manage.") % {"value": text}

    def ambiguous_message(self, text):
        return _("Several cadres you manage are named “%(value)s”; fill in the column %(column)s or %(other)s.") % {
            "value": text, "column": ID_NUMBER, "other": UNIT}

    def describe(self):
        return _("the cadre's name; with the ID number or the unit when two cadres share a name")


class YearWidget(widgets.Widget):
    """A year as a number or as text (2019, 2019年)."""

    by_value = True

    def __init__(self):
        super().__init__(coerce_to_string=True)

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip().removesuffix("年")
        if not text.isdigit() or len(text) != 4:
            raise ValueError(_("“%(value)s” is not a year; write it like 2026.") % {"value": value})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)

    def describe(self):
        return _("a year, e.g. 2019")


# Accepted file labels per choice; the first is the one the template writes.
EDUCATION_KIND_LABELS = {
    EducationRecord.Kind.FULLTIME: ["全日制", "全日制教育"],
    EducationRecord.Kind.INSERVICE: ["在职", "在职教育"],
}
REWARD_KIND_LABELS = {
    RewardPunishment.Kind.REWARD: ["奖励"],
    RewardPunishment.Kind.PUNISHMENT: ["惩处", "处分", "惩戒"],
}


def _example_cadre(resource):
    cadre = Cadre.objects.visible_to(resource.user).filter(status=Cadre.Status.ACTIVE).first()
    return cadre.name if cadre else "张三"


def cadre_columns():
    """The three columns that find a row's cadre, first in every file of the cadre's file."""
    return (
        Column(NAME, "cadre", CadreWidget(), required=True, example=_example_cadre),
        Column(ID_NUMBER, None, example="", help_text=gettext_lazy("finds the cadre; the name must agree")),
        Column(UNIT, None, example="", help_text=gettext_lazy("tells namesakes apart when there is no ID number")),
    )


class CadreRowsResource(PersonalDataPreviewMixin, ImportResource):
    """A row updates the record whose `match_fields` hold the row's values, else creates one."""

    match_fields = ()
    scope_attribute = "cadre"
    personal_columns = {ID_NUMBER: mask_id_number}

    def personal_data_owner(self, instance):
        return instance.cadre if instance.cadre_id else None

    def match_headings(self):
        return [self.fields[name].column_name for name in self.match_fields]

    def find_instance(self, instance_loader, row):
        values = {}
        for name in self.match_fields:
            column = self.fields[name]
            if column.column_name not in row:
                return None
            values[name] = column.clean(row)
            if values[name] in (None, ""):
                return None
        return self.get_queryset().filter(**values).first()


class ResumeEntryResource(CadreRowsResource):
    """Résumé entries, one row each; a row with the same cadre, start month and text updates it."""

    cadre, id_number, unit = cadre_columns()
    starts_on = Column("起始年月", "starts_on", DateWidget(), required=True, example="2015.03")
    ends_on = Column("终止年月", "ends_on", DateWidget(), example="2018.06",
                     help_text=gettext_lazy("leave empty for to date"))
    text = Column("单位及职务", "text", required=True, example="某某镇党委委员、副镇长")
    concurrent = Column("是否兼任", "concurrent", YesNoWidget(), example="否")

    service = staticmethod(services.save_resume_entry)
    duplicate_columns = (NAME, ID_NUMBER, UNIT, "起始年月", "单位及职务")
    label_columns = (NAME, "起始年月")
    match_fields = ("cadre", "starts_on", "text")

    class Meta:
        model = ResumeEntry


class EducationRecordResource(CadreRowsResource):
    """Full-time and in-service education, one row each; a row with the same cadre, kind, education
    level and school updates it (a degree from another school than the level's is a row of its own)."""

    cadre, id_number, unit = cadre_columns()
    kind = Column("教育类别", "kind", ChoiceWidget(EducationRecord.Kind, EDUCATION_KIND_LABELS), required=True,
                  example="全日制")
    level = Column("学历", "level", ChoiceWidget(Cadre.Education, EDUCATION_LABELS), required=True, example="大学")
    degree = Column("学位", "degree", example="法学学士")
    school = Column("毕业院校", "school", required=True, example="某某大学",
                    help_text=gettext_lazy("the school that awarded the education level"))
    major = Column("所学专业", "major", example="法学")
    graduated_on = Column("毕业年月", "graduated_on", DateWidget(), example="2008.07")

    service = staticmethod(services.save_education_record)
    duplicate_columns = (NAME, ID_NUMBER, UNIT, "教育类别", "学历", "毕业院校")
    label_columns = (NAME, "学历")
    match_fields = ("cadre", "kind", "level", "school")

    class Meta:
        model = EducationRecord


class FamilyMemberResource(CadreRowsResource):
    """Family members, one row each; a row with the same cadre, relation and name updates it."""

    cadre, id_number, unit = cadre_columns()
    relation = Column("称谓", "relation", required=True, example="妻子")
    name = Column("家庭成员姓名", "name", required=True, example="李某某")
    birth_date = Column("出生年月", "birth_date", DateWidget(), example="1980.05")
    political_status = Column("政治面貌", "political_status", example="中共党员")
    unit_and_post = Column("工作单位及职务", "unit_and_post", example="某某县第一中学教师")

    service = staticmethod(services.save_family_member)
    duplicate_columns = (NAME, ID_NUMBER, UNIT, "称谓", "家庭成员姓名")
    label_columns = (NAME, "称谓")
    match_fields = ("cadre", "relation", "name")
    personal_columns = {ID_NUMBER: mask_id_number, "家庭成员姓名": personal.mask_name,
                        "出生年月": lambda v: v[:4] if v else v}

    class Meta:
        model = FamilyMember


class RewardPunishmentResource(CadreRowsResource):
    """Rewards and punishments, one row each; a row with the same cadre, title and decision date updates it."""

    cadre, id_number, unit = cadre_columns()
    kind = Column("奖惩类别", "kind", ChoiceWidget(RewardPunishment.Kind, REWARD_KIND_LABELS), required=True,
                  example="奖励")
    title = Column("奖惩名称", "title", required=True, example="某某县优秀共产党员")
    decided_on = Column("批准日期", "decided_on", DateWidget(), required=True, example="2024-06-28")
    decided_by = Column("批准机关", "decided_by", example="中共某某县委")
    document_number = Column("批准文号", "document_number", example="某发〔2024〕12号")

    service = staticmethod(services.save_reward_punishment)
    duplicate_columns = (NAME, ID_NUMBER, UNIT, "奖惩名称", "批准日期")
    label_columns = (NAME, "奖惩名称")
    match_fields = ("cadre", "title", "decided_on")

    class Meta:
        model = RewardPunishment


class EarlierAssessmentResultResource(CadreRowsResource):
    """Annual results of years before the assessment module, one row per cadre and year; a row for a
    cadre and year already entered updates its result."""

    cadre, id_number, unit = cadre_columns()
    year = Column("考核年度", "year", YearWidget(), required=True, example="2015",
                  help_text=gettext_lazy("not a year the assessment module has published the cadre's result for"))
    result = Column("考核结果", "result", required=True, example="称职",
                    help_text=gettext_lazy("as the archive writes it, e.g. 优秀, 称职"))

    service = staticmethod(services.save_earlier_result)
    duplicate_columns = (NAME, ID_NUMBER, UNIT, "考核年度")
    example_columns = (NAME, ID_NUMBER, UNIT, "考核年度", "考核结果")
    label_columns = (NAME, "考核年度")
    match_fields = ("cadre", "year")

    class Meta:
        model = EarlierAssessmentResult


class CadreProfileResource(CadreRowsResource):
    """Profiles, one row per cadre (the photo is uploaded on the profile's page); a row for a cadre
    who has a profile updates it, and only the columns the file has are changed."""

    cadre, id_number, unit = cadre_columns()
    birthplace = Column("出生地", "birthplace", example="某某省某某县")
    health = Column("健康状况", "health", example="健康")
    professional_title = Column("专业技术职务", "professional_title", example="经济师")
    speciality = Column("熟悉专业有何专长", "speciality", example="某某工作")
    party_affiliation = Column("民主党派", "party_affiliation", example="",
                               help_text=gettext_lazy("a democratic party the cadre belongs to, e.g. 九三学社"))
    proposed_post = Column("拟任职务", "proposed_post", example="")
    proposed_removal = Column("拟免职务", "proposed_removal", example="")
    appointment_reason = Column("任免理由", "appointment_reason", example="")
    reporting_unit = Column("呈报单位", "reporting_unit", example="")
    age_reference_date = Column("计算年龄时间", "age_reference_date", DateWidget(), example="")
    form_filled_on = Column("填表时间", "form_filled_on", DateWidget(), example="")
    form_filled_by = Column("填表人", "form_filled_by", example="")
    rewards_text = Column("奖惩情况", "rewards_text", example="",
                          help_text=gettext_lazy("the form's text; single rewards and punishments have their own import"))
    assessment_text = Column("年度考核结果", "assessment_text", example="",
                             help_text=gettext_lazy("the form's text; results of single years have their own import"))

    service = staticmethod(services.save_profile)
    duplicate_columns = (NAME, ID_NUMBER, UNIT)
    example_columns = (NAME, ID_NUMBER, UNIT, "出生地", "熟悉专业有何专长")
    label_columns = (NAME,)
    match_fields = ("cadre",)

    class Meta:
        model = CadreProfile


def _not_cached(patterns):
    for pattern in patterns:
        pattern.callback = never_cache(pattern.callback)
    return patterns


urlpatterns = _not_cached([
    *import_urls("resume", ResumeEntryResource, success_url=reverse_lazy("cadres:resumeentry_list")),
    *import_urls("family", FamilyMemberResource, success_url=reverse_lazy("cadres:familymember_list")),
    *import_urls("education", EducationRecordResource, success_url=reverse_lazy("cadres:educationrecord_list")),
    *import_urls("rewards", RewardPunishmentResource, success_url=reverse_lazy("cadres:rewardpunishment_list")),
    *import_urls("earlier-results", EarlierAssessmentResultResource,
                 success_url=reverse_lazy("cadres:earlierassessmentresult_list")),
    *import_urls("profiles", CadreProfileResource, success_url=reverse_lazy("cadres:cadreprofile_list")),
])
