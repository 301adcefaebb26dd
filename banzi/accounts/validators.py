"""Password policy beyond Django's defaults."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
