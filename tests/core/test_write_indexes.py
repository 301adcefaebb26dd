"""The indexes written with every stored row are those that are searched: the history is not
indexed by fingerprint or pinyin, and a column looked up whole has no second index for prefixes
(PostgreSQL's `varchar_pattern_ops`); the pinyin, searched by prefix, keeps its own."""
import pytest
from django.db import connection

from banzi.core.models import AuditEvent
from banzi.org.models import Cadre

pytestmark = pytest.mark.django_db

UNINDEXED_IN_HISTORY = {"id_number_index", "phone_index", "name_pinyin", "name_initials"}


def indexed_columns(model):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"]}


def prefix_indexed(model):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                       [model._meta.db_table, "%pattern_ops%"])
        definitions = [row[0] for row in cursor.fetchall()]
    return {field.column for field in model._meta.concrete_fields
            if any(f"({field.column} varchar_pattern_ops)" in d for d in definitions)}


def test_the_history_of_cadres_is_indexed_by_record_date_and_user_only():
    history = Cadre.history.model
    columns = {column for key in indexed_columns(history) for column in key}
    assert not columns & UNINDEXED_IN_HISTORY
    assert {"id", "history_date", "history_user_id"} <= columns
    # The cadres themselves are still found by their fingerprints and listed by pinyin.
    assert {("id_number_index",), ("phone_index",), ("name_pinyin",), ("name_initials",)} <= indexed_columns(Cadre)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL has prefix indexes")
def test_only_the_pinyin_has_an_index_for_prefixes():
    assert prefix_indexed(Cadre) == {"name_pinyin", "name_initials"}
    assert prefix_indexed(AuditEvent) == set()
    assert prefix_indexed(Cadre.history.model) == set()
    audited = {column for key in indexed_columns(AuditEvent) for column in key}
    assert {"kind", "action", "outcome", "object_id"} <= audited  # each still found by its own index
