"""Personal iCalendar feeds of meetings, and the invitations mailed to invited people.

Calendar apps cannot log in, so each user's feed URL carries a token. The token is opaque: an
HMAC of the user's ``CalendarFeed.secret`` with the SECRET_KEY (``CalendarFeed.url_token``), so the
URL names no user and a token cannot be made without both. The feed is found by the token's
digest; rotating the secret revokes every URL handed out before (issue 15, point 8).
"""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

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


# The UID of a meeting's event, in invitations and feeds alike, never changes (RFC 5545 3.8.4.7):
# a fixed domain, not SITE_URL, which may change while calendars still hold the events.
UID_DOMAIN = "klimatfardplan.umea.se"
PRODID = "-//Umeå klimatfärdplan//Träffar//SV"
FEED_KEPT_DAYS = 365  # past meetings stay in subscribed calendars for a year


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def _description(meeting: Meeting, link: str) -> str:
    parts = [str(meeting.get_kind_display())]
    if meeting.notes:
        parts.append(meeting.notes)
    parts.append(link)
    return "\n\n".join(parts)


def _event(meeting: Meeting, *, stamp: dt.datetime) -> Event:
    """The event of ``meeting``: times in UTC (every calendar app reads them without a
    VTIMEZONE), the summary, place, a description and the link back to the meeting's page."""
    from outbox.mail import absolute_url  # the one place that makes links absolute

    link = absolute_url(meeting.get_absolute_url())
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("summary", meeting.title)
    event.add("description", _description(meeting, link))
    event.add("url", link)
    if meeting.place:
        event.add("location", meeting.place)
    cancelled = meeting.status == Meeting.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def render_feed(user: object, *, calendar_name: str) -> bytes:
    """The meetings ``user`` may see, from a year back, as an RFC 5545 calendar."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", calendar_name)
    stamp = timezone.now()
    meetings = selectors.calendar_meetings_for(user, kept_days=FEED_KEPT_DAYS)  # type: ignore[arg-type]
    for meeting in meetings:
        calendar.add_component(_event(meeting, stamp=stamp))
    return bytes(calendar.to_ical())


def organizer_address() -> str:
    """The office's address, as the ORGANIZER of every invitation (answers go to it)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "klimatfardplan@umea.se"


def render_invitation(
    meeting: Meeting, *, method: str, attendee_name: str, attendee_email: str
) -> bytes:
    """An iTIP message (RFC 5546) for one invited person: ``REQUEST`` invites (or tells of a
    change, with a higher SEQUENCE), ``CANCEL`` removes the event from their calendar.

    Outlook and Google Calendar need METHOD on the calendar, a stable UID, SEQUENCE, DTSTAMP,
    ORGANIZER and the person as ATTENDEE; RSVP=TRUE shows their answer buttons."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = _event(meeting, stamp=timezone.now())
    if method == "CANCEL":
        event["status"] = vText("CANCELLED")
    organizer = vCalAddress(f"mailto:{organizer_address()}")
    organizer.params["cn"] = vText(_("Kansliet för Umeå klimatfärdplan"))
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["cn"] = vText(attendee_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("TRUE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
