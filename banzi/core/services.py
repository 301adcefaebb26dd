"""Generic writes: every create, update and delete of a business record goes through here.

Each function checks the user's right to change the record (before and after the change, so an
edit cannot move a record out of the user's reach), validates it, and saves it with its history
user, all in one transaction. Apps wrap these with their own rules in their `services.py`.

`run` is how a page or an API call invokes its one service: in its own durable transaction.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from . import workflow
from .errors import Code
from .scoping import can_write_model, instance_in_scope


def run(service, *args, **kwargs):
    """Run one user action: the one service a page or an API call invokes, in its own durable
    transaction. Everything the service writes is committed together or not at all, and what it
    sends on commit (notifications) goes out only once it is. A durable block cannot be nested:
    a page that needs two services needs one service that does both."""
    with transaction.atomic(durable=True):
        return service(*args, **kwargs)


def _ensure_may_change(user, instance):
    model = type(instance)
    if not can_write_model(user, model):
        raise PermissionDenied(_("You are not allowed to change %(model)s.") % {"model": model._meta.verbose_name})
    if instance.pk is not None and not model._default_manager.editable_by(user).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("You are not allowed to change this record."))


def _ensure_in_scope(user, instance):
    if not instance_in_scope(user, instance):
        raise PermissionDenied(_("This record would be outside the organizations you manage."))


def ensure_can_write(user, instance):
    """Raise PermissionDenied unless the user may change this record as it now stands."""
    _ensure_may_change(user, instance)
    _ensure_in_scope(user, instance)


@transaction.atomic
def save_object(user, instance, *, reason="", **related):
    """Validate and save a record on behalf of a user; `related` holds many-to-many values (e.g.
    a program's topics) to set once the record is saved.

    The record is cleaned before its scope is checked, so that values `clean()` derives (an
    organization's township, a normalized ID number) are in place when the scope is decided; a
    record that would leave the user's reach is refused as such, whatever else is wrong with it."""
    _ensure_may_change(user, instance)
    try:
        instance.full_clean()
    except ValidationError:
        _ensure_in_scope(user, instance)
        raise
    _ensure_in_scope(user, instance)
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save()
    # Values derived on save (e.g. an organization's township) can still move a record out of the
    # user's reach; checking the stored row catches that and rolls the whole save back.
    if not type(instance)._default_manager.editable_by(user).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("This record would be outside the organizations you manage."))
    for name, values in related.items():
        getattr(instance, name).set(values)
    return instance


@transaction.atomic
def delete_object(user, instance, *, reason=""):
    """Delete a record on behalf of a user; refuse while other records still refer to it, or while
    its lifecycle does not allow it (a submitted request, a published roster …)."""
    ensure_can_write(user, instance)
    lifecycle = workflow.for_model(type(instance))
    if lifecycle is not None and "delete" in lifecycle:
        lifecycle.check(user, instance, "delete")
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError as exc:
        refs = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
        raise ValidationError(
            _("“%(obj)s” is still referred to by %(refs)s and cannot be deleted.")
            % {"obj": instance, "refs": get_text_list(refs, _("and"))},
            code=Code.PROTECTED,
        ) from exc
