"""Password policy beyond Django's defaults."""
import re

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from banzi.core.errors import Code


class CharacterClassValidator:
    """A password must mix at least three of: lower case, upper case, digits, symbols."""

    def validate(self, password, user=None):
        classes = [r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]"]
        if sum(bool(re.search(c, password)) for c in classes) < 3:
            raise ValidationError(
                _("The password must contain at least three of: lower-case letters, upper-case letters, digits and symbols."),
                code=Code.PASSWORD_TOO_SIMPLE,
            )

    def get_help_text(self):
        return _("Use at least three of: lower-case letters, upper-case letters, digits and symbols.")


class PasswordHistoryValidator:
    """A new password may not be the current one nor any of the user's last few (settings.BANZI_PASSWORD_HISTORY,
    5 by default, the current one included), compared with their stored hashes."""

    def __init__(self, history=None):
        self._history = history

    @property
    def history(self):
        if self._history is not None:
            return self._history
        from .passwords import history_size

        return history_size()

    def validate(self, password, user=None):
        if user is None or user.pk is None or self.history <= 0:
            return
        from .models import PasswordHistory

        hashes = list(PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[:self.history])
        current = user._meta.model._default_manager.filter(pk=user.pk).values_list("password", flat=True).first()
        if current and current not in hashes:
            hashes.insert(0, current)
        if any(check_password(password, encoded) for encoded in hashes[:self.history]):
            raise ValidationError(
                ngettext("The password must differ from your last password.",
                         "The password must differ from each of your last %(count)d passwords.", self.history)
                % {"count": self.history},
                code=Code.PASSWORD_REUSED,
            )

    def get_help_text(self):
        return ngettext("It must differ from your last password.",
                        "It must differ from each of your last %(count)d passwords.", self.history) % {
            "count": self.history}
