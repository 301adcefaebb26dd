"""Daily education: group study sessions, personal study records and the nine lead-by-example duties."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from banzi.core.models import BaseModel
from banzi.core.scoping import CATALOG


class StudyKind(models.TextChoices):
    """The kinds of group study (the article's 党委中心组学习、机关干部学习、党小组学习、上党课).

    Shared with other apps whose records count as group study (a governance meeting of a study
    kind reports itself through `banzi.study.sources` with one of these kinds).
    """

    COMMITTEE_THEORY = "committee_theory", _("committee theory study")
    STAFF_STUDY = "staff_study", _("staff study")
    PARTY_GROUP = "party_group", _("Party group study")
    PARTY_LECTURE = "party_lecture", _("Party lecture")


class LeadDuty(BaseModel):
    """One of the nine lead-by-example duties (九个带头), an editable catalog.

    `key` is how code refers to a duty (automatic credits name their duty by key, see
    `banzi.study.credits`); the county may rename, reorder or retire duties but not change keys.
    """

    key = models.SlugField(_("key"), max_length=40, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    scope = CATALOG

    class Meta:
        verbose_name = _("lead-by-example duty")
        verbose_name_plural = _("lead-by-example duties")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name
