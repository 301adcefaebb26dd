"""The seeded discipline rules are numbered 01–06 (their first codes were English words that showed on
the pages); migration 0008 renumbers a database loaded before, leaving a number already taken alone."""
import importlib

import pytest
from django.apps import apps

from banzi.conduct.models import DisciplineRule
from banzi.conduct.rules_seed import SEED

pytestmark = pytest.mark.django_db

renumber = importlib.import_module("banzi.conduct.migrations.0008_number_discipline_rules").renumber


def test_the_seeded_rules_are_numbered():
    codes = set(DisciplineRule.objects.values_list("code", flat=True))
    assert {code for code, *_rest in SEED} == {"01", "02", "03", "04", "05", "06"} <= codes


def test_the_migration_renumbers_the_former_codes_but_not_onto_a_taken_number():
    DisciplineRule.objects.filter(code__in=["04", "05"]).delete()
    DisciplineRule.objects.create(code="no-favours", title="不得打招呼")
    DisciplineRule.objects.create(code="attendance-and-leave", title="考勤")
    DisciplineRule.objects.create(code="05", title="县里自定的第5条")
    renumber(apps, None)
    assert DisciplineRule.objects.get(title="不得打招呼").code == "04"
    assert DisciplineRule.objects.get(title="考勤").code == "attendance-and-leave"
    assert DisciplineRule.objects.get(title="县里自定的第5条").code == "05"
