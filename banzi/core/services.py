"""Generic writes: every create, update and delete of a business record goes through here.

Each function checks the user's right to change the record (before and after the change, so an
edit cannot move a record out of the user's reach), validates it, and saves it with its history
user, all in one transaction. Apps wrap these with their own rules in their `services.py`.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .errors import Code
from .scoping import can_write_model, instance_in_scope


def ensure_can_write(user, instance):
    """Raise PermissionDenied unless the user may change this record as it now stands."""
    model = type(instance)
    if not can_write_model(user, model):
        raise PermissionDenied(_("You are not allowed to change %(model)s.") % {"model": model._meta.verbose_name})
    if instance.pk is not None and not model._default_manager.editable_by(user).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("You are not allowed to change this record."))
    if not instance_in_scope(user, instance):
        raise PermissionDenied(_("This record would be outside the organizations you manage."))


@transaction.atomic
def save_object(user, instance, *, reason=""):
    """Validate and save a record on behalf of a user."""
    ensure_can_write(user, instance)
    instance.full_clean()
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save()
    # Values derived on save (e.g. an organization's township) can still move a record out of the
    # user's reach; checking the stored row catches that and rolls the whole save back.
    if not type(instance)._default_manager.editable_by(user).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("This record would be outside the organizations you manage."))
    return instance


@transaction.atomic
def delete_object(user, instance, *, reason=""):
    """Delete a record on behalf of a user; refuse while other records still refer to it."""
    ensure_can_write(user, instance)
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
