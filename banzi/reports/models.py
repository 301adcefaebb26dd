"""The paragraphs of the year-end report: the county's wording with named figures."""
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from banzi.core.errors import Code
from banzi.core.models import BaseModel
from banzi.core.scoping import CATALOG

# A placeholder: {app.figure}. Anything else between braces is refused as an unknown figure.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders(text):
    """The figure keys a text names, in order (each once)."""
    return list(dict.fromkeys(m.strip() for m in PLACEHOLDER.findall(text or "")))


class Part(models.TextChoices):
    """The three parts of the work, in the order the report prints them."""

    TRAINING = "training", _("Strengthening training and practice")
    MECHANISM = "mechanism", _("Improving the working mechanisms")
    SUPERVISION = "supervision", _("Strict supervision and management")


class ReportTemplate(BaseModel):
    """One paragraph of the year-end report: its part, its place in the part, a lead sentence
    (printed first, like 「把加强培训作为提升能力的重要途径。」), the text with `{app.figure}`
    placeholders, and the text printed instead when none of its figures has a record in the period."""

    part = models.CharField(_("part"), max_length=20, choices=Part.choices)
    sort_order = models.PositiveIntegerField(_("order"), default=10)
    title = models.CharField(_("lead sentence"), max_length=200, blank=True,
                             help_text=_("Printed at the start of the paragraph, e.g. 把加强培训作为提升能力的重要途径。"))
    text = models.TextField(_("text"), help_text=_(
        "Name each figure in braces, e.g. {training.person_times}; the list of figures is on this page."))
    empty_text = models.TextField(_("text when there are no records"), help_text=_(
        "Printed instead when every figure of the paragraph is zero in the period."))
    is_active = models.BooleanField(_("active"), default=True)

    scope = CATALOG

    class Meta:
        verbose_name = _("report paragraph")
        verbose_name_plural = _("report paragraphs")
        ordering = ["part", "sort_order", "id"]

    def __str__(self):
        return self.title or f"{self.get_part_display()} {self.sort_order}"

    @property
    def figure_keys(self):
        return placeholders(f"{self.text}\n{self.empty_text}")

    def clean(self):
        super().clean()
        from banzi.core.metrics import figures

        known = figures.keys()
        errors = {}
        for name in ("text", "empty_text"):
            unknown = [key for key in placeholders(getattr(self, name)) if key not in known]
            if unknown:
                errors[name] = ValidationError(
                    _("Unknown figure: %(names)s. Use the names listed under the form, e.g. {training.person_times}.")
                    % {"names": "、".join("{" + key + "}" for key in unknown)}, code=Code.UNKNOWN_FIGURE)
        if errors:
            raise ValidationError(errors)
