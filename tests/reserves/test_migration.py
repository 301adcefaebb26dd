"""Migration 0002: every flagged cadre enters the pool, entered on the day their record was created,
nominated by the township committee and noted as converted, with a history row; run on the
migration's historical models and on the real ones, and idempotent."""
import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from banzi.reserves.conversion import NOTE, convert_flagged
from banzi.reserves.models import ReserveEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


def migration_apps():
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(("reserves", "0002_convert_reserve_flags")).apps


@pytest.mark.parametrize("models", ["historical", "real"])
def test_flagged_cadres_enter_the_pool_with_history(township, models):
    village = f.VillageFactory(parent=township)
    flagged = f.CadreFactory(organization=village, is_reserve=True)
    f.CadreFactory(organization=township, is_reserve=False)
    assert convert_flagged(migration_apps() if models == "historical" else apps) == 1
    entry = ReserveEntry.objects.get()
    day = timezone.localtime(flagged.created_at).date()
    assert (entry.cadre, entry.unit, entry.status) == (flagged, township, ReserveEntry.Status.IN_POOL)
    assert (entry.nominated_on, entry.entered_on, entry.source) == (day, day, ReserveEntry.Source.COMMITTEE)
    assert entry.note == NOTE and entry.recommendation == NOTE
    history = entry.history.get()
    assert history.history_type == "+" and history.history_change_reason == NOTE
    assert history.status == ReserveEntry.Status.IN_POOL
    # Run again: nothing new.
    assert convert_flagged(apps) == 0 and ReserveEntry.objects.count() == 1


def test_a_cadre_already_in_the_pool_is_not_converted_twice(township):
    from .factories import Status, entry

    pooled = entry(township, status=Status.IN_POOL)
    assert pooled.cadre.is_reserve
    assert convert_flagged(apps) == 0
