"""Excel import of résumé entries (简历) and family members (家庭主要成员及重要社会关系), one row per
record. A row names its cadre by ID number (found through the number's fingerprint, the name checked
against it) or, without one, by name and unit among the active cadres the user manages. Each row is
saved through the same service as the pages (no overlapping résumé entries, no birth date in the
future …), and nothing is saved unless every row is right. The previews name family members, so no
browser or proxy keeps them.
"""
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from banzi.core.importing.columns import (
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
from banzi.org.resources import PersonalDataPreviewMixin

from . import personal, services
from .models import FamilyMember, ResumeEntry

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


def _example_cadre(resource):
    cadre = Cadre.objects.visible_to(resource.user).filter(status=Cadre.Status.ACTIVE).first()
    return cadre.name if cadre else "张三"


class CadreRowsResource(PersonalDataPreviewMixin, ImportResource):
    """A row updates the record whose `match_fields` hold the row's values, else creates one."""

    match_fields = ()
    scope_attribute = "cadre"
    personal_columns = {ID_NUMBER: mask_id_number}

    def personal_data_owner(self, instance):
        return instance.cadre if instance.cadre_id else None

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

    cadre = Column(NAME, "cadre", CadreWidget(), required=True, example=_example_cadre)
    id_number = Column(ID_NUMBER, None, example="", help_text=gettext_lazy("finds the cadre; the name must agree"))
    unit = Column(UNIT, None, example="", help_text=gettext_lazy("tells namesakes apart when there is no ID number"))
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


class FamilyMemberResource(CadreRowsResource):
    """Family members, one row each; a row with the same cadre, relation and name updates it."""

    cadre = Column(NAME, "cadre", CadreWidget(), required=True, example=_example_cadre)
    id_number = Column(ID_NUMBER, None, example="", help_text=gettext_lazy("finds the cadre; the name must agree"))
    unit = Column(UNIT, None, example="", help_text=gettext_lazy("tells namesakes apart when there is no ID number"))
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


def _not_cached(patterns):
    for pattern in patterns:
        pattern.callback = never_cache(pattern.callback)
    return patterns


urlpatterns = _not_cached([
    *import_urls("resume", ResumeEntryResource, success_url=reverse_lazy("cadres:resumeentry_list")),
    *import_urls("family", FamilyMemberResource, success_url=reverse_lazy("cadres:familymember_list")),
])
