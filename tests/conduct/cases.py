"""Generic-test cases of the conduct app: discipline, leave and outings in `cases_leave.py`, overnight
duty and attendance in `cases_duty.py`."""
from tests.conduct import cases_duty, cases_leave  # noqa: F401
