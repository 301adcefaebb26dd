"""Who sees a cadre's personal data in full (GB/T 22239-2019 8.1.4.11 个人信息保护), and how everybody
else sees it masked. One place decides, for pages, tables and their Excel exports, the API and
import previews alike.

Full values go only to those who keep the cadre's file: the county organization department, the
township Party committee of the cadre's own township, and the cadre themself. Everybody else (the
administrators, the auditor, another township) sees an ID number as 1410**********1234 and a phone
number as 139****5678. A talk's summary has its own, stricter rule (`Talk.summary_visible_to`).
"""
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from banzi.core.roles import Role


def may_see_personal_data(user, cadre):
    """Whether the user may see the cadre's full ID number and phone number."""
    if cadre is None or user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "cadre_id", None) is not None and user.cadre_id == cadre.pk:
        return True
    role = getattr(user, "role", None)
    if role == Role.COUNTY_ADMIN:
        return True
    if role == Role.TOWNSHIP_ADMIN:
        township_id = user.township_id
        if not township_id or not cadre.organization_id:
            return False
        return cadre.organization.township_id == township_id
    return False


def mask_id_number(value):
    """The first 4 and the last 4 characters of an ID number; the rest as *."""
    if not value:
        return value or ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value):
    """The first 3 and the last 4 digits of a phone number; the rest as *."""
    if not value:
        return value or ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


MASKS = {"id_number": mask_id_number, "phone": mask_phone, "contact": mask_phone}


def shown(user, cadre, value, mask):
    """The value as this user may see it: in full, or through `mask`."""
    return value if may_see_personal_data(user, cadre) else mask(value)


def shown_id_number(user, cadre):
    return shown(user, cadre, cadre.id_number, mask_id_number)


def shown_phone(user, cadre, value=None):
    """A cadre's phone (or another phone of theirs, such as an outing report's contact) for this user."""
    return shown(user, cadre, cadre.phone if value is None else value, mask_phone)


def no_store(view_class):
    """Class decorator: the view's responses may show personal data, so no browser or proxy keeps them
    (Cache-Control: no-store, via Django's never_cache)."""
    return method_decorator(never_cache, name="dispatch")(view_class)
