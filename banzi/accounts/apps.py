from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "banzi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import pre_save

        from banzi.core import api_routes, navigation
        from banzi.core.roles import ACCOUNT_KEEPERS, Role

        api_routes.register("me", "banzi.accounts.api_urls")
        navigation.register(
            "accounts", _("Accounts"), 85,
            navigation.MenuItem(_("Accounts"), "accounts:user_list", ACCOUNT_KEEPERS),
            navigation.MenuItem(_("Security policy"), "accounts:security_policy", {Role.SECURITY_ADMIN}),
        )
        pre_save.connect(revoke_tokens_on_password_change, sender=self.get_model("User"),
                         dispatch_uid="banzi_revoke_tokens_on_password_change")


def revoke_tokens_on_password_change(sender, instance, **kwargs):
    """A new password ends every API token issued under the old one (and a deactivated account's)."""
    from rest_framework.authtoken.models import Token

    if instance.pk is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if old and (old["password"] != instance.password or (old["is_active"] and not instance.is_active)):
        Token.objects.filter(user_id=instance.pk).delete()
