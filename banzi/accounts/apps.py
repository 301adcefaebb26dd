from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "banzi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth import models as auth_models
        from django.contrib.auth.signals import user_logged_in

        # Django stamps last_login on every login; that stamp is not a change to the user's
        # record, so it must not add a version to the user's history (and flood the audit trail).
        user_logged_in.disconnect(auth_models.update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(stamp_last_login, dispatch_uid="banzi_stamp_last_login")


def stamp_last_login(sender, user, **kwargs):
    from django.utils import timezone

    type(user)._default_manager.filter(pk=user.pk).update(last_login=timezone.now())
