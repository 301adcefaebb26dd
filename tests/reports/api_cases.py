"""The report API's figure endpoints for the generic API tests (tests/core/test_api_generic.py)."""
import datetime

from banzi.talks.models import Talk
from tests.api import ReadCase, register_read
from tests.talks.factories import talk


def _talk(township):
    return talk(township, held_on=datetime.date(2026, 3, 1), kind=Talk.Kind.INTEGRITY)


register_read(ReadCase(
    url_name="reports-figures",
    url=lambda township: f"/api/v1/reports/figures/?scope={township.pk}&start=2026-01-01&end=2026-12-31",
    make=_talk,
))


def _report_url(township):
    # The report of a period without any record is refused (no_records): one talk to report on.
    _talk(township)
    return f"/api/v1/reports/report/?scope={township.pk}&period=2026"


register_read(ReadCase(url_name="reports-report", url=_report_url, make=_talk))
