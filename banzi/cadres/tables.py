"""Tables of the cadre-file lists (also the columns of their Excel exports)."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from banzi.core.tables import BaseTable, YesNoColumn

from . import personal
from .models import (
    CadreProfile,
    EarlierAssessmentResult,
    EducationRecord,
    FamilyMember,
    ResumeEntry,
    RewardPunishment,
)


def _viewer(table):
    return getattr(getattr(table, "request", None), "user", None)


def _link(record):
    return record.get_absolute_url()


class MonthColumn(tables.DateColumn):
    """A month as the form writes it (2015.03)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "Y.m")
        super().__init__(*args, **kwargs)

    def value(self, value, **kwargs):
        return value.strftime("%Y.%m") if value else ""


class CadreTableMixin(tables.Table):
    cadre = tables.Column(linkify=True, order_by=("cadre__name_pinyin",))
    unit = tables.Column(accessor="cadre__organization", verbose_name=_("current unit"), orderable=False)


class CadreProfileTable(CadreTableMixin, BaseTable):
    cadre = tables.Column(linkify=_link, order_by=("cadre__name_pinyin",))
    has_photo = tables.Column(accessor="photo", verbose_name=_("photo"), orderable=False)

    class Meta(BaseTable.Meta):
        model = CadreProfile
        fields = ("cadre", "unit", "birthplace", "health", "professional_title", "speciality", "has_photo")

    def render_has_photo(self, value):
        return _("Yes") if value else _("No")

    def value_has_photo(self, value):
        return str(_("Yes")) if value else str(_("No"))


class ResumeEntryTable(CadreTableMixin, BaseTable):
    starts_on = MonthColumn(linkify=_link)
    ends_on = MonthColumn(default="—")
    concurrent = YesNoColumn()

    class Meta(BaseTable.Meta):
        model = ResumeEntry
        fields = ("cadre", "unit", "starts_on", "ends_on", "text", "concurrent")
        order_by = ("cadre", "starts_on")


class EducationRecordTable(CadreTableMixin, BaseTable):
    kind = tables.Column(linkify=_link)
    graduated_on = MonthColumn(default="—")

    class Meta(BaseTable.Meta):
        model = EducationRecord
        fields = ("cadre", "unit", "kind", "level", "degree", "school", "major", "graduated_on")


class FamilyMemberTable(CadreTableMixin, BaseTable):
    relation = tables.Column(linkify=_link)
    name = tables.Column()
    birth_date = tables.DateColumn(format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = FamilyMember
        fields = ("cadre", "unit", "relation", "name", "birth_date", "political_status", "unit_and_post")

    def _shown(self, record):
        return personal.shown_member(_viewer(self), record)

    def render_name(self, record):
        return self._shown(record)[0]

    def value_name(self, record):
        return self._shown(record)[0]

    def render_birth_date(self, record):
        shown = self._shown(record)[1]
        return shown.isoformat() if hasattr(shown, "isoformat") else (shown or "—")

    def value_birth_date(self, record):
        return self._shown(record)[1] or ""


class RewardPunishmentTable(CadreTableMixin, BaseTable):
    title = tables.Column(linkify=_link)
    decided_by = tables.Column(verbose_name=_("deciding body"))

    class Meta(BaseTable.Meta):
        model = RewardPunishment
        fields = ("cadre", "unit", "kind", "title", "decided_on", "decided_by", "document_number")


class EarlierAssessmentResultTable(CadreTableMixin, BaseTable):
    year = tables.Column(linkify=_link)
    result = tables.Column(verbose_name=_("assessment result"))

    class Meta(BaseTable.Meta):
        model = EarlierAssessmentResult
        fields = ("cadre", "unit", "year", "result")
