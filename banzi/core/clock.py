"""The one clock of Banzi: every date and time the application reads comes from here.

Dates mean the local date of the county (settings.TIME_ZONE, Asia/Shanghai): a record made at
01:00 on the 5th in Shanghai belongs to the 5th, although it is still the 4th in UTC. Reading the
time in one place lets the tests pin it (time-machine, through one fixture in tests/conftest.py),
so that the suite passes on any date, and keeps code from mixing the server's date with the
county's.

Nothing else in `banzi/` calls `timezone.now()`, `timezone.localdate()`, `date.today()` or
`datetime.now()`.
"""
import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    """This moment, timezone-aware (UTC), for timestamps that are stored."""
    return timezone.now()


def local_now() -> datetime.datetime:
    """This moment in the county's time zone, for what is shown or compared by hour of day."""
    return timezone.localtime(now(), timezone.get_default_timezone())


def today() -> datetime.date:
    """The county's date today."""
    return local_now().date()


def local(moment: datetime.datetime) -> datetime.datetime:
    """A stored moment in the county's time zone; a naive moment is taken as local already."""
    if timezone.is_naive(moment):
        return moment
    return timezone.localtime(moment, timezone.get_default_timezone())


def local_date(moment: datetime.datetime | datetime.date) -> datetime.date:
    """The county's date of a stored moment (a date is returned as it is)."""
    if not isinstance(moment, datetime.datetime):
        return moment
    return local(moment).date()


def this_year() -> int:
    return today().year
