"""Excel import of duty rosters and of attendance (pages from core.importing): every row is checked
and saved through the same services as the pages, and nothing is saved unless every row is right
(unknown names, impossible dates, a cadre outside the township, two rows for one night or one day
are all reported at once).

Roster rows: 乡镇, 日期, 带班领导, 值班人员, 备注 — one row a night; the township's roster of that
month is found or drafted. Attendance rows: 姓名, 单位, 日期, 考勤, 备注 — as an attendance export
lists them, one row per cadre and day.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core import clock
from banzi.core.errors import single_errors
from banzi.core.importing.columns import ChoiceWidget, Column, DateWidget, ScopedForeignKeyWidget
from banzi.core.importing.resources import ImportResource
from banzi.core.importing.views import import_urls
from banzi.org.models import Cadre, Organization
from banzi.org.resources import OrganizationWidget

from . import services
from .models import AttendanceRecord, DutyRoster, DutyShift

TOWNSHIP, DATE, LEADER, STAFF, NAME, UNIT, STATUS = "乡镇", "日期", "带班领导", "值班人员", "姓名", "单位", "考勤"

STATUS_LABELS = {
    AttendanceRecord.Status.PRESENT: ["出勤", "在岗", "正常", "√"],
    AttendanceRecord.Status.LEAVE: ["请假", "病假", "事假", "年休假", "休假"],
    AttendanceRecord.Status.BUSINESS_TRIP: ["出差", "公差"],
    AttendanceRecord.Status.OUTING: ["外出"],
    AttendanceRecord.Status.ABSENT: ["缺勤", "旷工", "×"],
}


def _example_township(resource):
    township = Organization.objects.visible_to(resource.user).filter(kind=Organization.Kind.TOWNSHIP).first()
    return township.name if township else "某某镇"


def _example_date(resource):
    return clock.today()


class RosterWidget(ScopedForeignKeyWidget):
    """The township's roster for the month of the row's date: found, or prepared as a draft."""

    def __init__(self):
        super().__init__(DutyRoster)
        self.townships = OrganizationWidget(kinds=[Organization.Kind.TOWNSHIP])
        self.dates = DateWidget()

    def township(self, value, row):
        self.townships.user = self.user
        township = self.townships.clean(value, row)
        if township is None:
            raise ValueError(_("Enter the township in the column %(column)s.") % {"column": TOWNSHIP})
        return township

    def clean(self, value, row=None, **kwargs):
        township = self.township(value, row)
        try:
            day = self.dates.clean((row or {}).get(DATE))
        except ValueError:
            day = None
        if day is None:
            raise ValueError(_("The roster's month comes from the column %(column)s, which needs a valid date.")
                             % {"column": DATE})
        key = ("roster", township.pk, day.year, day.month)
        if key not in self._cache:
            found = DutyRoster.objects.visible_to(self.user).filter(
                township=township, year=day.year, month=day.month).first()
            self._cache[key] = found or DutyRoster(township=township, year=day.year, month=day.month)
        return self._cache[key]

    def render(self, value, obj=None, **kwargs):
        return value.township.name if value else ""

    def describe(self):
        return _("the township; its roster for the month of the date is found or drafted")


class TownshipCadreWidget(ScopedForeignKeyWidget):
    """A cadre by name among the active cadres of the row's township."""

    def __init__(self):
        super().__init__(Cadre, "name", filters={"status": Cadre.Status.ACTIVE})

    def lookup_kwargs(self, value, row):
        return {"name": value, "organization__township__name": str((row or {}).get(TOWNSHIP) or "").strip()}

    def not_found_message(self, text):
        return _("No cadre named “%(value)s” works in that township among the cadres you manage.") % {"value": text}

    def ambiguous_message(self, text):
        return _("Two cadres in that township are named “%(value)s”; tell them apart in the registry first.") % {
            "value": text}

    def describe(self):
        return _("a cadre's name in the township")


@transaction.atomic
def import_shift(user, shift, *, reason=""):
    """Save an imported night: the month's roster first (drafted if new), then the shift."""
    if shift.roster.pk is None:
        try:
            shift.roster = services.save_roster(user, shift.roster, reason=reason)
        except ValidationError as exc:
            errors = single_errors(exc)  # each keeps its code
            raise ValidationError({"roster": ValidationError(errors)}) from exc
    return services.save_shift(user, shift, reason=reason)


class DutyShiftResource(ImportResource):
    """A duty roster, one row a night."""

    roster = Column(TOWNSHIP, "roster", RosterWidget(), required=True, example=_example_township)
    date = Column(DATE, "date", DateWidget(), required=True, example=_example_date)
    leader = Column(LEADER, "leader", TownshipCadreWidget(), required=True, example="张三",
                    help_text=gettext_lazy("a member of the township's leadership team"))
    staff = Column(STAFF, "staff", TownshipCadreWidget(), required=True, example="李四")
    notes = Column("备注", "notes", example="")

    service = staticmethod(import_shift)
    duplicate_columns = (DATE, TOWNSHIP)
    example_columns = (TOWNSHIP, DATE, LEADER, STAFF)  # a real roster has tonight in one's township too
    label_columns = (TOWNSHIP, DATE)

    class Meta:
        model = DutyShift

    def find_instance(self, instance_loader, row):
        try:
            roster = self.fields["roster"].widget.clean(row.get(TOWNSHIP), row)
            day = DateWidget().clean(row.get(DATE))
        except (ValueError, ValidationError):
            return None
        if roster.pk is None or day is None:
            return None
        return self.get_queryset().filter(roster=roster, date=day).first()


class UnitCadreWidget(ScopedForeignKeyWidget):
    """A cadre by name among the active cadres the user manages, narrowed by the unit column if given."""

    def __init__(self):
        super().__init__(Cadre, "name", filters={"status": Cadre.Status.ACTIVE})

    def lookup_kwargs(self, value, row):
        unit = str((row or {}).get(UNIT) or "").strip()
        return {"name": value, "organization__name": unit} if unit else {"name": value}

    def not_found_message(self, text):
        return _("No cadre named “%(value)s” among the cadres you manage (in the unit given).") % {"value": text}

    def ambiguous_message(self, text):
        return _("More than one cadre is named “%(value)s”; fill in the column %(column)s.") % {
            "value": text, "column": UNIT}

    def describe(self):
        return _("a cadre's name as in the registry")


class AttendanceRecordResource(ImportResource):
    """Attendance, one row per cadre and day."""

    cadre = Column(NAME, "cadre", UnitCadreWidget(), required=True, example="张三")
    unit = Column(UNIT, None, example=_example_township,
                  help_text=gettext_lazy("the cadre's unit; needed only where two cadres share a name"))
    date = Column(DATE, "date", DateWidget(), required=True, example=_example_date)
    status = Column(STATUS, "status", ChoiceWidget(AttendanceRecord.Status, STATUS_LABELS), required=True,
                    example="出勤")
    note = Column("备注", "note", example="")

    service = staticmethod(services.save_attendance)
    duplicate_columns = (NAME, UNIT, DATE)
    label_columns = (NAME, DATE)

    class Meta:
        model = AttendanceRecord

    def find_instance(self, instance_loader, row):
        try:
            cadre = self.fields["cadre"].widget.clean(row.get(NAME), row)
            day = DateWidget().clean(row.get(DATE))
        except (ValueError, ValidationError):
            return None
        if cadre is None or day is None:
            return None
        return self.get_queryset().filter(cadre=cadre, date=day).first()


urlpatterns = [
    *import_urls("duty-shifts", DutyShiftResource, success_url=reverse_lazy("conduct:dutyroster_list")),
    *import_urls("attendance", AttendanceRecordResource, success_url=reverse_lazy("conduct:attendancerecord_list")),
]
