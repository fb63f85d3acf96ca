"""Personal iCalendar feeds of upcoming meetings.

Calendar apps cannot log in, so each user's feed URL carries a token. The token is opaque: an
HMAC of the user's ``CalendarFeed.secret`` with the SECRET_KEY (``CalendarFeed.url_token``), so the
URL names no user and a token cannot be made without both. The feed is found by the token's
digest; rotating the secret revokes every URL handed out before (issue 15, point 8).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from activities import selectors
from activities.models import CalendarFeed, Meeting, feed_token_digest


def make_token(feed: CalendarFeed) -> str:
    return feed.url_token()


def user_for_token(token: str) -> object | None:
    """The active user a token belongs to, or None when it is unknown, tampered or revoked."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_digest=feed_token_digest(token), user__is_active=True)
        .first()
    )
    return feed.user if feed is not None else None


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
