"""The access matrix's world: objects of every kind for organisations A and B, with sentinels.

``build(world)`` returns named samples; the matrix file refers to them by name in ``args``
(``args = { pk = "activity_a" }``). Every app contributes through one function below, using its
own services where they are simple to call, so the objects look like real ones. B's private
values carry ``SENTINEL_B`` strings; survey figures carry numbers that appear nowhere else.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from tests.fixtures import World

SENTINEL_B = "SENTINELB7Q"  # appears only in organisation B's private data
# Unpublished survey figures: never on a page for anyone but the office and the owner.
FIGURE_A = Decimal("827364.519")
FIGURE_B = Decimal("918273.645")


def figure_texts(value: Decimal) -> list[str]:
    """How a figure may be rendered: plain, Swedish grouping (space / no-break space), comma."""
    whole = f"{int(value)}"
    grouped = f"{whole[:-3]} {whole[-3:]}"
    return [whole, grouped, grouped.replace(" ", "\u00a0"), grouped.replace(" ", "\u202f")]


def _partners(world: World, samples: dict[str, Any]) -> None:
    from partners.models import Commitment, CommitmentSet, Declaration, GroupRelation, Membership
    from roadmap.models import Challenge, PartnershipPeriod

    world.org_b.street_address = f"{SENTINEL_B} gatan 1"
    world.org_b.save()
    contact_b = world.contact_b.contact_person
    contact_b.phone = f"070-{SENTINEL_B}"
    contact_b.save()
    period = PartnershipPeriod.objects.order_by("-start_year").first()
    samples.update(org_a=world.org_a, org_b=world.org_b, period=period)
    samples["contact_b"] = contact_b
    samples["membership_a"] = Membership.objects.get(contact__user=world.contact_a2)
    samples["membership_b"] = Membership.objects.get(contact__user=world.contact_b)
    # A contact of A without a login yet: what "invite" is for.
    from partners.tests.factories import ContactPersonFactory, MembershipFactory

    samples["membership_nologin_a"] = MembershipFactory(
        organisation=world.org_a, contact=ContactPersonFactory(email="ny.kontakt@example.org")
    )
    # Identity (issue 15): A's main contact, and a contact without a login whose e-mail is the
    # strategic group member's (what the takeover chain adds before inviting it).
    samples["membership_main_a"] = Membership.objects.get(contact__user=world.contact_a)
    samples["membership_login_email_a"] = MembershipFactory(
        organisation=world.org_a, contact=ContactPersonFactory(email=world.strategic.email)
    )
    for key, org in (("a", world.org_a), ("b", world.org_b)):
        commitment_set = CommitmentSet.objects.create(
            organisation=org, period=period, status=CommitmentSet.Status.CONFIRMED
        )
        for number in (3, 4 if key == "a" else 5):
            Commitment.objects.create(
                commitment_set=commitment_set,
                challenge=Challenge.objects.get(number=number),
                # Not a sentinel: plans are shared with the grouping's members by design.
                plan=f"Plan {key}",
            )
        declaration = Declaration(
            organisation=org,
            period=period,
            signed_on=dt.date(2023, 1, 15),
            signatory_name="Anna Avsikt" if key == "a" else f"{SENTINEL_B} Signatör",
        )
        declaration.document.save(
            f"avsikt-{key}.pdf", ContentFile(b"%PDF-1.4 avsikt\n"), save=False
        )
        declaration.save()
        samples[f"declaration_{key}"] = declaration
    samples["relation_a"] = GroupRelation.objects.create(
        from_organisation=world.org_a,
        to_organisation=world.org_b,
        kind=GroupRelation.Kind.choices[0][0],
    )
    samples["challenge"] = Challenge.objects.get(number=3)


def _activities(world: World, samples: dict[str, Any]) -> None:
    from activities import services
    from activities.models import (
        Activity,
        ActivityPerson,
        Attachment,
        Meeting,
        MeetingDocument,
        MeetingInvitation,
        Milestone,
        Participation,
    )

    today = timezone.localdate()
    for key, org in (("a", world.org_a), ("b", world.org_b)):
        activity = Activity.objects.create(
            title=f"Aktivitet {key.upper()}",
            kind=Activity.Kind.INITIATIVE,
            purpose="Syfte" if key == "a" else f"Syfte {SENTINEL_B}",
            goal="Mål",
            start_date=today - dt.timedelta(days=30),
            end_date=today + dt.timedelta(days=300),
            is_shared=False,
        )
        Participation.objects.create(activity=activity, organisation=org, is_lead=True)
        samples[f"activity_{key}"] = activity
        samples[f"milestone_{key}"] = Milestone.objects.create(
            activity=activity, title=f"Delmål {key}", due_date=today + dt.timedelta(days=60)
        )
        contact = (world.contact_a if key == "a" else world.contact_b).contact_person
        samples[f"activity_person_{key}"] = ActivityPerson.objects.create(
            activity=activity, contact=contact
        )
        attachment = Attachment(activity=activity, title=f"Bilaga {key}")
        attachment.file.save(f"bilaga-{key}.pdf", ContentFile(b"%PDF-1.4 bilaga\n"), save=False)
        attachment.save()
        samples[f"attachment_{key}"] = attachment
    # A partner's proposal awaiting the office (issue 18): A proposed it, A leads it.
    proposal = Activity.objects.create(
        title="Förslag A",
        kind=Activity.Kind.INITIATIVE,
        purpose="Syfte",
        goal="Mål",
        start_date=today,
        end_date=today + dt.timedelta(days=200),
        learning_and_sharing=True,
        proposal_status=Activity.Proposal.PROPOSED,
        proposer_organisation=world.org_a,
        created_by=world.contact_a,
    )
    Participation.objects.create(activity=proposal, organisation=world.org_a, is_lead=True)
    samples["proposal_a"] = proposal
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.WORKING_GROUP,
        title="Arbetsgrupp",
        starts_at=timezone.now() + dt.timedelta(days=7),
        ends_at=timezone.now() + dt.timedelta(days=7, hours=2),
    )
    meeting.invited_organisations.add(world.org_a)
    samples["meeting_a"] = meeting
    document = MeetingDocument(meeting=meeting, title="Protokoll")
    document.file.save("protokoll.pdf", ContentFile(b"%PDF-1.4 protokoll\n"), save=False)
    document.save()
    samples["meeting_document_a"] = document
    from activities import calendar

    feed = services.get_or_create_calendar_feed(user=world.contact_a)
    samples["calendar_token_a"] = calendar.make_token(feed)
    # contact_a's link to answer the meeting's invitation (issue 18): the token is the credential.
    invitation = MeetingInvitation.objects.create(
        meeting=meeting, contact=world.contact_a.contact_person
    )
    samples["meeting_answer_token_a"] = services.answer_url(invitation).rsplit("/", 2)[-2]


def _surveys(world: World, samples: dict[str, Any]) -> None:
    from surveys import services
    from surveys.models import Answer, Question, Response

    today = timezone.localdate()
    survey_round = services.create_round(
        year=today.year,
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=20),
        by=world.office,
    )
    samples["round"] = survey_round
    from roadmap.models import Goal
    from surveys.models import Indicator

    samples["indicator"] = Indicator.objects.create(  # the follow-up chart's download
        goal=Goal.objects.order_by("pk").first(),
        key="access_indicator",
        name_sv="Indikator",
        kind=Indicator.Kind.QUALITATIVE,
        direction=Indicator.Direction.INCREASE,
        source=Indicator.Source.SURVEY_FIELD,
        source_key="q_collaboration",
        aggregation=Indicator.Aggregation.LIKERT,
    )
    question = Question.objects.filter(round=survey_round, kind=Question.Kind.DECIMAL).first()
    text_question = Question.objects.filter(round=survey_round, kind=Question.Kind.TEXT).first()
    for key, org, figure in (("a", world.org_a, FIGURE_A), ("b", world.org_b, FIGURE_B)):
        response = Response.objects.create(
            round=survey_round, organisation=org, state=Response.State.DRAFT
        )
        samples[f"response_{key}"] = response
        if question is not None:
            Answer.objects.create(
                response=response,
                question=question,
                field_name=question.key,
                year=today.year - 1,
                raw=str(figure),
                value=figure,
            )
        if text_question is not None and key == "b":
            Answer.objects.create(
                response=response,
                question=text_question,
                field_name=text_question.key,
                year=today.year - 1,
                raw=f"Svar {SENTINEL_B}",
            )


def _reporting(world: World, samples: dict[str, Any]) -> None:
    from reporting import services
    from reporting.models import ReportJob

    report_year = services.create_report_year(year=timezone.localdate().year - 1, by=world.office)
    samples["report_year"] = report_year
    job = ReportJob.objects.create(
        report_year=report_year,
        snapshot=services.take_snapshot(report_year=report_year, by=world.office),
        kind=ReportJob.Kind.ORGANISATION,
        organisation=world.org_a,
        language="sv",
        status=ReportJob.Status.DONE,
    )
    # A finished but unpublished report of A, holding A's unpublished figure: office only.
    job.file.save("rapport-a.pdf", ContentFile(f"%PDF-1.4 {FIGURE_A}\n".encode()), save=True)
    samples["report_job_a"] = job
    samples["fmt_pdf"] = "pdf"
    batch = services.build_all_organisation_reports(
        report_year=report_year, language="sv", by=world.office
    )
    samples["batch"] = batch


def _spaces(world: World, samples: dict[str, Any]) -> None:
    from spaces import services
    from spaces.models import Attachment, Comment, Post, Space

    services.ensure_spaces()
    space = Space.objects.filter(challenge__number=3).first() or Space.objects.first()
    samples["space"] = space
    if space is None:
        return
    post = Post.objects.create(
        space=space,
        kind=Post.Kind.QUESTION,
        title="Fråga A",
        body="Hur?",
        author=world.contact_a,
        organisation=world.org_a,
    )
    samples["post_a"] = post
    Comment.objects.create(post=post, body="Svar", author=world.office)
    samples["space_comment_a"] = Comment.objects.create(
        post=post, body="Tillägg", author=world.contact_a, organisation=world.org_a
    )
    attachment = Attachment(
        post=post, original_name="bild.png", extension="png", content_type="image/png", size=10
    )
    attachment.file.save("bild.png", ContentFile(b"\x89PNG\r\n\x1a\n00"), save=False)
    attachment.save()
    samples["space_attachment_a"] = attachment
    samples["unsubscribe_token_a"] = services.make_unsubscribe_token(
        user_id=world.contact_a.pk, space_id=space.pk
    )


def _roadmap(world: World, samples: dict[str, Any]) -> None:
    """The partnership's logo, so that its URL answers 200 to whoever may see it."""
    import base64

    from django.core.files.uploadedfile import SimpleUploadedFile

    from roadmap import services

    png = base64.b64decode(  # a 1 x 1 PNG
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGOQj3MGAAFgAMHWeG9lAAAAAElFTkSuQmCC"
    )
    samples["branding"] = services.update_branding(
        accent="#1f5e43",
        logo=SimpleUploadedFile("logo.png", png, content_type="image/png"),
        remove_logo=False,
        by=world.office,
    )


BUILDERS = [_partners, _activities, _surveys, _reporting, _spaces, _roadmap]


def build(world: World) -> dict[str, Any]:
    samples: dict[str, Any] = {}
    for builder in BUILDERS:
        builder(world, samples)
    return samples
