"""The library's search text (issue 19): title and text casefolded in Python, so that a search
outside PostgreSQL finds "Älvstranden" for "älvstranden" (SQLite folds ASCII only). Existing
posts are filled here; Post.save() keeps it from now on."""

from typing import Any

from django.db import migrations, models


def fill_search_text(apps: Any, schema_editor: Any) -> None:
    Post = apps.get_model("spaces", "Post")
    batch = []
    for post in Post.objects.only("pk", "title", "body").iterator(chunk_size=2000):
        post.search_text = f"{post.title}\n{post.body}".casefold()  # models.search_text_of
        batch.append(post)
        if len(batch) == 2000:
            Post.objects.bulk_update(batch, ["search_text"])
            batch = []
    Post.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0005_unsubscribe_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
