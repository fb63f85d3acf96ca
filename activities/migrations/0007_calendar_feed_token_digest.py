"""Calendar feed URLs become opaque (issue 15, point 8).

Until now a feed URL was ``<user id>:<signature>``: anyone who saw it read the user's id. Now it
carries an HMAC of the feed's secret (``CalendarFeed.url_token``) and the row keeps its digest. The
old URLs stop working: each user copies the new address from the calendar settings page once.
"""

import base64
import hashlib

from django.conf import settings
from django.db import migrations, models
from django.utils.crypto import salted_hmac

# Copied from activities.models so that this migration keeps its meaning if the code changes.
_SALT = "activities.calendar-feed-token"


def _digest(secret: str) -> str:
    mac = salted_hmac(_SALT, secret, secret=settings.SECRET_KEY, algorithm="sha256").digest()
    token = base64.urlsafe_b64encode(mac).decode().rstrip("=")
    return hashlib.sha256(token.encode()).hexdigest()


def fill_token_digests(apps, schema_editor):  # type: ignore[no-untyped-def]
    CalendarFeed = apps.get_model("activities", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk", "secret").iterator():
        CalendarFeed.objects.filter(pk=feed.pk).update(token_digest=_digest(feed.secret))


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0006_plain_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_digest",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(fill_token_digests, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_digest",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
