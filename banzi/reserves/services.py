"""The reserve pool's writes: nominate, vet (refusing a disqualified cadre), reject, enter (within
the township's pool size), review, exit; and the development measures and reviews as records.

Every function is atomic, checks the user's right (`core.services`), the lifecycle (`workflow.py`)
and raises one `ValidationError` with a code per broken rule, so that nothing is saved. The cadre's
`is_reserve` flag follows the pool in the same transaction: True while an entry is in the pool."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banzi.core import clock, services
from banzi.core.errors import Code
from banzi.core.roles import Role
from banzi.core.scoping import can_write_model
from banzi.core.workflow import check_visible, lock
from banzi.org.models import Cadre

from . import checks
from .models import ReserveEntry, ReserveReview
from .workflow import ENTRIES

Status = ReserveEntry.Status


def _county(user):
    if getattr(user, "role", None) != Role.COUNTY_ADMIN:
        raise PermissionDenied(_("Only the county organization department may do this."))


def _date(value, field, *, not_before=None, before_label=""):
    """A step's date: given, not in the future, not before the step it follows."""
    if value is None:
        raise ValidationError({field: ValidationError(_("Enter the date."), code=Code.REQUIRED)})
    if value > clock.today():
        raise ValidationError({field: ValidationError(_("This date cannot be in the future."), code=Code.FUTURE_DATE)})
    if not_before is not None and value < not_before:
        raise ValidationError({field: ValidationError(
            _("This date cannot be before %(what)s (%(date)s).") % {"what": before_label, "date": not_before.isoformat()},
            code=Code.DATE_ORDER)})
    return value


def _text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: ValidationError(message, code=Code.REQUIRED)})
    return value


def set_flag(user, cadre_id):
    """Keep `Cadre.is_reserve` the pool's state: True while the cadre has an entry in the pool. The
    change is saved with its history (who, when) like any write, but not as a write of the cadre's
    own form: the flag is not the township's to set."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre_id)
    flag = ReserveEntry.objects.filter(cadre_id=cadre_id, status=Status.IN_POOL).exists()
    if cadre.is_reserve != flag:
        cadre.is_reserve = flag
        cadre._history_user = user
        cadre._change_reason = _("Reserve pool")
        cadre.save(update_fields=["is_reserve", "updated_at"])
    return flag


@transaction.atomic
def save_entry(user, entry):
    """Nominate a cadre (the township its own cadres, the county anyone), or correct a nomination not
    yet vetted. The cadre must be active and have no other open entry (nominated, vetted, in the pool)."""
    if not can_write_model(user, ReserveEntry):
        raise PermissionDenied(_("You are not allowed to change %(model)s.") % {
            "model": ReserveEntry._meta.verbose_name})
    if entry.pk is not None:
        services.ensure_can_write(user, ReserveEntry.objects.get(pk=entry.pk))
        ENTRIES.check(user, ReserveEntry.objects.get(pk=entry.pk), "edit")
    if entry.cadre_id:
        cadre = Cadre.objects.select_related("organization").get(pk=entry.cadre_id)
        check_visible(user, cadre, "cadre", _("Choose a cadre of an organization you manage."))
        entry.unit_id = cadre.organization.township_id or cadre.organization_id  # as clean() derives it
        if cadre.status != Cadre.Status.ACTIVE:
            raise ValidationError({"cadre": ValidationError(_("%(cadre)s is archived and cannot be nominated.") % {
                "cadre": cadre}, code=Code.CADRE_ARCHIVED)})
        Cadre.objects.select_for_update().filter(pk=cadre.pk).first()  # one open entry, even when two nominate at once
        other = ReserveEntry.objects.filter(cadre=cadre, status__in=ReserveEntry.OPEN).exclude(pk=entry.pk).first()
        if other is not None:
            raise ValidationError({"cadre": ValidationError(
                _("%(cadre)s already has a reserve entry that is %(status)s.") % {
                    "cadre": cadre, "status": other.get_status_display()}, code=Code.RESERVE_OPEN_ENTRY)})
    return services.save_object(user, entry)


@transaction.atomic
def delete_entry(user, entry):
    return services.delete_object(user, entry)


def _step(user, entry, name):
    entry = lock(entry)
    services.ensure_can_write(user, entry)
    ENTRIES.check(user, entry, name)
    return entry


@transaction.atomic
def vet(user, entry, vetted_on=None, result=""):
    """The county vets a nominated cadre (nominated → vetted): the checks as of the vetting day are
    kept with the entry; a cadre with any disqualifier cannot be vetted in (reject them instead)."""
    entry = _step(user, entry, "vet")
    _county(user)
    vetted_on = _date(vetted_on or clock.today(), "vetted_on", not_before=entry.nominated_on,
                      before_label=_("the nomination"))
    found = checks.run_checks(entry, vetted_on)
    bad = checks.disqualifiers(found)
    if bad:
        raise ValidationError(
            _("%(cadre)s cannot be vetted in: %(reasons)s. Reject the nomination instead.") % {
                "cadre": entry.cadre, "reasons": "; ".join(f"{c.label} ({c.detail})" for c in bad)},
            code=Code.RESERVE_DISQUALIFIED)
    ENTRIES.advance(entry, "vet")
    entry.vetted_on = vetted_on
    entry.vetting_result = (result or "").strip() or _("Passed: no disqualifier found.")
    entry.vetting_checks = checks.as_data(found)
    return services.save_object(user, entry)


@transaction.atomic
def reject(user, entry, rejected_on=None, reason=""):
    """The county rejects a nomination at vetting, with the reason (nominated → rejected)."""
    entry = _step(user, entry, "reject")
    _county(user)
    entry.rejection_reason = _text(reason, "reason", _("Enter why the nomination is rejected."))
    entry.rejected_on = _date(rejected_on or clock.today(), "rejected_on", not_before=entry.nominated_on,
                              before_label=_("the nomination"))
    entry.vetting_checks = checks.as_data(checks.run_checks(entry, entry.rejected_on))
    ENTRIES.advance(entry, "reject")
    return services.save_object(user, entry)


@transaction.atomic
def enter(user, entry, entered_on=None, development_plan=""):
    """The county enters a vetted cadre into the pool with a development plan (vetted → in the pool),
    within the township's pool size; the cadre becomes a reserve cadre."""
    entry = _step(user, entry, "enter")
    _county(user)
    entry.development_plan = _text(development_plan, "development_plan", _("Enter the development plan."))
    entry.entered_on = _date(entered_on or clock.today(), "entered_on", not_before=entry.vetted_on,
                             before_label=_("the vetting"))
    # Entries of the township are locked so that two entries at once cannot both pass the count.
    list(ReserveEntry.objects.select_for_update().filter(unit_id=entry.unit_id, status=Status.IN_POOL)
         .values_list("pk", flat=True))
    limit = checks.max_per_township()
    if checks.pool_size(entry.unit_id, exclude=entry.pk) >= limit:
        raise ValidationError(_("The pool of %(unit)s already holds %(limit)d cadres, the most the rule allows.") % {
            "unit": entry.unit, "limit": limit}, code=Code.POOL_FULL)
    ENTRIES.advance(entry, "enter")
    saved = services.save_object(user, entry)
    set_flag(user, entry.cadre_id)
    return saved


@transaction.atomic
def exit_pool(user, entry, exited_on=None, reason="", note=""):
    """The county takes a cadre out of the pool (in the pool → exited): promoted, removed (with the
    reason), aged out or other (with a note); the cadre is no longer a reserve cadre."""
    entry = _step(user, entry, "exit")
    _county(user)
    if reason not in ReserveEntry.ExitReason.values:
        raise ValidationError({"reason": ValidationError(_("Choose why the cadre leaves the pool."),
                                                         code=Code.INVALID_CHOICE)})
    note = (note or "").strip()
    if reason in (ReserveEntry.ExitReason.REMOVED, ReserveEntry.ExitReason.OTHER) and not note:
        raise ValidationError({"note": ValidationError(_("Enter why the cadre is removed from the pool."),
                                                       code=Code.REQUIRED)})
    entry.exited_on = _date(exited_on or clock.today(), "exited_on", not_before=entry.entered_on,
                            before_label=_("the entry into the pool"))
    entry.exit_reason, entry.exit_note = reason, note
    ENTRIES.advance(entry, "exit")
    saved = services.save_object(user, entry)
    set_flag(user, entry.cadre_id)
    return saved


def _check_review(user, review):
    services.ensure_can_write(user, review)
    if not review.entry_id:
        return
    entry = ReserveEntry.objects.get(pk=review.entry_id)
    check_visible(user, entry, "entry", _("Choose a reserve cadre you manage."))
    refusal = ENTRIES.refused(entry, "review", field="entry")
    if refusal is not None:
        raise refusal
    if review.year and entry.entered_on and not entry.entered_on.year <= review.year <= clock.today().year:
        raise ValidationError({"year": ValidationError(
            _("The year of a review runs from the year the cadre entered the pool (%(first)d) to this year.") % {
                "first": entry.entered_on.year}, code=Code.YEAR_OUT_OF_RANGE)})


@transaction.atomic
def save_review(user, review):
    """A yearly review of a cadre in the pool: once a year, from the year of entry to this one."""
    _check_review(user, review)
    return services.save_object(user, review)


@transaction.atomic
def review(user, entry, year=None, conclusion="", note=""):
    """The review step of an entry (the page's form, the API's action): adds the year's review."""
    entry = lock(entry)
    ENTRIES.check(user, entry, "review")
    return save_review(user, ReserveReview(entry=entry, year=year or clock.today().year, conclusion=conclusion,
                                           note=note or ""))


@transaction.atomic
def save_measure(user, measure):
    """A development measure of a vetted cadre or one in the pool; the linked posting or enrollment
    is the cadre's own and one the user may see."""
    services.ensure_can_write(user, measure)
    if measure.entry_id:
        entry = ReserveEntry.objects.get(pk=measure.entry_id)
        check_visible(user, entry, "entry", _("Choose a reserve cadre you manage."))
        if entry.status not in (Status.VETTED, Status.IN_POOL):
            raise ValidationError({"entry": ValidationError(
                _("“%(obj)s” is %(status)s: development measures belong to a vetted cadre or one in the pool.") % {
                    "obj": entry, "status": entry.get_status_display()}, code=Code.WRONG_STATE)})
    check_visible(user, measure.posting, "posting", _("Choose a posting you can see."))
    check_visible(user, measure.enrollment, "enrollment", _("Choose an enrollment you can see."))
    return services.save_object(user, measure)
