"""Personal iCalendar feeds of upcoming meetings.

Calendar apps cannot log in, so each user's feed URL carries a token: the user's id signed with
the project's SECRET_KEY *and* a per-user secret (``CalendarFeed.secret``) as salt. Rotating that
secret revokes every URL handed out before; a tampered token fails the signature check.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.utils import timezone

from activities import selectors
from activities.models import CalendarFeed, Meeting

SALT_PREFIX = "activities.calendar-feed"


def _signer(secret: str) -> signing.Signer:
    return signing.Signer(salt=f"{SALT_PREFIX}:{secret}")


def make_token(feed: CalendarFeed) -> str:
    return _signer(feed.secret).sign(str(feed.user_id))


def user_for_token(token: str) -> object | None:
    """The active user a token belongs to, or None when it is malformed, tampered or revoked."""
    user_id, _sep, _signature = token.partition(signing.Signer().sep)
    if not user_id.isdigit():
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(user_id=int(user_id), user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    try:
        value = _signer(feed.secret).unsign(token)
    except signing.BadSignature:
        return None
    return feed.user if value == str(feed.user_id) else None


def render_feed(user: object, *, calendar_name: str) -> bytes:
    """The user's upcoming meetings as an RFC 5545 calendar."""
    from icalendar import Calendar, Event  # imported here: only the feed needs it

    calendar = Calendar()
    calendar.add("prodid", "-//Umeå klimatfärdplan//Träffar//SV")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", calendar_name)
    stamp = timezone.now()
    meetings: list[Meeting] = selectors.upcoming_meetings_for(user)  # type: ignore[arg-type]
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@klimatfardplan.umea.se")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
        event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
        event.add("summary", f"{meeting.title} ({meeting.get_kind_display()})")
        if meeting.place:
            event.add("location", meeting.place)
        if meeting.status == Meeting.Status.CANCELLED:
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
