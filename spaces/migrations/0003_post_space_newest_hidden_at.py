"""A space's posts newest first, now with ``hidden_at`` as the index's last column (issue 8's
speed targets): counting the posts a member sees on a space's page (those not hidden) reads the
index only, instead of every post of the space for its ``hidden_at``.

Not a partial index ``WHERE hidden_at IS NULL``: SQLite, without statistics, would then prefer
it to ``spaces_post_library_space`` for the library filtered by challenge and read every post of
the spaces instead of their library items.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0002_post_list_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="post",
            name="spaces_post_space_newest",
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                fields=["space", "-created_at", "-id", "hidden_at"],
                name="spaces_post_space_newest",
            ),
        ),
    ]
