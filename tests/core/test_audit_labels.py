"""A changed foreign key or choice reads as what it names, on the history tab and in the audit trail."""
from django.urls import reverse

from banzi.core.models import AuditEvent
from banzi.org.models import Cadre
from tests import factories as f


def test_foreign_key_and_choice_changes_show_names(township, other_township, county_client, auditor_client):
    cadre = f.CadreFactory(organization=township)
    cadre.organization = other_township
    cadre.status = Cadre.Status.ARCHIVED
    cadre.save()

    event = AuditEvent.objects.filter(
        content_type__model="cadre", object_id=str(cadre.pk), action=AuditEvent.Action.UPDATE
    ).get()
    changes = {c["field"]: c for c in event.changes}
    assert changes["organization"]["old"] == township.pk and changes["organization"]["new"] == other_township.pk
    assert changes["organization"]["old_label"] == "新城镇" and changes["organization"]["new_label"] == "赵康镇"
    assert changes["status"]["old_label"] == "Active" and changes["status"]["new_label"] == "Archived"

    history = county_client.get(reverse("org:cadre_history", args=[cadre.pk])).content.decode()
    assert "新城镇 → 赵康镇" in history and "Active → Archived" in history

    trail = auditor_client.get(reverse("core:auditevent_list"), {"q": cadre.name}).content.decode()
    assert "新城镇 → 赵康镇" in trail


def test_a_related_record_that_no_longer_exists_shows_its_id(township):
    from banzi.core.audit import _value_labels

    field = Cadre._meta.get_field("organization")
    assert _value_labels(field, [township.pk, 987654, None]) == ["新城镇", "#987654", None]
