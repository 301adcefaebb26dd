"""Schema operations of Banzi's own migrations."""
from django.db import migrations


def drop_like_indexes(model_label, *field_names):
    """A migration operation dropping, on PostgreSQL, the second index Django gives a text column with
    `db_index` or `unique` (`varchar_pattern_ops`, for a search by prefix, `LIKE 'x%'`), for columns never
    searched that way: a fingerprint, an audit event's kind. Each index is written with every row
    stored, ten thousand at an import. Other databases have no such index: nothing is done there.

    The column's own index (or its uniqueness) stays. Reversed, the indexes are made again."""

    def indexes(apps, schema_editor):
        model = apps.get_model(model_label)
        for name in field_names:
            field = model._meta.get_field(name)
            index = schema_editor._create_index_name(model._meta.db_table, [field.column], suffix="_like")
            yield model, field, index

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model, _field, index in indexes(apps, schema_editor):
            schema_editor.execute(schema_editor._delete_index_sql(model, index))

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model, field, _index in indexes(apps, schema_editor):
            schema_editor.execute(schema_editor._create_like_index_sql(model, field))

    return migrations.RunPython(forwards, backwards)
