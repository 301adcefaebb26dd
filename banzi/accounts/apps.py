from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "banzi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import post_save, pre_save

        from banzi.core import api_routes

        from . import (
            checks,  # noqa: F401  (registers the deployment checks)
            lockout,  # noqa: F401  (connects the lock after repeated failures)
        )

        api_routes.register("me", "banzi.accounts.api_urls")
        user_model = self.get_model("User")
        pre_save.connect(note_password_change, sender=user_model, dispatch_uid="banzi_note_password_change")
        post_save.connect(after_password_change, sender=user_model, dispatch_uid="banzi_after_password_change")


def note_password_change(sender, instance, **kwargs):
    """Whether this save changes the password (or disables the account), for `after_password_change`."""
    instance._banzi_password_changed = instance._banzi_disabled = False
    if instance.pk is None:
        instance._banzi_password_changed = True
        return
    old = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if old is None:
        instance._banzi_password_changed = True
    else:
        instance._banzi_password_changed = old["password"] != instance.password
        instance._banzi_disabled = old["is_active"] and not instance.is_active


def after_password_change(sender, instance, created, **kwargs):
    """A new password, however it was set, is kept (hashed) in the password history and ends every API token
    issued under the old one; so does disabling the account."""
    from . import passwords, tokens

    if getattr(instance, "_banzi_password_changed", False):
        passwords.remember(instance)
    if not created and getattr(instance, "_banzi_password_changed", False):
        tokens.revoke_all(instance, reason="Password changed")
    elif getattr(instance, "_banzi_disabled", False):
        tokens.revoke_all(instance, reason="Account disabled")
    instance._banzi_password_changed = instance._banzi_disabled = False
