"""Views per role: who may see, fill in, submit, approve; denied POSTs change nothing."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from outbox.models import OutgoingEmail
from partners.models import Organisation
from surveys import services
from surveys.models import Answer, IndicatorValue, Response, SurveyRound
from surveys.rules import AnswerData
from surveys.tests.helpers import fill_and_submit, save
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def form_url(survey_round: SurveyRound, organisation: Organisation) -> str:
    return reverse(
        "surveys:response_form",
        kwargs={"round_pk": survey_round.pk, "organisation_pk": organisation.pk},
    )


def action_url(name: str, survey_round: SurveyRound, organisation: Organisation) -> str:
    return reverse(
        f"surveys:{name}",
        kwargs={"round_pk": survey_round.pk, "organisation_pk": organisation.pk},
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("contact_a", 200),
        ("contact_a2", 200),
        ("office", 200),
        ("contact_b", 403),
        ("strategic", 403),
    ],
)
def test_who_may_open_organisation_as_form(
    world: World, baseline_round: SurveyRound, role: str, expected: int
) -> None:
    client = client_for(world.users()[role])
    assert client.get(form_url(baseline_round, world.org_a)).status_code == expected


def test_anonymous_is_sent_to_login(world: World, baseline_round: SurveyRound) -> None:
    response = Client().get(form_url(baseline_round, world.org_a))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_autosave_returns_json_with_field_errors_and_progress(
    world: World, baseline_round: SurveyRound
) -> None:
    client = client_for(world.contact_a2)
    response = client.post(
        form_url(baseline_round, world.org_a),
        {
            "section": "scope1",
            "scope1_total__2022": "1 234,5",
            "scope1_total__2022__version": "0",
            "scope1_total__2023": "tio",
            "scope1_total__2023__version": "0",
        },
        **JSON,
    )
    assert response.status_code == 200
    body = response.json()
    assert sorted(body["saved"]) == ["scope1_total__2022", "scope1_total__2023"]
    assert body["errors"] == {"scope1_total__2023": "Ange ett tal, t.ex. 1234,5."}
    assert body["progress"]["scope1"] == [2, 10]
    assert Answer.objects.get(field_name="scope1_total__2022").value == Decimal("1234.5")
    assert Answer.objects.get(field_name="scope1_total__2023").raw == "tio"


def test_plain_save_redirects_back_to_the_section(
    world: World, baseline_round: SurveyRound
) -> None:
    client = client_for(world.contact_a)
    response = client.post(
        form_url(baseline_round, world.org_a),
        {"section": "boundary", "consolidation_approach": "equity_share"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?section=boundary")
    assert Answer.objects.get(field_name="consolidation_approach").choice == "equity_share"


def test_conflict_page_shows_both_values_and_keeps_what_was_typed(
    world: World, baseline_round: SurveyRound
) -> None:
    url = form_url(baseline_round, world.org_a)
    save(baseline_round, world.org_a, world.contact_a, {"scope1_total__2022": AnswerData(raw="11")})
    response = client_for(world.contact_a2).post(
        url,
        {"section": "scope1", "scope1_total__2022": "99", "scope1_total__2022__version": "0"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Sparat värde:" in html
    assert "<strong>11</strong>" in html
    assert 'value="99"' in html  # the typed value is still in the field
    assert 'name="scope1_total__2022__version" value="1"' in html
    assert Answer.objects.get(field_name="scope1_total__2022").raw == "11"


def test_form_page_runs_a_constant_number_of_queries(
    world: World, baseline_round: SurveyRound, django_assert_num_queries: object
) -> None:
    client = client_for(world.contact_a)
    url = form_url(baseline_round, world.org_a)
    save(
        baseline_round,
        world.org_a,
        world.contact_a,
        {
            "scope1_total__2022": AnswerData(raw="10"),
            "scope1_total__2023": AnswerData(raw="12"),
            "calc_tool": AnswerData(raw="Excel"),
        },
    )
    client.get(url)  # warm-up: session
    # 1 session, 2 user, 3 round (+period, +this organisation's deadline extension),
    # 4 organisation, 5 membership (policy: org ids), 6 questions, 7 response (+last editor),
    # 8 commitments (+challenges), 9 answers (+editors), 10 last year's values, 11 the period's
    # follow-up settings (the soft rules' ±50 % threshold: warnings beside the fields, issue
    # 20.3).
    with django_assert_num_queries(11):  # type: ignore[operator]
        assert client.get(url + "?section=scope1").status_code == 200
    for n in range(30):
        save(
            baseline_round,
            world.org_a,
            world.contact_a,
            {f"scope3_c{n % 15 + 1}__2022": AnswerData(raw=str(n))},
        )
    # The same 11, plus 12: the partner list for "included in another partner's report",
    # which is among the unanswered questions.
    with django_assert_num_queries(12):  # type: ignore[operator]
        assert client.get(url + "?unanswered=1").status_code == 200


def test_autosave_runs_a_constant_number_of_queries(
    world: World, baseline_round: SurveyRound, django_assert_num_queries: object
) -> None:
    client = client_for(world.contact_a)
    url = form_url(baseline_round, world.org_a)
    save(
        baseline_round,
        world.org_a,
        world.contact_a,
        {
            "scope1_total__2022": AnswerData(raw="10"),
            "scope1_stationary__2022": AnswerData(raw="4"),
        },
    )
    client.get(url)  # warm-up: session
    data = {
        "section": "scope1",
        "scope1_total__2022": "11",
        "scope1_total__2022__version": "1",
        "scope1_stationary__2022": "5",
        "scope1_stationary__2022__version": "1",
    }
    # 1 session, 2 user, 3 round (+deadline extension), 4 organisation, 5 membership (policy),
    # 6 questions, 7 response, 8 commitments (+challenges); 9 savepoint, 10 the response's
    # answers, locked (also the progress returned), 11 one UPDATE of both answers, 12 UPDATE the
    # response (only while editable), 13 the "saved" event, 14 the audit entries of both answers
    # and the response (one INSERT), 15 release the savepoint; for the soft rules' warnings of
    # the saved fields (issue 20.3): 16 last year's values, 17 the period's follow-up settings.
    with django_assert_num_queries(17):  # type: ignore[operator]
        response = client.post(url, data, **JSON)
    assert response.status_code == 200
    assert response.json()["versions"] == {"scope1_total__2022": 2, "scope1_stationary__2022": 2}
    stored = dict(Answer.objects.values_list("field_name", "raw"))
    assert stored == {"scope1_total__2022": "11", "scope1_stationary__2022": "5"}


def test_form_page_shows_a_question_edited_after_it_was_loaded(
    world: World, baseline_round: SurveyRound
) -> None:
    # Editing a question (as the admin does, through save()) or deleting one shows on the next
    # page view.
    client = client_for(world.contact_a)
    url = form_url(baseline_round, world.org_a) + "?section=method"
    assert "Vilket beräkningsverktyg" not in client.get(url).content.decode()
    question = baseline_round.questions.get(key="calc_tool")
    question.text_sv = "Vilket beräkningsverktyg använde ni?"
    question.save()
    page = client.get(url).content.decode()
    assert "Vilket beräkningsverktyg använde ni?" in page
    question.delete()
    assert 'name="calc_tool"' not in client.get(url).content.decode()


def test_form_page_shows_a_question_changed_by_a_bulk_update(
    world: World, baseline_round: SurveyRound
) -> None:
    # A bulk write sends no signal: the page must still show the question as stored (issue 19,
    # the questionnaire was kept per process under a token only save() and delete() changed).
    client = client_for(world.contact_a)
    url = form_url(baseline_round, world.org_a) + "?section=method"
    assert "Vilket verktyg räknade ni med?" not in client.get(url).content.decode()
    baseline_round.questions.filter(key="calc_tool").update(
        text_sv="Vilket verktyg räknade ni med?"
    )
    assert "Vilket verktyg räknade ni med?" in client.get(url).content.decode()


def test_contributor_cannot_submit_and_nothing_changes(
    world: World, baseline_round: SurveyRound
) -> None:
    save(baseline_round, world.org_a, world.contact_a2, {"calc_tool": AnswerData(raw="x")})
    response = client_for(world.contact_a2).post(
        action_url("response_submit", baseline_round, world.org_a)
    )
    assert response.status_code == 403
    assert Response.objects.get().state == Response.State.DRAFT


def test_submit_page_links_every_problem_to_its_field(
    world: World, baseline_round: SurveyRound
) -> None:
    save(baseline_round, world.org_a, world.contact_a, {"scope1_total__2022": AnswerData(raw="-1")})
    client = client_for(world.contact_a)
    response = client.post(action_url("response_submit", baseline_round, world.org_a))
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{form_url(baseline_round, world.org_a)}?section=scope1#f-scope1_total__2022" in html
    assert "Värdet får inte vara negativt." in html
    assert Response.objects.get().state == Response.State.DRAFT


def test_partner_of_b_cannot_post_into_a(world: World, baseline_round: SurveyRound) -> None:
    response = client_for(world.contact_b).post(
        form_url(baseline_round, world.org_a), {"section": "other", "calc_tool": "hack"}
    )
    assert response.status_code == 403
    assert not Answer.objects.exists()
    assert not Response.objects.exists()


def test_office_cannot_fill_in_a_partner_response(
    world: World, baseline_round: SurveyRound
) -> None:
    response = client_for(world.office).post(
        form_url(baseline_round, world.org_a), {"section": "other", "calc_tool": "x"}
    )
    assert response.status_code == 403
    assert not Answer.objects.exists()


@pytest.mark.parametrize("role", ["contact_a", "strategic", "contact_b"])
def test_only_the_office_approves_reopens_extends_and_reminds(
    world: World, baseline_round: SurveyRound, role: str
) -> None:
    fill_and_submit(baseline_round, world.org_a, world.contact_a)
    client = client_for(world.users()[role])
    for name, data in [
        ("response_approve", {}),
        ("response_reopen", {"reason": "x"}),
        ("deadline_extend", {"until": "2099-12-31"}),
        ("reminder_send", {}),
    ]:
        assert client.post(action_url(name, baseline_round, world.org_a), data).status_code == 403
    response = Response.objects.get()
    assert response.state == Response.State.SUBMITTED
    assert not OutgoingEmail.objects.exists()
    assert not response.events.filter(kind__in=["approved", "reopened", "extended"]).exists()


def test_office_round_view_approve_and_reopen(world: World, baseline_round: SurveyRound) -> None:
    fill_and_submit(baseline_round, world.org_a, world.contact_a)
    save(baseline_round, world.org_b, world.contact_b, {"calc_tool": AnswerData(raw="x")})
    client = client_for(world.office)
    page = client.get(baseline_round.get_absolute_url())
    assert page.status_code == 200
    rows = {row["organisation"].pk: row for row in page.context["rows"]}
    assert rows[world.org_a.pk]["state"] == "submitted"
    assert rows[world.org_b.pk]["state"] == "draft"
    assert rows[world.org_b.pk]["missing"]["boundary"] == 2
    client.post(action_url("response_approve", baseline_round, world.org_a))
    assert Response.objects.get(organisation=world.org_a).state == "approved"
    client.post(action_url("response_reopen", baseline_round, world.org_a), {"reason": "Fel år"})
    reopened = Response.objects.get(organisation=world.org_a)
    assert reopened.state == "reopened"
    assert reopened.reopen_reason == "Fel år"


def test_send_reminder_now(world: World, baseline_round: SurveyRound) -> None:
    response = client_for(world.office).post(
        action_url("reminder_send", baseline_round, world.org_b)
    )
    assert response.status_code == 302
    email = OutgoingEmail.objects.get()
    assert email.to == ["cecilia_b@example.org"]
    assert form_url(baseline_round, world.org_b) in email.body


def test_round_create_copies_last_round(world: World, baseline_round: SurveyRound) -> None:
    client = client_for(world.office)
    response = client.post(
        reverse("surveys:round_create"),
        {"year": 2025, "opens_on": "2025-01-15", "closes_on": "2025-03-31"},
    )
    new = SurveyRound.objects.get(year=2025)
    assert response.status_code == 302
    assert new.data_years == [2024]
    assert new.questions.count() == baseline_round.questions.count()
    bad = client.post(
        reverse("surveys:round_create"),
        {"year": 2026, "opens_on": "2026-03-15", "closes_on": "2026-01-31"},
    )
    assert bad.status_code == 200
    assert not SurveyRound.objects.filter(year=2026).exists()


def test_exports_wide_and_long_csv_and_xlsx(world: World, baseline_round: SurveyRound) -> None:
    save(
        baseline_round,
        world.org_a,
        world.contact_a,
        {
            "scope1_total__2022": AnswerData(raw="0"),
            "scope1_total__2023": AnswerData(not_reported=True),
            "calc_tool": AnswerData(raw="=HYPERLINK(1)"),
        },
    )
    client = client_for(world.office)
    url = reverse("surveys:round_export", kwargs={"pk": baseline_round.pk})
    long = client.get(url, {"format": "csv", "layout": "long"})
    rows = list(csv.DictReader(io.StringIO(long.content.decode("utf-8-sig"))))
    by_field = {r["field"]: r for r in rows}
    assert by_field["scope1_total__2022"]["value"] == "0.000"
    assert by_field["scope1_total__2023"]["not_reported"] == "True"
    assert by_field["calc_tool"]["text"] == "'=HYPERLINK(1)"
    wide = client.get(url, {"format": "csv", "layout": "wide"})
    [row] = list(csv.DictReader(io.StringIO(wide.content.decode("utf-8-sig"))))
    assert row["organisation"] == "Alfa Energi AB"
    assert row["scope1_total__2023"] == "ej rapporterat"
    xlsx = client.get(url, {"format": "xlsx", "layout": "wide"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.cell(row=2, column=1).value == "Alfa Energi AB"
    assert client_for(world.contact_a).get(url, {"format": "csv"}).status_code == 403


def test_followup_partner_sees_own_figures_never_another_organisations(
    world: World, baseline_round: SurveyRound, django_capture_on_commit_callbacks: object
) -> None:
    services.create_default_indicators()
    for org, user, scope1 in [
        (world.org_a, world.contact_a, "100"),
        (world.org_b, world.contact_b, "777"),
    ]:
        response = fill_and_submit(baseline_round, org, user, scope1=scope1)
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            services.approve_response(response=response, by=world.office)
    assert IndicatorValue.objects.filter(organisation=world.org_b).exists()
    page = client_for(world.contact_a).get(reverse("surveys:followup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert page.context["organisation"] == world.org_a
    assert "140" in html  # A's own scope 1 + 2
    assert "817" not in html
    assert "777" not in html
    # asking for B explicitly falls back to A's own
    other = client_for(world.contact_a).get(
        reverse("surveys:followup"), {"organisation": world.org_b.pk}
    )
    assert "817" not in other.content.decode()
    # the partnership aggregate of 2 organisations is suppressed
    office = client_for(world.office).get(reverse("surveys:followup"))
    assert "Visas inte (färre än 3)" in office.content.decode()
    assert client_for(world.strategic).get(reverse("surveys:followup")).status_code == 200


def test_followup_query_budget(
    world: World, baseline_round: SurveyRound, django_assert_num_queries: object
) -> None:
    services.create_default_indicators()
    client = client_for(world.strategic)
    client.get(reverse("surveys:followup"))
    # 1 session, 2 user, 3 memberships (org ids), 4 indicators+goals, 5 targets (prefetch),
    # 6 partnership values, 7 period; the figures read their inputs once, whatever the number
    # of organisations (issue 16): 8 approved responses, 9 answers, 10 group relations,
    # 11 boundary decisions, 12-13 partners per year, 14 period, 15 follow-up settings.
    # Measured on a miss of the figures' cache (surveys.figures.cached): the costly case.
    from surveys.figures import cached

    cached.changed()
    with django_assert_num_queries(15):  # type: ignore[operator]
        assert client.get(reverse("surveys:followup")).status_code == 200


def test_manual_value_by_office_only(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    services.create_default_indicators()
    from surveys.models import Indicator, ManualIndicatorValue

    territorial = Indicator.objects.get(key="umea_territorial")
    data = {"indicator": territorial.pk, "year": 2022, "value": "331000", "source_note": "NEDB"}
    assert (
        client_for(world.strategic).post(reverse("surveys:manual_value_save"), data).status_code
        == 403
    )
    assert not ManualIndicatorValue.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client_for(world.office).post(reverse("surveys:manual_value_save"), data)
    assert ManualIndicatorValue.objects.get().value == Decimal("331000")
    stored = IndicatorValue.objects.get(indicator=territorial, year=2022)
    assert stored.value == Decimal("331000.000")


def test_my_responses_lists_own_organisations_only(
    world: World, baseline_round: SurveyRound
) -> None:
    page = client_for(world.contact_a).get(reverse("surveys:my_responses"))
    assert page.status_code == 200
    assert [row["organisation"] for row in page.context["rows"]] == [world.org_a]
    assert client_for(world.strategic).get(reverse("surveys:my_responses")).status_code == 403


def test_closed_round_shows_clear_message_and_keeps_draft(world: World) -> None:
    closed = services.create_round(
        year=2024, opens_on=date(2024, 1, 15), closes_on=date(2024, 3, 31), by=world.office
    )
    client = client_for(world.contact_a)
    client.post(form_url(closed, world.org_a), {"section": "other", "calc_tool": "Excel"})
    response = client.post(action_url("response_submit", closed, world.org_a), follow=True)
    assert "Enkäten stängde 2024-03-31" in response.content.decode()
    assert Answer.objects.get(field_name="calc_tool").raw == "Excel"
    assert Response.objects.get().state == Response.State.DRAFT


def test_office_edits_round_dates_and_reminder_offsets(
    world: World, baseline_round: SurveyRound
) -> None:
    client = client_for(world.office)
    url = reverse("surveys:round_update", kwargs={"pk": baseline_round.pk})
    data = {
        "name": "Enkät 2024 (nollmätning)",
        "opens_on": "2024-01-10",
        "closes_on": "2024-04-15",
        "reminder_offsets_text": "21, 7; 2",
        "escalation_offsets_text": "2",
    }
    assert client.post(url, data).status_code == 302
    baseline_round.refresh_from_db()
    assert baseline_round.reminder_offsets == [21, 7, 2]
    assert baseline_round.escalation_offsets == [2]
    assert baseline_round.closes_on == date(2024, 4, 15)
    bad = client.post(url, {**data, "reminder_offsets_text": "sju"})
    assert bad.status_code == 200
    assert "Ange heltal separerade med komma" in bad.content.decode()
    baseline_round.refresh_from_db()
    assert baseline_round.reminder_offsets == [21, 7, 2]


def test_saving_from_the_unanswered_view_returns_to_it(
    world: World, baseline_round: SurveyRound
) -> None:
    response = client_for(world.contact_a).post(
        form_url(baseline_round, world.org_a),
        {"section": "__unanswered", "base_year": "2022", "base_year__version": "0"},
    )
    assert response["Location"].endswith("?unanswered=1")
    page = client_for(world.contact_a).get(response["Location"])
    assert 'id="f-base_year"' not in page.content.decode()  # answered now, so not listed
    assert 'id="f-consolidation_approach"' in page.content.decode()
