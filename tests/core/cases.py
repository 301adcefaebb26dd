"""Generic-test cases for the working-day calendar, a county-wide catalog (see tests/generic.py)."""
import datetime

from banzi.core.models import CalendarDay, CalendarYear
from tests.generic import ModelCase, register


def _free_year():
    """A year without a record yet, latest first (the seeded schedules cover the 2010s and 2020s)."""
    taken = set(CalendarYear.objects.values_list("year", flat=True))
    return max(set(range(2000, 2101)) - taken)


def _free_saturday():
    """A Saturday from 2060 on that no calendar day uses yet."""
    taken = set(CalendarDay.objects.filter(date__year__gte=2060).values_list("date", flat=True))
    day = datetime.date(2060, 1, 3)  # a Saturday
    while day in taken:
        day += datetime.timedelta(days=7)
    return day


register(ModelCase(
    model=CalendarYear,
    make=lambda township: CalendarYear.objects.create(year=_free_year(), source="国务院办公厅通知"),
    form_data=lambda township: {"year": str(_free_year()), "is_published": "on", "source": "国办发明电"},
    update={"source": "国办发明电〔2089〕7号"},
))
register(ModelCase(
    model=CalendarDay,
    make=lambda township: CalendarDay.objects.create(
        date=_free_saturday(), kind=CalendarDay.Kind.WORK, name="国庆节"),
    form_data=lambda township: {"date": _free_saturday().isoformat(), "kind": CalendarDay.Kind.WORK,
                                "name": "春节"},
    update={"name": "劳动节"},
    export_label=lambda record: record.date.isoformat(),
))

