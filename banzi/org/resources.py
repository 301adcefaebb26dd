"""Excel import of the registry: cadre rosters and team memberships.

Column headings and the values of choice columns are the Chinese words of the rosters the
organization departments already keep; they are the file format, the same whatever the UI language.
"""
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core.errors import Code
from banzi.core.importing.columns import (
    PREFETCH_BATCH,
    ChoiceWidget,
    Column,
    DateWidget,
    IdNumberWidget,
    ScopedForeignKeyWidget,
    YesNoWidget,
)
from banzi.core.importing.resources import ImportResource
from banzi.core.masking import mask_id_number, mask_phone, may_see_personal_data
from banzi.core.pinyin import pinyin_and_initials
from banzi.core.validators import id_number_check_digit

from .models import Cadre, Organization, Position, Team, TeamMembership, id_number_fingerprint

# Accepted file labels per choice; the first is the one the template writes.
GENDER_LABELS = {Cadre.Gender.MALE: ["男"], Cadre.Gender.FEMALE: ["女"]}
EDUCATION_LABELS = {
    Cadre.Education.POSTGRADUATE: ["研究生", "硕士研究生", "博士研究生", "硕士", "博士"],
    Cadre.Education.UNIVERSITY: ["大学", "大学本科", "本科"],
    Cadre.Education.COLLEGE: ["大专", "大学专科", "专科"],
    Cadre.Education.SECONDARY: ["中专", "中等专科"],
    Cadre.Education.HIGH_SCHOOL: ["高中"],
    Cadre.Education.BELOW: ["初中及以下", "初中", "小学"],
}
RANK_LABELS = {
    Cadre.Rank.SECTION_CHIEF: ["正科级", "正科"],
    Cadre.Rank.DEPUTY_SECTION_CHIEF: ["副科级", "副科"],
    Cadre.Rank.PRINCIPAL_STAFF: ["主任科员"],
    Cadre.Rank.STAFF: ["科员"],
    Cadre.Rank.CLERK: ["办事员"],
    Cadre.Rank.OTHER: ["其他"],
}

EXAMPLE_BIRTH_DATE = datetime.date(1985, 6, 15)
_EXAMPLE_ID_FIRST17 = f"141023{EXAMPLE_BIRTH_DATE:%Y%m%d}001"  # odd sequence digit: male
EXAMPLE_ID_NUMBER = _EXAMPLE_ID_FIRST17 + id_number_check_digit(_EXAMPLE_ID_FIRST17)


def _example_township(resource):
    township = Organization.objects.visible_to(resource.user).filter(kind=Organization.Kind.TOWNSHIP).first()
    return township.name if township else "某某镇"


class OrganizationWidget(ScopedForeignKeyWidget):
    """A unit by name among the organizations the user manages; “township/unit” where two units share
    a name (two villages called 东村 in different townships)."""

    SEPARATORS = ("/", "／")

    def __init__(self, kinds=None):
        super().__init__(Organization, "name", filters={"kind__in": kinds} if kinds else None)

    def get_queryset(self, value, row):
        # The township decides the scope of what is placed in the unit: read with it.
        return super().get_queryset(value, row).select_related("township")

    def lookup_kwargs(self, value, row):
        for separator in self.SEPARATORS:
            if separator in value:
                parent, name = (part.strip() for part in value.rsplit(separator, 1))
                return {"parent__name": parent, "name": name}
        return {"name": value}

    def not_found_message(self, text):
        return _("There is no organization named “%(value)s” among the organizations you manage.") % {"value": text}

    def ambiguous_message(self, text):
        return _("More than one organization is named “%(value)s”; write it as “township/%(value)s”.") % {
            "value": text}

    def describe(self):
        return _("the name of a unit you manage, as in the organization list")


class TeamWidget(ScopedForeignKeyWidget):
    """A township's leadership team: the one elected on the date in the election-date column, or,
    when that cell is empty, the township's current team."""

    def __init__(self, election_column):
        super().__init__(Team)
        self.election_column = election_column
        self.townships = OrganizationWidget(kinds=[Organization.Kind.TOWNSHIP])

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        self.townships.user = self.user
        township = self.townships.clean(text, row)
        elected_on = DateWidget().clean((row or {}).get(self.election_column))
        key = (township.pk, elected_on)
        if key not in self._cache:
            teams = Team.objects.visible_to(self.user).filter(township=township)
            self._cache[key] = list(teams.filter(elected_on=elected_on) if elected_on else teams.current()[:2])
        found = self._cache[key]
        if elected_on and not found:
            raise ValueError(_("%(township)s has no leadership team elected on %(date)s.")
                             % {"township": township, "date": elected_on.isoformat()})
        if len(found) != 1:
            raise ValueError(_("Enter the election date: %(township)s has no single current leadership team.")
                             % {"township": township})
        return found[0]

    def prefetch(self, values):
        """Teams are found by township and election date (`clean`), not by a name."""

    def render(self, value, obj=None, **kwargs):
        return value.township.name if value else ""

    def describe(self):
        return _("the township; with the election date it picks the team (empty date: the current team)")


class CadreByIdNumberWidget(ScopedForeignKeyWidget):
    """A cadre found by ID number among the cadres the user manages; the name column, if filled in,
    must agree, which catches a mistyped number that happens to belong to someone else."""

    def __init__(self, name_column):
        super().__init__(Cadre, "id_number")  # what the preview shows; found through the fingerprint
        self.name_column = name_column
        self.numbers = IdNumberWidget(required=True)

    def clean(self, value, row=None, **kwargs):
        number = self.numbers.clean(value)
        if number not in self._cache:
            self._cache[number] = (Cadre.objects.visible_to(self.user)
                                   .filter(id_number_index=id_number_fingerprint(number)).first())
        cadre = self._cache[number]
        if cadre is None:
            raise ValueError(_("No cadre you manage has this ID number; import the cadre's record first."))
        name = str((row or {}).get(self.name_column) or "").strip()
        if name and name != cadre.name:
            raise ValueError(_("This ID number belongs to %(name)s, not %(given)s.") % {"name": cadre.name, "given": name})
        return cadre

    def prefetch(self, values):
        """Cadres are found by the fingerprint of their ID number (`clean`), not by a name."""

    def describe(self):
        return _("the cadre's ID number; the cadre must already be in the registry")


class PersonalDataPreviewMixin:
    """A preview shows a cadre's ID number and phone as `core.masking` decides for the importing user."""

    personal_columns = {}  # heading -> mask

    def personal_data_owner(self, instance):
        return instance

    def after_import_row(self, row, row_result, **kwargs):
        owner = self.personal_data_owner(row_result.instance) if row_result.instance is not None else None
        super().after_import_row(row, row_result, **kwargs)
        if may_see_personal_data(self.user, owner):
            return
        for change in row_result.changes:
            mask = self.personal_columns.get(change["column"])
            if mask:
                change["old"], change["new"] = mask(change["old"]), mask(change["new"])


class CadreResource(PersonalDataPreviewMixin, ImportResource):
    """A cadre roster (干部名册): a cadre is found by ID number and updated, or created."""

    name = Column("姓名", "name", required=True, example="张三")
    gender = Column("性别", "gender", ChoiceWidget(Cadre.Gender, GENDER_LABELS), required=True, example="男")
    ethnicity = Column("民族", "ethnicity", example="汉族")
    birth_date = Column("出生日期", "birth_date", DateWidget(), required=True, example=EXAMPLE_BIRTH_DATE)
    id_number = Column(
        "身份证号", "id_number", IdNumberWidget(required=True), required=True, example=EXAMPLE_ID_NUMBER,
        help_text=gettext_lazy("finds the cadre's record; a number not yet in the registry adds a cadre"),
    )
    native_place = Column("籍贯", "native_place", example="山西襄汾")
    party_joined_on = Column("入党时间", "party_joined_on", DateWidget(), example=datetime.date(2008, 7, 1))
    work_started_on = Column("参加工作时间", "work_started_on", DateWidget(), example=datetime.date(2007, 8, 1))
    education_fulltime = Column(
        "全日制学历", "education_fulltime", ChoiceWidget(Cadre.Education, EDUCATION_LABELS), example="大学")
    education_inservice = Column(
        "在职学历", "education_inservice", ChoiceWidget(Cadre.Education, EDUCATION_LABELS), example="研究生")
    organization = Column("现工作单位", "organization", OrganizationWidget(), required=True, example=_example_township)
    post = Column("现任职务", "post", example="党委委员、副镇长")
    rank = Column("职级", "rank", ChoiceWidget(Cadre.Rank, RANK_LABELS), example="副科级")
    phone = Column("联系电话", "phone", example="13912345678")
    is_newly_promoted = Column("新提拔", "is_newly_promoted", YesNoWidget(), example="是")
    promoted_on = Column("提拔时间", "promoted_on", DateWidget(), example=datetime.date(2022, 3, 1))
    is_key_position = Column("关键岗位", "is_key_position", YesNoWidget(), example="否")

    scope_attribute = "organization"
    personal_columns = {"身份证号": mask_id_number, "联系电话": mask_phone}
    duplicate_columns = ("身份证号",)
    label_columns = ("姓名",)

    class Meta:
        model = Cadre
        import_id_fields = ["id_number"]

    # The roster is imported in batches (see `ImportResource.run_batched`): the cadres the file
    # names and the fingerprints taken are looked up once, the rows validated in memory.
    batched = True

    def _number(self, row):
        column = self.fields["id_number"]
        if column.column_name not in row:
            return ""
        try:
            return self.read_cell(column, row)  # read once a file: the prefetch, then the row (`read_cells`)
        except ValueError:
            return ""  # the column's own error is reported when the row is read

    def _fingerprint(self, number):
        if number not in self._fingerprints:
            self._fingerprints[number] = id_number_fingerprint(number)
        return self._fingerprints[number]

    def _pinyin(self, name):
        """The name's pinyin and initials, worked out once per distinct name of the file."""
        if name not in self._pinyins:
            self._pinyins[name] = pinyin_and_initials(name)
        return self._pinyins[name]

    def prefetch(self, rows):
        super().prefetch(rows)
        self._fingerprints, self._pinyins = {}, {}
        prints = sorted({self._fingerprint(number) for number in map(self._number, rows) if number})
        self._existing, self._taken = {}, {}
        for start in range(0, len(prints), PREFETCH_BATCH):
            chunk = prints[start:start + PREFETCH_BATCH]
            # A number any cadre has is taken; the cadres among them the user may change are updated
            # (looked up only when a number of the chunk is taken: a roster of new cadres takes one query).
            taken = dict(Cadre._base_manager.filter(id_number_index__in=chunk).values_list("id_number_index", "pk"))
            self._taken.update(taken)
            if taken:
                self._existing.update((cadre.id_number_index, cadre) for cadre in self.get_queryset().filter(
                    id_number_index__in=list(taken)).select_related("organization"))

    def find_existing(self, row):
        number = self._number(row)
        return self._existing.get(self._fingerprint(number)) if number else None

    def check_batch(self, instance, index, errors):
        """One cadre per ID number (`Cadre.validate_unique`), against the fingerprints looked up once;
        two rows with one number are already errors (`duplicate_columns`)."""
        if "id_number" in errors or not instance.id_number:
            return
        owner = self._taken.get(self._fingerprint(instance.id_number))
        if owner is not None and owner != instance.pk:
            errors["id_number"] = [ValidationError(_("Another cadre already has this ID number."), code=Code.UNIQUE)]

    def prepare_for_write(self, instance):
        """What `Cadre.save` derives: the normalized ID number, the fingerprints, the pinyin."""
        if instance.id_number == "":
            instance.id_number = None
        if instance.id_number:
            instance.id_number = instance.id_number.strip().upper()
        instance.id_number_index = self._fingerprint(instance.id_number) if instance.id_number else None
        instance.phone_index = Cadre.phone_fingerprint(instance.phone)
        instance.name_pinyin, instance.name_initials = self._pinyin(instance.name)

    def write_fields(self):
        return [*super().write_fields(), "id_number_index", "phone_index", "name_pinyin", "name_initials"]

    def find_instance(self, instance_loader, row):
        """The cadre with this ID number among those the user may change, through the number's
        fingerprint (the sealed numbers cannot be compared in the database)."""
        column = self.fields["id_number"]
        if column.column_name not in row:
            return None
        number = column.clean(row)
        if not number:
            return None
        return self.get_queryset().filter(id_number_index=id_number_fingerprint(number)).first()


class TeamMembershipResource(PersonalDataPreviewMixin, ImportResource):
    """Team members (班子成员): a membership is found by team, cadre, position and start date and
    updated (an end date, a document number), or created."""

    team = Column(
        "乡镇", "team", TeamWidget(election_column="换届日期"), required=True, example=_example_township,
        error_label="乡镇 / 换届日期",
    )
    elected_on = Column(
        "换届日期", None, DateWidget(), example=datetime.date(2021, 9, 1),
        help_text=gettext_lazy("the election date of the team; leave empty for the township's current team"),
    )
    cadre_name = Column("姓名", None, example="张三", help_text=gettext_lazy("checked against the ID number"))
    cadre = Column("身份证号", "cadre", CadreByIdNumberWidget(name_column="姓名"), required=True,
                   example=EXAMPLE_ID_NUMBER)
    position = Column(
        "职务", "position", ScopedForeignKeyWidget(Position, "name", filters={"is_active": True}), required=True,
        example="党委书记", help_text=gettext_lazy("a position from the position catalog"),
    )
    is_head = Column("是否班长", "is_head", YesNoWidget(), example="是",
                     help_text=gettext_lazy("a team has one head at a time"))
    started_on = Column("任职时间", "started_on", DateWidget(), required=True, example=datetime.date(2021, 9, 1))
    ended_on = Column("免职时间", "ended_on", DateWidget())
    appointment_document = Column("任职文号", "appointment_document", example="襄组字〔2021〕12号")

    scope_attribute = "team"
    personal_columns = {"身份证号": mask_id_number}
    duplicate_columns = ("身份证号", "职务", "乡镇", "换届日期", "任职时间")
    label_columns = ("姓名", "职务")

    class Meta:
        model = TeamMembership

    def personal_data_owner(self, instance):
        return instance.cadre if instance.cadre_id else None

    def find_instance(self, instance_loader, row):
        values = {}
        for name in ("team", "cadre", "position", "started_on"):
            column = self.fields[name]
            if column.column_name not in row:
                return None
            values[name] = column.clean(row)
            if values[name] is None:
                return None
        return self.get_queryset().filter(**values).first()
