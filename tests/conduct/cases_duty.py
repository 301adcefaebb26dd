"""Generic-test cases of overnight duty, swaps, spot checks and attendance."""
import datetime

from banzi.conduct.duty.models import (
    AttendanceRecord,
    DutyCheckIn,
    DutyRoster,
    DutyShift,
    DutySwap,
    SpotCheck,
)
from tests import factories as f
from tests.conduct import duty_factories as d
from tests.generic import ModelCase, register


def _roster_form(township):
    year, month = d.free_month()
    return {"township": township.pk, "year": str(year), "month": str(month), "notes": ""}


def _move_roster(record, other):
    record.township = other


register(ModelCase(
    model=DutyRoster,
    make=lambda township: d.roster(township),
    form_data=_roster_form,
    update={"notes": "节假日加强值班"},
    move=_move_roster,
    export_label=str,
))


def _shift_form(township):
    parent = d.roster(township, published=True)
    return {"roster": parent.pk, "date": parent.first_day.isoformat(), "leader": d.team_member(township).pk,
            "staff": f.CadreFactory(organization=township).pk, "notes": ""}


def _move_shift(record, other):
    record.roster = d.roster(other)


register(ModelCase(
    model=DutyShift,
    make=lambda township: d.spread_shift(township),
    form_data=_shift_form,
    update={"notes": "带班领导手机保持畅通"},
    move=_move_shift,
    make_own=lambda cadre: d.spread_shift(cadre.organization, staff=cadre),
    export_label=lambda record: record.date.isoformat(),
))


def _swap_form(township):
    night = d.shift(township, d.today() + datetime.timedelta(days=400 + d.n()))
    return {"shift": night.pk, "requested_by": night.staff.pk,
            "replacement": f.CadreFactory(organization=township).pk, "reason": "参加培训"}


def _move_swap(record, other):
    record.shift = d.shift(other, d.today() + datetime.timedelta(days=400 + d.n()))


register(ModelCase(
    model=DutySwap,
    make=lambda township: d.swap(township),
    form_data=_swap_form,
    update={"reason": "家中有急事"},
    move=_move_swap,
    make_own=lambda cadre: d.swap(cadre.organization, requested_by=cadre),
    cadre_writes_own=True,
))


def _check_in_form(township):
    night = d.spread_shift(township)
    return {"shift": night.pk, "cadre": night.staff.pk, "checked_in_at": d.local(night.date).strftime("%Y-%m-%dT%H:%M"),
            "location": "值班室", "note": ""}


def _move_check_in(record, other):
    record.shift = d.spread_shift(other)
    record.cadre = record.shift.staff


register(ModelCase(
    model=DutyCheckIn,
    make=lambda township: d.check_in(township),
    form_data=_check_in_form,
    update={"location": "党政办"},
    move=_move_check_in,
    make_own=lambda cadre: d.check_in(cadre.organization, cadre=cadre),
    cadre_writes_own=True,
    export_label=lambda record: record.cadre.name,
))


def _spot_check_form(township):
    night = d.spread_shift(township)
    return {"township": township.pk, "duty_date": night.date.isoformat(), "cadre": night.staff.pk,
            "checked_at": d.local(night.date, 22).strftime("%Y-%m-%dT%H:%M"), "method": SpotCheck.Method.PHONE,
            "result": SpotCheck.Result.PRESENT, "notes": ""}


def _move_spot_check(record, other):
    night = d.spread_shift(other)
    record.township, record.duty_date, record.cadre = other, night.date, night.staff


register(ModelCase(
    model=SpotCheck,
    make=lambda township: d.spot_check(township),
    form_data=_spot_check_form,
    update={"notes": "电话接通，在值班室"},
    move=_move_spot_check,
    make_own=lambda cadre: d.spot_check(cadre.organization, cadre=cadre),
))


def _attendance_form(township):
    return {"cadre": f.CadreFactory(organization=township).pk,
            "date": (d.today() - datetime.timedelta(days=d.n())).isoformat(),
            "status": AttendanceRecord.Status.PRESENT, "note": ""}


def _move_attendance(record, other):
    record.cadre = f.CadreFactory(organization=other)


register(ModelCase(
    model=AttendanceRecord,
    make=lambda township: d.attendance(township),
    form_data=_attendance_form,
    update={"status": AttendanceRecord.Status.BUSINESS_TRIP},
    move=_move_attendance,
    make_own=lambda cadre: d.attendance(cadre.organization, cadre=cadre),
    export_label=lambda record: record.cadre.name,
))
