"""Indexes for the space page and the knowledge library (issue 8's speed targets).

* A space's posts newest first, with the ``-id`` tie-break, so the page reads ten rows in index
  order instead of sorting the whole space.
* Library items per space (partial: reusable, not hidden), for the library filtered by challenge.
* On SQLite only: a partial *covering* index of the library with title and text, so counting the
  hits of a substring search reads the index instead of every post. PostgreSQL searches with
  full text (spaces.selectors.list_library) and a B-tree there cannot hold long texts.
"""

from django.db import migrations, models

LIBRARY_TEXT_INDEX = "spaces_post_library_text"


def create_library_text_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    # created_at and id first, in the library's order, so the newest items are also read from
    # this index; is_reusable and hidden_at so that SQLite needs no row for the filter.
    schema_editor.execute(
        f'CREATE INDEX "{LIBRARY_TEXT_INDEX}" ON "spaces_post" '
        '("created_at" DESC, "id" DESC, "is_reusable", "hidden_at", "title", "body") '
        'WHERE "is_reusable" AND "hidden_at" IS NULL'
    )


def drop_library_text_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{LIBRARY_TEXT_INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="post",
            name="spaces_post_space_recent",
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                fields=["space", "-created_at", "-id"], name="spaces_post_space_newest"
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(("hidden_at__isnull", True), ("is_reusable", True)),
                fields=["space", "-created_at", "-id"],
                name="spaces_post_library_space",
            ),
        ),
        migrations.RunPython(create_library_text_index, drop_library_text_index),
    ]
