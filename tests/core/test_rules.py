"""Reading rules: `get_many` gives several rules as `get` gives each, in one query, and reads the
stored values afresh every time (nothing is kept between reads)."""
import pytest

from banzi.core import rules
from banzi.core.models import Rule

pytestmark = pytest.mark.django_db

KEYS = ("test.first", "test.second")


@pytest.fixture(autouse=True)
def test_rules():
    rules.register(KEYS[0], {"days": 3, "mode": "calendar"}, "First")
    rules.register(KEYS[1], {"ratio": 0.5}, "Second")
    yield
    for key in KEYS:
        rules._defaults.pop(key, None)
        rules._labels.pop(key, None)


def test_get_many_reads_the_rules_as_get_does_in_one_query(django_assert_num_queries):
    Rule.objects.create(key=KEYS[0], value={"days": 5, "unknown": 1})
    with django_assert_num_queries(1):
        values = rules.get_many(*KEYS)
    assert values == {KEYS[0]: {"days": 5, "mode": "calendar"}, KEYS[1]: {"ratio": 0.5}}
    assert values == {key: rules.get(key) for key in KEYS}


def test_get_many_reads_a_write_at_once():
    Rule.objects.create(key=KEYS[1], value={"ratio": 0.8})
    assert rules.get_many(*KEYS)[KEYS[1]] == {"ratio": 0.8}
    Rule.objects.filter(key=KEYS[1]).update(value={"ratio": 0.9})
    assert rules.get_many(*KEYS)[KEYS[1]] == {"ratio": 0.9}
    Rule.objects.filter(key=KEYS[1]).delete()
    assert rules.get_many(*KEYS)[KEYS[1]] == {"ratio": 0.5}


def test_get_many_refuses_an_unknown_rule():
    with pytest.raises(KeyError):
        rules.get_many(KEYS[0], "test.unknown")
