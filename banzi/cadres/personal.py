"""A family member's name and birth date are personal data of the cadre's family: shown in full only
to those who keep the cadre's file (`core.masking.may_see_personal_data`: the county organization
department, the cadre's own township committee, the cadre), masked for everybody else."""
from banzi.core import masking


def mask_name(value):
    """The family name kept, the rest as * (张**)."""
    if not value:
        return value or ""
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else "*"


def mask_birth_date(value):
    """The year only (1965); nothing for an empty date."""
    return str(value.year) if value else ""


def may_see(user, cadre):
    return masking.may_see_personal_data(user, cadre)


def shown_member(user, member):
    """(name, birth date) of a family member as this user may see them."""
    if may_see(user, member.cadre):
        return member.name, member.birth_date
    return mask_name(member.name), mask_birth_date(member.birth_date)
