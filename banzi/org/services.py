"""Registry writes with rules beyond one record: archiving cadres, ending memberships."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banzi.core import clock, services
from banzi.core.errors import Code

from .models import TeamMembership
from .workflow import CADRES


@transaction.atomic
def archive_cadre(user, cadre, *, on=None, reason=""):
    """Archive a cadre who has left: their open memberships end and the record stays for history."""
    services.ensure_can_write(user, cadre)
    CADRES.check(user, cadre, "archive")
    on = on or clock.today()
    for membership in TeamMembership.objects.filter(cadre=cadre, ended_on__isnull=True).select_related("team__township"):
        if membership.started_on >= on:
            raise ValidationError(_("%(m)s starts on or after the archive date; correct it first.") % {"m": membership},
                                  code=Code.ARCHIVE_BEFORE_MEMBERSHIP)
        membership.ended_on = on
        services.save_object(user, membership, reason=reason or _("Cadre archived"))
    CADRES.advance(cadre, "archive")
    cadre.archived_on = on
    return services.save_object(user, cadre, reason=reason or _("Archived"))


@transaction.atomic
def restore_cadre(user, cadre):
    """Bring an archived cadre back to active (e.g. archived by mistake)."""
    CADRES.check(user, cadre, "restore")
    CADRES.advance(cadre, "restore")
    cadre.archived_on = None
    return services.save_object(user, cadre, reason=_("Restored from archive"))
