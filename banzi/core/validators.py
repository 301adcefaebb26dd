"""Field validators shared by every app, with messages users can act on."""
import datetime
import operator
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from banzi.core import clock
from banzi.core.errors import Code

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def id_number_check_digit(first17):
    if len(first17) != len(_ID_WEIGHTS):
        raise ValueError("an ID number's check digit is worked out from its first 17 characters")
    return _ID_CHECK[sum(map(operator.mul, map(int, first17), _ID_WEIGHTS)) % 11]


def id_number_birth_date(value):
    """The birth date encoded in an 18-digit resident ID number, or None if it is not a date."""
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def validate_id_number(value):
    """An 18-digit resident ID number (GB 11643) with a valid date and check digit."""
    value = (value or "").upper()
    if not _ID_RE.match(value):
        raise ValidationError(_("A resident ID number has 18 characters: 17 digits and a digit or X."), code=Code.ID_FORMAT)
    if id_number_birth_date(value) is None:
        raise ValidationError(_("The birth date inside this ID number is not a real date."), code=Code.ID_BIRTH_DATE)
    if id_number_check_digit(value[:17]) != value[17]:
        raise ValidationError(
            _("The ID number's check digit is wrong; please check the number for a typing error."), code=Code.ID_CHECKSUM
        )


def validate_phone(value):
    """A mainland mobile number (11 digits) or a landline with area code."""
    if not (_MOBILE_RE.match(value or "") or _LANDLINE_RE.match(value or "")):
        raise ValidationError(
            _("Enter an 11-digit mobile number or a landline with area code, e.g. 0357-1234567."), code=Code.PHONE
        )


def validate_not_future(value):
    """A date that records something that has already happened."""
    if value and value > clock.today():
        raise ValidationError(_("This date cannot be in the future."), code=Code.FUTURE_DATE)


def validate_digits(value):
    if value and not value.isdigit():
        raise ValidationError(_("Only digits are allowed."), code=Code.DIGITS)


def check_date_order(start, end, *, end_field="end", message=None):
    """Raise a field error on end_field if end is not after start (both optional)."""
    if start and end and end <= start:
        raise ValidationError({end_field: ValidationError(message or _("The end date must be after the start date."), code=Code.DATE_ORDER)})
