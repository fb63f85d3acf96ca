"""Mails people can act on (issue 18): every mail the app sends is made here.

One path for all of them, so that each mail has the same properties whoever sends it:
- links are absolute, on ``settings.SITE_URL`` (never on a request's Host header: a forged Host
  would otherwise point a password link at someone else's server);
- a plain-text part and an HTML part, from ``<template>.txt`` and ``<template>.html`` (the HTML
  extends ``templates/mail/base.html``), with the subject from ``<template>_subject.txt``;
- the recipient's language (``User.preferred_language``), active while all three are rendered;
- ``List-Unsubscribe`` (and ``List-Unsubscribe-Post`` where the link works with one POST, RFC
  8058) on bulk mail: reminders, space notifications and digests.
The mail is then queued through :func:`outbox.services.queue_email`, which keeps one-time links
out of the table and makes them at send time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from outbox.models import OutgoingEmail
from outbox.services import queue_email

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import ContactPerson


def site_url() -> str:
    """The absolute base of every link in a mail, without a trailing slash.

    ``SITE_URL`` has a development default (settings.py); in production a missing one is
    reported by ``check --deploy`` and at start-up (outbox.checks), and links fall back to the
    first of ``ALLOWED_HOSTS`` over https so that they are at least absolute."""
    configured = str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if configured:
        return configured
    host = next((h for h in settings.ALLOWED_HOSTS if h and h[0] not in ".*"), "localhost")
    return f"https://{host}"


def absolute_url(location: str) -> str:
    """``location`` (a path such as ``/surveys/…`` or an absolute URL) as an absolute URL."""
    if urlsplit(location).scheme:
        return location
    return site_url() + "/" + location.lstrip("/")


def one_time_link_url() -> str:
    """Where a mail's one-time password link goes: the worker puts the real link there when it
    sends (outbox.services.one_time_link_path), so pass the login as ``send_mail(link_user=)``."""
    from outbox.services import one_time_link_path

    return absolute_url(one_time_link_path())


def url(viewname: str, *args: Any, **kwargs: Any) -> str:
    """``reverse()`` as an absolute URL for a mail."""
    return absolute_url(reverse(viewname, args=args or None, kwargs=kwargs or None))


@dataclass(frozen=True)
class Recipient:
    """Whom one mail goes to: the address, and the language it is written in."""

    address: str
    language: str = ""  # "" is the site's language (settings.LANGUAGE_CODE)

    @property
    def locale(self) -> str:
        known = dict(settings.LANGUAGES)
        return self.language if self.language in known else settings.LANGUAGE_CODE


def recipient_for_user(user: User, address: str = "") -> Recipient:
    return Recipient(address=address or user.email, language=user.preferred_language)


def recipient_for_contact(contact: ContactPerson) -> Recipient:
    """A contact person: their record's address, in their login's language (if they have one)."""
    user = contact.user
    return Recipient(
        address=contact.email or (user.email if user is not None else ""),
        language=user.preferred_language if user is not None else "",
    )


def recipients_for_addresses(addresses: Iterable[str]) -> list[Recipient]:
    """Addresses as recipients, each in the language of the login with that address (one
    query). An address without a login gets the site's language."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    wanted = sorted({a.strip() for a in addresses if a and a.strip()}, key=str.lower)
    if not wanted:
        return []
    same_address = Q(pk__in=[])
    for address in wanted:
        same_address |= Q(email__iexact=address)
    languages = {
        email.lower(): language
        for email, language in get_user_model()
        .objects.filter(same_address)
        .exclude(preferred_language="")
        .values_list("email", "preferred_language")
    }
    return [Recipient(address=a, language=languages.get(a.lower(), "")) for a in wanted]


@dataclass(frozen=True)
class Unsubscribe:
    """Where a bulk mail's reader stops it: ``url`` opens a page (and ``one_click``: a POST to it
    without a login unsubscribes, RFC 8058); ``mailto`` asks the office by mail."""

    url: str = ""
    one_click: bool = False
    mailto_subject: str = ""

    def headers(self) -> dict[str, str]:
        targets = []
        if self.url:
            targets.append(f"<{absolute_url(self.url)}>")
        if self.mailto_subject:
            office = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
            if office:
                targets.append(f"<mailto:{office}?subject={quote(self.mailto_subject)}>")
        if not targets:
            return {}
        headers = {"List-Unsubscribe": ", ".join(targets)}
        if self.url and self.one_click:
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        return headers


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render_mail(template: str, context: Mapping[str, Any], *, language: str = "") -> RenderedMail:
    """The subject, text and HTML of ``template`` (e.g. "surveys/mail/reminder") in ``language``."""
    with translation.override(language or settings.LANGUAGE_CODE):
        full = {"site_url": site_url(), **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", full).split())
        return RenderedMail(
            subject=subject[:255],
            text=render_to_string(f"{template}.txt", full).strip() + "\n",
            html=render_to_string(f"{template}.html", full),
        )


def send_mail(
    *,
    to: Recipient,
    template: str,
    context: Mapping[str, Any],
    dedupe_key: str | None = None,
    unsubscribe: Unsubscribe | None = None,
    reply_to: str = "",
    link_user: User | None = None,
) -> OutgoingEmail | None:
    """Render ``template`` for one recipient in their language and queue it (None: nothing
    queued, because the address is empty or the dedupe key was used before).

    ``link_user``: the mail carries that login's one-time password link, which the worker makes
    at sending time where the context put :func:`one_time_link_url` (queue_email)."""
    if not to.address:
        return None
    headers: dict[str, str] = {}
    if unsubscribe is not None:
        headers |= unsubscribe.headers()
        headers["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to reminders
    unsubscribe_url = unsubscribe.url if unsubscribe is not None else ""
    rendered = render_mail(
        template,
        {
            "recipient": to,
            "unsubscribe_url": absolute_url(unsubscribe_url) if unsubscribe_url else "",
            **context,
        },
        language=to.locale,
    )
    return queue_email(
        to=[to.address],
        subject=rendered.subject,
        body=rendered.text,
        html_body=rendered.html,
        reply_to=reply_to,
        dedupe_key=dedupe_key,
        headers=headers,
        link_user=link_user,
    )
