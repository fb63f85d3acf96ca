"""Services: rounds, saving drafts, the state machine, conflicts, deadlines and reminders."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.context import acting_as
from audit.models import AuditEntry
from outbox.models import OutgoingEmail
from partners.tests.factories import ContactPersonFactory, MembershipFactory
from surveys import selectors, services
from surveys.models import (
    Answer,
    Indicator,
    IndicatorValue,
    Response,
    ResponseEvent,
    SurveyRound,
)
from surveys.rules import AnswerData
from surveys.tests.helpers import fill_and_submit, save, valid_answers
from tests.fixtures import World

pytestmark = pytest.mark.django_db


def test_first_round_uses_default_questionnaire_and_next_round_copies_keys(
    world: World, baseline_round: SurveyRound
) -> None:
    assert baseline_round.years() == [2022, 2023]
    assert baseline_round.questions.filter(key="scope1_total", per_year=True).exists()
    assert baseline_round.questions.filter(section="enabling").count() == 8
    baseline_round.questions.filter(key="calc_tool").update(text_sv="Vilket verktyg?")
    second = services.create_round(
        year=2025, opens_on=date(2025, 1, 15), closes_on=date(2025, 3, 31), by=world.office
    )
    assert second.copied_from == baseline_round
    assert second.years() == [2024]
    assert set(second.questions.values_list("key", flat=True)) == set(
        baseline_round.questions.values_list("key", flat=True)
    )
    assert second.questions.get(key="calc_tool").text_sv == "Vilket verktyg?"
    with pytest.raises(ValidationError):
        services.create_round(
            year=2025, opens_on=date(2025, 1, 1), closes_on=date(2025, 2, 1), by=world.office
        )


def test_draft_keeps_invalid_input_and_zero_differs_from_not_reported(
    world: World, baseline_round: SurveyRound
) -> None:
    result = save(
        baseline_round,
        world.org_a,
        world.contact_a2,
        {
            "scope1_total__2022": AnswerData(raw="-5"),
            "scope1_total__2023": AnswerData(raw="0"),
            "scope2_location__2023": AnswerData(not_reported=True),
            "calc_tool": AnswerData(raw="abc"),
        },
    )
    assert result.errors == {"scope1_total__2022": "Värdet får inte vara negativt."}
    stored = {a.field_name: a for a in Answer.objects.filter(response=result.response)}
    assert stored["scope1_total__2022"].raw == "-5"  # the draft keeps what was typed
    assert stored["scope1_total__2022"].value is None
    assert stored["scope1_total__2023"].value == Decimal("0")
    assert stored["scope2_location__2023"].value is None
    assert stored["scope2_location__2023"].not_reported is True
    assert result.response.state == Response.State.DRAFT


def test_second_save_with_stale_version_is_a_conflict_with_both_values(
    world: World, baseline_round: SurveyRound
) -> None:
    save(baseline_round, world.org_a, world.contact_a, {"scope1_total__2022": AnswerData(raw="10")})
    loaded = selectors.get_form_state(baseline_round, world.org_a).versions  # both load v1
    first = save(
        baseline_round,
        world.org_a,
        world.contact_a,
        {"scope1_total__2022": AnswerData(raw="11")},
        versions=loaded,
    )
    assert first.saved == ["scope1_total__2022"]
    second = save(
        baseline_round,
        world.org_a,
        world.contact_a2,
        {"scope1_total__2022": AnswerData(raw="12"), "calc_tool": AnswerData(raw="Excel")},
        versions=loaded,
    )
    assert second.saved == ["calc_tool"]  # the other field is not blocked
    [conflict] = second.conflicts
    assert conflict.theirs.raw == "11"
    assert conflict.yours.raw == "12"
    assert conflict.by == services._editor(world.contact_a)  # who made the change
    assert conflict.by
    assert Answer.objects.get(field_name="scope1_total__2022").raw == "11"
    assert ResponseEvent.objects.filter(kind=ResponseEvent.Kind.CONFLICT).count() == 1
    # Saving again with the version shown in the conflict replaces it deliberately.
    third = save(
        baseline_round,
        world.org_a,
        world.contact_a2,
        {"scope1_total__2022": AnswerData(raw="12")},
        versions={"scope1_total__2022": conflict.version},
    )
    assert third.saved == ["scope1_total__2022"]
    assert Answer.objects.get(field_name="scope1_total__2022").raw == "12"


def test_a_save_records_each_changed_answer_and_the_response_in_the_audit_trail(
    world: World, baseline_round: SurveyRound
) -> None:
    first = save(
        baseline_round,
        world.org_a,
        world.contact_a,
        {"scope1_total__2022": AnswerData(raw="10"), "calc_tool": AnswerData(raw="Excel")},
    )
    ids = dict(Answer.objects.values_list("field_name", "pk"))
    with acting_as(world.contact_a2):
        second = save(
            baseline_round,
            world.org_a,
            world.contact_a2,
            {
                "scope1_total__2022": AnswerData(raw="12"),
                "calc_tool": AnswerData(raw="Excel", comment="v2"),
                "scope1_total__2023": AnswerData(raw="7"),
            },
        )
    assert sorted(second.saved) == ["calc_tool", "scope1_total__2022", "scope1_total__2023"]
    entries = AuditEntry.objects.filter(action="update", content_type__model="answer")
    changes = {int(e.object_id): e.changes for e in entries}
    user = world.contact_a2.pk
    assert changes == {
        ids["scope1_total__2022"]: {
            "raw": ["10", "12"],
            "value": [changes[ids["scope1_total__2022"]]["value"][0], "12"],
            "updated_by_id": [world.contact_a.pk, user],
        },
        ids["calc_tool"]: {"comment": ["", "v2"], "updated_by_id": [world.contact_a.pk, user]},
    }
    assert Decimal(changes[ids["scope1_total__2022"]]["value"][0]) == Decimal("10")
    assert all(e.organisation_id == world.org_a.pk and e.actor_label for e in entries)
    (created,) = AuditEntry.objects.filter(
        action="create",
        content_type__model="answer",
        object_id__in=[
            str(pk)
            for pk in Answer.objects.filter(field_name="scope1_total__2023").values_list(
                "pk", flat=True
            )
        ],
    )
    assert created.changes["raw"] == [None, "7"]
    response_entry = (
        AuditEntry.objects.filter(
            action="update", content_type__model="response", object_id=str(first.response.pk)
        )
        .order_by("-pk")
        .first()
    )
    assert response_entry is not None
    assert set(response_entry.changes) == {"last_edited_at", "last_edited_by_id"}
    assert response_entry.changes["last_edited_by_id"] == [world.contact_a.pk, user]
    # Versions move on by one per write; the response's too.
    assert dict(Answer.objects.values_list("field_name", "version")) == {
        "scope1_total__2022": 2,
        "calc_tool": 2,
        "scope1_total__2023": 1,
    }
    assert Response.objects.get(pk=first.response.pk).version == 3


def test_same_value_from_a_stale_form_is_not_a_conflict(
    world: World, baseline_round: SurveyRound
) -> None:
    save(baseline_round, world.org_a, world.contact_a, {"calc_tool": AnswerData(raw="Excel")})
    result = save(
        baseline_round,
        world.org_a,
        world.contact_a2,
        {"calc_tool": AnswerData(raw="Excel")},
        versions={},
    )
    assert result.conflicts == []


def test_submit_lists_hard_rules_and_keeps_the_draft(
    world: World, baseline_round: SurveyRound
) -> None:
    answers = valid_answers(baseline_round)
    answers["scope1_total__2023"] = AnswerData(raw="100")
    answers["scope1_stationary__2023"] = AnswerData(raw="30")
    answers["scope1_mobile__2023"] = AnswerData(raw="30")  # 60 ≠ 100
    answers["scope2_location__2022"] = AnswerData(raw="abc")
    save(baseline_round, world.org_a, world.contact_a, answers)
    state = selectors.get_form_state(baseline_round, world.org_a)
    with pytest.raises(ValidationError) as caught:
        services.submit_response(state=state, by=world.contact_a)
    text = " ".join(caught.value.messages)
    assert "Delposterna summerar till 60 t men totalen är 100 t." in text
    assert "Ange ett tal" in text
    response = Response.objects.get()
    assert response.state == Response.State.DRAFT
    assert Answer.objects.get(field_name="scope2_location__2022").raw == "abc"


def test_soft_rule_change_over_50_percent_needs_a_comment(
    world: World, baseline_round: SurveyRound
) -> None:
    answers = valid_answers(baseline_round)
    answers["scope1_total__2022"] = AnswerData(raw="100")
    answers["scope1_total__2023"] = AnswerData(raw="200")
    save(baseline_round, world.org_a, world.contact_a, answers)
    state = selectors.get_form_state(baseline_round, world.org_a)
    problems = services.response_problems(state)
    assert [(p.field_name, p.hard) for p in problems] == [("scope1_total__2023", False)]
    with pytest.raises(ValidationError):
        services.submit_response(state=state, by=world.contact_a)
    save(
        baseline_round,
        world.org_a,
        world.contact_a,
        {"scope1_total__2023": AnswerData(raw="200", comment="Ny fabrik")},
    )
    state = selectors.get_form_state(baseline_round, world.org_a)
    assert services.submit_response(state=state, by=world.contact_a).state == "submitted"


def test_submitted_response_is_locked_reopen_needs_reason_and_changes(
    world: World, baseline_round: SurveyRound
) -> None:
    response = fill_and_submit(baseline_round, world.org_a, world.contact_a)
    with pytest.raises(ValidationError):
        save(baseline_round, world.org_a, world.contact_a, {"calc_tool": AnswerData(raw="x")})
    with pytest.raises(ValidationError):
        services.reopen_response(response=response, reason="  ", by=world.office)
    response = services.reopen_response(response=response, reason="Scope 2 saknas", by=world.office)
    assert response.state == Response.State.REOPENED
    assert OutgoingEmail.objects.filter(subject__contains="har öppnat svaret för").exists()
    state = selectors.get_form_state(baseline_round, world.org_a)
    with pytest.raises(ValidationError, match="Inget har ändrats"):
        services.submit_response(state=state, by=world.contact_a)
    save(baseline_round, world.org_a, world.contact_a, {"calc_tool": AnswerData(raw="Excel")})
    state = selectors.get_form_state(baseline_round, world.org_a)
    assert services.submit_response(state=state, by=world.contact_a).state == "submitted"


def test_approve_only_submitted_and_recomputes_indicators(
    world: World, baseline_round: SurveyRound, django_capture_on_commit_callbacks: object
) -> None:
    services.create_default_indicators()
    save(baseline_round, world.org_a, world.contact_a, valid_answers(baseline_round))
    draft = Response.objects.get()
    with pytest.raises(ValidationError):
        services.approve_response(response=draft, by=world.office)
    response = fill_and_submit(baseline_round, world.org_a, world.contact_a)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.approve_response(response=response, by=world.office)
    own = IndicatorValue.objects.get(
        indicator__key="emissions_s1s2", organisation=world.org_a, year=2023
    )
    assert own.value == Decimal("140.000")  # 100 + 40 market-based
    partnership = IndicatorValue.objects.get(
        indicator__key="scope1_sum", organisation__isnull=True, year=2023
    )
    assert partnership.suppressed is True  # one organisation only
    assert partnership.value is None


def test_submission_after_close_is_blocked_unless_extended(
    world: World, baseline_round: SurveyRound
) -> None:
    save(baseline_round, world.org_a, world.contact_a, valid_answers(baseline_round))
    baseline_round.closes_on = date(2024, 3, 31)
    baseline_round.save()
    state = selectors.get_form_state(baseline_round, world.org_a)
    with pytest.raises(ValidationError, match="Enkäten öppnar 2024-01-15"):
        services.submit_response(state=state, by=world.contact_a, today=date(2024, 1, 2))
    with pytest.raises(ValidationError, match="Enkäten stängde 2024-03-31"):
        services.submit_response(state=state, by=world.contact_a, today=date(2024, 4, 2))
    assert Response.objects.get().state == Response.State.DRAFT
    services.extend_deadline(
        survey_round=baseline_round,
        organisation=world.org_a,
        until=date(2024, 4, 15),
        reason="Sjukdom",
        by=world.office,
    )
    state = selectors.get_form_state(baseline_round, world.org_a)
    response = services.submit_response(state=state, by=world.contact_a, today=date(2024, 4, 2))
    assert response.state == Response.State.SUBMITTED


def test_current_offset_picks_the_window_we_are_in() -> None:
    assert services.current_offset([14, 7, 1], 20) is None
    assert services.current_offset([14, 7, 1], 14) == 14
    assert services.current_offset([14, 7, 1], 10) == 14
    assert services.current_offset([14, 7, 1], 5) == 7
    assert services.current_offset([14, 7, 1], 0) == 1
    assert services.current_offset([14, 7, 1], -1) is None


def test_reminders_never_twice_per_offset_skip_submitted_and_escalate(
    world: World, baseline_round: SurveyRound
) -> None:
    fill_and_submit(baseline_round, world.org_b, world.contact_b)  # B is done
    closes = date(2024, 3, 31)
    baseline_round.closes_on = closes
    baseline_round.save()
    extra = ContactPersonFactory(email="main-a@example.org")
    MembershipFactory(
        contact=extra, organisation=world.org_a, is_main_contact=True, is_survey_contributor=False
    )
    # contact_a is main contact and submitter in the fixture; make the roles distinct here.
    world.contact_a.contact_person.memberships.update(is_main_contact=False)

    # Issue 18: every reminder goes to each contributor and the submitter, one mail each; the
    # escalation adds the main contact to them (it used to replace them).
    workers = {"anna_a@example.org", "bertil_a@example.org", "ivar_inactive@example.org"}

    def sent_on(offset: int) -> set[str]:
        key = f"survey-reminder:{baseline_round.pk}:{world.org_a.pk}:{offset}:"
        rows = OutgoingEmail.objects.filter(dedupe_key__startswith=key)
        assert all(len(e.to) == 1 for e in rows)
        return {e.to[0] for e in rows}

    assert services.send_due_reminders(today=closes - timedelta(days=14)) == 1
    assert services.send_due_reminders(today=closes - timedelta(days=14)) == 0  # same day again
    assert services.send_due_reminders(today=closes - timedelta(days=10)) == 0  # same window
    assert sent_on(14) == workers

    assert services.send_due_reminders(today=closes - timedelta(days=7)) == 1
    assert sent_on(7) == workers
    assert services.send_due_reminders(today=closes - timedelta(days=1)) == 1
    assert sent_on(1) == workers | {"main-a@example.org"}  # escalated: the main contact added
    assert OutgoingEmail.objects.count() == 3 + 3 + 4
    assert all("cecilia_b@example.org" not in e.to for e in OutgoingEmail.objects.all())


def test_an_escalation_offset_missing_from_the_reminder_offsets_still_escalates(
    world: World, baseline_round: SurveyRound
) -> None:
    closes = date(2024, 3, 31)
    baseline_round.closes_on = closes
    baseline_round.reminder_offsets = [14, 7]
    baseline_round.escalation_offsets = [2]
    baseline_round.save()
    main = ContactPersonFactory(email="vd-a@example.org")
    MembershipFactory(
        contact=main, organisation=world.org_a, is_main_contact=True, is_survey_contributor=False
    )
    assert services.send_due_reminders(today=closes - timedelta(days=2)) >= 1
    to_a = {
        e.to[0] for e in OutgoingEmail.objects.filter(dedupe_key__contains=f":{world.org_a.pk}:2:")
    }
    assert "vd-a@example.org" in to_a
    assert "bertil_a@example.org" in to_a


def test_the_round_page_shows_who_was_reminded_when(
    world: World, baseline_round: SurveyRound
) -> None:
    from tests.fixtures import client_for

    closes = date(2024, 3, 31)
    baseline_round.closes_on = closes
    baseline_round.save()
    services.send_due_reminders(today=closes - timedelta(days=7))
    services.send_reminder(survey_round=baseline_round, organisation=world.org_b, by=world.office)
    log = selectors.reminder_log(baseline_round)
    (automatic,) = log[world.org_a.pk]
    assert automatic["offset"] == 7
    assert not automatic["escalated"]
    names = {
        u.contact_person.full_name for u in (world.contact_a, world.contact_a2, world.inactive)
    }
    assert set(automatic["to"]) == names
    manual, earlier = log[world.org_b.pk]  # newest first: B also had the 7-day reminder
    assert (manual["offset"], earlier["offset"]) == (None, 7)
    assert manual["by"] == world.office.get_full_name()
    assert manual["to"] == [world.contact_b.contact_person.full_name]

    page = client_for(world.office).get(baseline_round.get_absolute_url()).content.decode()
    row_a = page.split(f'data-organisation="{world.org_a.pk}"', 1)[1].split("</tr>", 1)[0]
    assert all(name in row_a for name in names)
    assert "7 dagar före" in row_a


def test_reminder_after_extension_uses_the_extended_deadline(
    world: World, baseline_round: SurveyRound
) -> None:
    baseline_round.closes_on = date(2024, 3, 31)
    baseline_round.save()
    services.extend_deadline(
        survey_round=baseline_round,
        organisation=world.org_a,
        until=date(2024, 4, 30),
        reason="",
        by=world.office,
    )
    sent = services.send_due_reminders(today=date(2024, 4, 29))
    assert sent == 1  # A (extended) gets the 1-day reminder; B's round is closed


def test_manual_value_only_for_manual_indicators(world: World) -> None:
    services.create_default_indicators()
    territorial = Indicator.objects.get(key="umea_territorial")
    services.set_manual_value(
        indicator=territorial, year=2022, value=Decimal("331000"), source_note="", by=world.office
    )
    with pytest.raises(ValidationError):
        services.set_manual_value(
            indicator=Indicator.objects.get(key="scope1_sum"),
            year=2022,
            value=Decimal(1),
            source_note="",
            by=world.office,
        )


def test_beat_task_sends_due_reminders(world: World) -> None:
    from django.utils import timezone

    from surveys import tasks

    today = timezone.localdate()
    services.create_round(
        year=today.year + 1,
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=7),
        by=world.office,
    )
    assert tasks.send_survey_reminders.apply().get() == 2  # A and B, offset 7
    assert tasks.send_survey_reminders.apply().get() == 0  # never twice


def test_organisation_page_section_shows_survey_state_to_own_contacts_only(
    world: World, baseline_round: SurveyRound
) -> None:
    from surveys.sections import survey_status

    save(baseline_round, world.org_a, world.contact_a, {"calc_tool": AnswerData(raw="x")})
    section = survey_status(world.org_a, world.contact_a)
    assert section is not None
    assert section["context"]["rows"][0]["state_label"] == "Utkast"
    assert survey_status(world.org_a, world.contact_b) is None
    assert survey_status(world.org_a, world.office) is not None
