"""Reminders to the survey's contacts before and after the deadline."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from surveys import selectors
from surveys.models import DeadlineExtension, Response, ResponseEvent, SurveyRound
from surveys.services.answers import _get_or_create_response

if TYPE_CHECKING:
    from accounts.models import User
    from partners.models import Organisation


# --- reminders ----------------------------------------------------------------------------------
def _survey_contacts(organisation: Organisation, *, escalate: bool) -> list[tuple[Any, bool]]:
    """Who gets the organisation's survey mail: every active contributor and the submitter,
    and on an escalation the main contact as well (added, never instead). An organisation
    with nobody in a survey role reaches its main contact, so the mail goes to someone.
    Returns (contact, is main contact), one per address, in name order."""
    from partners.models import Membership

    memberships = list(
        Membership.objects.filter(organisation=organisation, is_active=True)
        .select_related("contact__user")
        .order_by("contact__last_name", "contact__first_name", "contact_id")
    )
    workers = [m for m in memberships if m.is_survey_contributor or m.is_survey_submitter]
    mains = [m for m in memberships if m.is_main_contact]
    chosen = workers + mains if escalate or not workers else workers
    is_main = {m.contact_id for m in mains}
    found: dict[str, tuple[Any, bool]] = {}
    for membership in chosen:
        contact = membership.contact
        address = (contact.email or "").strip().lower()
        if address and address not in found:
            found[address] = (contact, contact.pk in is_main)
    return list(found.values())


def _mail_survey_contacts(
    survey_round: SurveyRound,
    organisation: Organisation,
    *,
    template: str,
    context: dict[str, Any],
    dedupe_key: str | None,
    escalate: bool,
    bulk: bool,
) -> list[int]:
    """One mail per person (each in their own language, see outbox.mail), the form's absolute
    link in each. Returns the ids of the contacts a mail was queued for."""
    from outbox import mail

    form_url = mail.url(
        "surveys:response_form", round_pk=survey_round.pk, organisation_pk=organisation.pk
    )
    # Reminders are bulk mail: List-Unsubscribe names the organisation's page, where the survey
    # roles are listed, and a mail to the office that takes a person off the survey.
    unsubscribe = (
        mail.Unsubscribe(
            url=mail.url("partners:organisation_detail", pk=organisation.pk),
            mailto_subject=f"Enkätpåminnelser {organisation.name}",
        )
        if bulk
        else None
    )
    queued = []
    for contact, is_main_contact in _survey_contacts(organisation, escalate=escalate):
        email = mail.send_mail(
            to=mail.recipient_for_contact(contact),
            template=template,
            context={
                "round": survey_round,
                "organisation": organisation,
                "contact": contact,
                "as_main_contact": is_main_contact and escalate,
                "form_url": form_url,
                "action_url": form_url,
                "action_label": gettext_lazy("Öppna enkäten"),
                **context,
            },
            dedupe_key=f"{dedupe_key}:c{contact.pk}" if dedupe_key else None,
            unsubscribe=unsubscribe,
        )
        if email is not None:
            queued.append(contact.pk)
    return queued


def send_reminder(
    *,
    survey_round: SurveyRound,
    organisation: Organisation,
    by: User | None,
    offset: int | None = None,
    deadline: date | None = None,
    today: date | None = None,
) -> bool:
    """Email the organisation's survey contributors and submitter; on an escalation offset
    (``survey_round.escalation_offsets``) its main contact too. The response's history records
    who was reminded (contact ids), which the office's round page shows.

    With an ``offset`` the reminder for that offset is sent at most once, whatever beat does:
    each mail's dedupe key is ``survey-reminder:{round}:{org}:{offset}:c{contact}``."""
    from outbox.models import OutgoingEmail

    today = today or timezone.localdate()
    escalate = offset is not None and offset in [int(o) for o in survey_round.escalation_offsets]
    if offset is None:
        # The local time (Stockholm), so that "reminded today" (tracker.reminded_today) is the
        # office's day, not UTC's.
        key = f"survey-reminder:{survey_round.pk}:{organisation.pk}:manual:{timezone.localtime().isoformat()}"
    else:
        key = f"survey-reminder:{survey_round.pk}:{organisation.pk}:{offset}"
        # Sent before (also in the one-mail-for-all form of earlier releases: the bare key).
        if OutgoingEmail.objects.filter(dedupe_key__startswith=key + ":").exists() or (
            OutgoingEmail.objects.filter(dedupe_key=key).exists()
        ):
            return False
    deadline = deadline or selectors.deadline_for(survey_round, organisation.pk)
    contacts = _mail_survey_contacts(
        survey_round,
        organisation,
        template="surveys/mail/reminder",
        context={"deadline": deadline, "days_left": (deadline - today).days},
        dedupe_key=key,
        escalate=escalate,
        bulk=True,
    )
    if not contacts:
        return False
    response = _get_or_create_response(survey_round, organisation, Response.State.NOT_STARTED)
    ResponseEvent.objects.create(
        response=response,
        kind=ResponseEvent.Kind.REMINDED,
        by=by,
        data={"offset": offset, "escalated": escalate, "contacts": contacts},
    )
    return True


def current_offset(offsets: list[int], days_left: int) -> int | None:
    """The reminder window we are in: the smallest offset ≥ days left (None outside any).

    E.g. offsets [14, 7, 1]: 10 days left → 14, 5 days left → 7, deadline day → 1. A missed
    beat run therefore catches up with the current window only, never with older ones."""
    if days_left < 0:
        return None
    candidates = [o for o in offsets if o >= days_left]
    return min(candidates) if candidates else None


def send_due_reminders(*, today: date | None = None) -> int:
    """Send the automatic reminders due today to organisations that have not submitted.
    Safe to run any number of times a day (dedupe keys)."""
    today = today or timezone.localdate()
    sent = 0
    rounds = SurveyRound.objects.filter(opens_on__lte=today, closes_on__gte=today - timedelta(60))
    for survey_round in rounds:
        done = set(
            Response.objects.filter(
                round=survey_round,
                state__in=[Response.State.SUBMITTED, Response.State.APPROVED],
            ).values_list("organisation_id", flat=True)
        )
        extensions = dict(
            DeadlineExtension.objects.filter(round=survey_round).values_list(
                "organisation_id", "until"
            )
        )
        for organisation in selectors.expected_organisations():
            if organisation.pk in done:
                continue
            deadline = max(
                extensions.get(organisation.pk, survey_round.closes_on), survey_round.closes_on
            )
            # An escalation offset is a reminder day too, even if the office left it out of
            # the reminder offsets: the escalation adds the main contact to that day's mail.
            offset = current_offset(
                [int(o) for o in survey_round.reminder_offsets]
                + [int(o) for o in survey_round.escalation_offsets],
                (deadline - today).days,
            )
            if offset is None:
                continue
            if send_reminder(
                survey_round=survey_round,
                organisation=organisation,
                by=None,
                offset=offset,
                deadline=deadline,
                today=today,
            ):
                sent += 1
    return sent
