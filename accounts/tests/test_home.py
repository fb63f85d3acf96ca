"""The home pages per role (issue 20.1): what each role has to do now, from a small scenario whose
every expected number is counted by hand below.

Scenario (today fixed by the data, deadlines relative to it):
* organisations A (contacts anna_a submitter, bertil_a contributor), B (cecilia_b), both active,
  and C, new (signed, not yet active);
  anna_a is also a contact of C (a person representing two organisations);
* A: a confirmed commitment set with 5 challenges and a declaration for the period; B: a draft
  set with 3 challenges and no declaration; C: nothing;
* the 2026 round closes in 10 days; B has 7 more days (an extension). A: a draft with 2 of the
  required questions answered; B: submitted; C: approved;
* activities: A's ongoing one ended 5 days ago (late), another of A's on track with a fresh
  status update, B's late one; one shared activity nobody of A takes part in;
* meetings: one for all partners next week, one cancelled next week, one held last week;
* the 2025 report year is published with the partnership's report and A's and B's reports;
* two mails failed to send, one was sent.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.home.office import office_home
from accounts.home.partner import partner_home
from accounts.home.strategic import strategic_home
from activities import selectors as activity_selectors
from activities.models import Meeting
from activities.tests.factories import MeetingFactory, activity_with_team
from outbox.models import OutgoingEmail
from partners.models import Declaration, Organisation
from partners.tests.factories import (
    ContactPersonFactory,
    MembershipFactory,
    OrganisationFactory,
    commit,
)
from reporting.models import ReportJob, ReportYear, Snapshot
from roadmap.models import PartnershipPeriod
from surveys import services as survey_services
from surveys.models import Answer, DeadlineExtension, Response
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def scenario(world: World) -> dict[str, object]:
    org_c = OrganisationFactory(name="Ceder Cirkulär AB", status=Organisation.Status.SIGNED)
    anna_contact = world.contact_a.contact_person
    MembershipFactory(contact=anna_contact, organisation=org_c, is_survey_submitter=True)
    period = PartnershipPeriod.objects.order_by("-start_year").first()
    commit(world.org_a, [1, 2, 3, 4, 5])
    commit(world.org_b, [6, 7, 8], confirmed=False)
    Declaration.objects.create(
        organisation=world.org_a,
        period=period,
        signed_on=dt.date(2023, 1, 10),
        signatory_name="Vd Alfa",
    )

    survey_round = survey_services.create_round(
        year=2026,
        opens_on=TODAY - dt.timedelta(days=30),
        closes_on=TODAY + dt.timedelta(days=10),
        data_years=[2025],
        by=world.office,
    )
    draft = Response.objects.create(
        round=survey_round, organisation=world.org_a, state=Response.State.DRAFT
    )
    required = list(
        survey_round.questions.filter(required=True, per_commitment=False, per_year=False)[:2]
    )
    assert len(required) == 2
    for question in required:
        Answer.objects.create(
            response=draft, question=question, field_name=question.key, year=2025, raw="x"
        )
    Response.objects.create(
        round=survey_round, organisation=world.org_b, state=Response.State.SUBMITTED
    )
    Response.objects.create(round=survey_round, organisation=org_c, state=Response.State.APPROVED)
    DeadlineExtension.objects.create(
        round=survey_round, organisation=world.org_b, until=TODAY + dt.timedelta(days=17)
    )

    late = activity_with_team(
        world.org_a,
        title="Alfa sen",
        start_date=TODAY - dt.timedelta(days=200),
        end_date=TODAY - dt.timedelta(days=5),
    )
    activity_with_team(world.org_a, title="Alfa enligt plan")
    activity_with_team(
        world.org_b,
        title="Beta sen",
        start_date=TODAY - dt.timedelta(days=200),
        end_date=TODAY - dt.timedelta(days=5),
    )
    activity_with_team(world.org_b, title="Delad aktivitet", is_shared=True)

    soon = timezone.now() + dt.timedelta(days=7)
    MeetingFactory(title="Partnerskapsdag", starts_at=soon, kind=Meeting.Kind.PARTNERSHIP_DAY)
    MeetingFactory(
        title="Inställd träff",
        starts_at=soon,
        kind=Meeting.Kind.PARTNERSHIP_DAY,
        status=Meeting.Status.CANCELLED,
    )
    MeetingFactory(
        title="Förra veckan",
        starts_at=timezone.now() - dt.timedelta(days=7),
        kind=Meeting.Kind.PARTNERSHIP_DAY,
        status=Meeting.Status.HELD,
    )

    report_year = ReportYear.objects.create(year=2025)
    snapshot = Snapshot.objects.create(report_year=report_year, data={})
    report_year.snapshot = snapshot
    report_year.status = ReportYear.Status.PUBLISHED
    report_year.save()
    for kind, organisation in [
        (ReportJob.Kind.PARTNERSHIP, None),
        (ReportJob.Kind.ORGANISATION, world.org_a),
        (ReportJob.Kind.ORGANISATION, world.org_b),
    ]:
        ReportJob.objects.create(
            report_year=report_year,
            snapshot=snapshot,
            kind=kind,
            organisation=organisation,
            language="sv",
            status=ReportJob.Status.DONE,
        )

    for status in ("failed", "failed", "sent"):
        OutgoingEmail.objects.create(to="x@example.org", subject="Hej", body="", status=status)
    return {"org_c": org_c, "round": survey_round, "late": late}


def _home_queries(client: Client) -> int:
    """The number of queries one request of the home page takes."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


# --- the partner contact ---------------------------------------------------------------------------


def test_partner_home_shows_each_of_the_contacts_organisations_and_only_theirs(
    world: World, scenario: dict[str, object]
) -> None:
    home = partner_home(world.contact_a)
    names = [entry.organisation.name for entry in home.organisations]
    assert names == ["Alfa Energi AB", "Ceder Cirkulär AB"]  # by name; never Beta
    alfa, ceder = home.organisations

    assert alfa.survey is not None
    assert (alfa.survey.state, alfa.survey.answered) == (Response.State.DRAFT, 2)
    assert alfa.survey.deadline == TODAY + dt.timedelta(days=10)
    assert alfa.survey.days_left == 10
    assert alfa.survey.action == "continue"
    assert ceder.survey is not None
    assert (ceder.survey.state, ceder.survey.action) == (Response.State.APPROVED, "view")

    assert (alfa.challenge_count, alfa.commitment_status, alfa.has_declaration) == (
        5,
        "confirmed",
        True,
    )
    assert alfa.commitments_complete
    assert (ceder.challenge_count, ceder.commitment_status, ceder.has_declaration) == (
        0,
        None,
        False,
    )

    # Alfa's late activity only: its on-track one needs nothing, Beta's and the shared one are
    # not Alfa's to update.
    assert [row.title for row in alfa.activities] == ["Alfa sen"]
    assert alfa.activities_needing_update == 1

    assert [m.title for m in home.meetings] == ["Partnerskapsdag"]
    assert home.report_year == 2025
    assert sorted((job.kind, job.organisation_id) for job in home.reports) == sorted(
        [(ReportJob.Kind.PARTNERSHIP, None), (ReportJob.Kind.ORGANISATION, world.org_a.pk)]
    )


def test_partner_with_an_extension_sees_its_own_deadline(
    world: World, scenario: dict[str, object]
) -> None:
    (beta,) = partner_home(world.contact_b).organisations
    assert beta.survey is not None
    assert beta.survey.deadline == TODAY + dt.timedelta(days=17)
    assert (beta.survey.state, beta.survey.action) == (Response.State.SUBMITTED, "view")
    assert [row.title for row in beta.activities] == ["Beta sen"]
    assert (beta.challenge_count, beta.commitment_status) == (3, "draft")


def test_a_contributor_is_not_offered_to_submit(world: World, scenario: dict[str, object]) -> None:
    """With every required answer in place the submitter gets "review and send", the
    contributor (who may not submit) keeps "continue"."""
    survey_round = scenario["round"]
    response = Response.objects.get(round=survey_round, organisation=world.org_a)
    answered = set(response.answers.values_list("question_id", flat=True))
    for question in survey_round.questions.filter(required=True, per_commitment=False).exclude(
        pk__in=answered
    ):
        for year in survey_round.years() if question.per_year else [2025]:
            name = f"{question.key}__{year}" if question.per_year else question.key
            Answer.objects.create(
                response=response, question=question, field_name=name, year=year, raw="1"
            )
    alfa = partner_home(world.contact_a).organisations[0]
    assert alfa.survey is not None
    assert alfa.survey.answered == alfa.survey.required
    assert alfa.survey.action == "review"
    contributor = partner_home(world.contact_a2).organisations[0]
    assert contributor.survey is not None
    assert contributor.survey.action == "continue"
    # Before the round opens a complete draft waits: it can be sent only once it has opened.
    survey_round.opens_on = TODAY + dt.timedelta(days=1)
    survey_round.save()
    early = partner_home(world.contact_a).organisations[0].survey
    assert early is not None
    assert (early.is_open, early.action) == (False, "continue")


def test_partner_page_renders_the_survey_button_and_report_links(
    world: World, scenario: dict[str, object]
) -> None:
    html = client_for(world.contact_a).get(reverse("home")).content.decode()
    survey_round = scenario["round"]
    form = reverse(
        "surveys:response_form",
        kwargs={"round_pk": survey_round.pk, "organisation_pk": world.org_a.pk},
    )
    assert f'href="{form}" data-testid="survey-action">Fortsätt med enkäten' in html
    assert "10 dagar kvar" in html
    assert "Beta Bygg AB" not in html
    own = ReportJob.objects.get(organisation=world.org_a)
    other = ReportJob.objects.get(organisation=world.org_b)
    assert reverse("reporting:download", args=[own.pk, "pdf"]) in html
    assert reverse("reporting:download", args=[other.pk, "pdf"]) not in html


def test_partner_home_query_count_does_not_grow_with_rows(
    world: World, scenario: dict[str, object], django_assert_max_num_queries
) -> None:
    client = client_for(world.contact_b)
    client.get(reverse("home"))  # warm-up: session, reference data

    before = _home_queries(client)
    for n in range(5):
        activity_with_team(
            world.org_b,
            title=f"Fler sena {n}",
            start_date=TODAY - dt.timedelta(days=100),
            end_date=TODAY - dt.timedelta(days=1),
        )
        MeetingFactory(title=f"Fler träffar {n}", kind=Meeting.Kind.PARTNERSHIP_DAY)
    with django_assert_max_num_queries(before):
        assert client.get(reverse("home")).status_code == 200
    # One organisation: session and user (2), organisation ids (1), the period and the
    # organisations with their commitment facts (2), the latest round's organisations, rounds
    # and responses (3), progress (2), its deadline (1), its activities (1), the latest report
    # year and its reports (2), meetings (1); "may submit" (1) only once every answer is in.
    assert before <= 16


# --- the office -------------------------------------------------------------------------------------


def _office_home(world: World) -> object:
    return office_home(
        world.office, dashboard=activity_selectors.dashboard(visible_to=world.office)
    )


def test_office_home_counts_the_round_activities_reports_and_mail(
    world: World, scenario: dict[str, object]
) -> None:
    home = _office_home(world)
    glance = home.survey
    states = {item.key: item.count for item in glance.states}
    # A, B and C are the expected organisations (active or signed); A draft, B submitted,
    # C approved.
    assert states == {
        "not_started": 0,
        "draft": 1,
        "submitted": 1,
        "reopened": 0,
        "approved": 1,
    }
    assert glance.days_left == 10
    assert [row["organisation"].name for row in glance.waiting] == ["Beta Bygg AB"]
    review = client_for(world.office).get(glance.waiting[0]["url"])  # approve or reopen there
    assert review.status_code == 200
    assert "Beta Bygg AB" in review.content.decode()
    # Alfa sen and Beta sen are late; nothing at risk.
    activities = {item.key: item.count for item in home.activities}
    assert (activities["late"], activities["at_risk"]) == (2, 0)
    assert home.failed_mail.count == 2
    onboarding = {item.key: item.count for item in home.onboarding.counts}
    # C is the one new partner; B and C have no declaration for the period (A has).
    assert onboarding == {"signed": 1, "declaration_missing": 2}
    assert [o.name for o in home.onboarding.new] == ["Ceder Cirkulär AB"]
    assert home.report.step == "published"


def test_office_links_open_the_lists_they_count(world: World, scenario: dict[str, object]) -> None:
    """Each number on the office's home is a link to a list showing the same rows."""
    home = _office_home(world)
    client = client_for(world.office)

    late = next(item for item in home.activities if item.key == "late")
    page = client.get(late.url)
    assert {row.title for row in page.context["activities"]} == {"Alfa sen", "Beta sen"}

    expected = {"declaration_missing": {"Beta Bygg AB", "Ceder Cirkulär AB"}}
    expected["signed"] = {"Ceder Cirkulär AB"}
    for item in home.onboarding.counts:
        page = client.get(item.url)
        assert {o.name for o in page.context["page_obj"].object_list} == expected[item.key]

    # The tracker filtered by each state lists the organisations the home page counts.
    for item in home.survey.states:
        page = client.get(item.url)
        # The tracker shows a page at a time: its filtered total is the count.
        assert page.context["page_obj"].paginator.count == item.count, item.key
        assert len(page.context["rows"]) == item.count, item.key  # all on the first page
    submitted = next(i for i in home.survey.states if i.key == "submitted")
    rows = client.get(submitted.url).context["rows"]
    assert [row["organisation"].name for row in rows] == ["Beta Bygg AB"]

    failed = home.failed_mail
    assert parse_qs(urlparse(failed.url).query) == {"status__exact": ["failed"]}
    page = client.get(failed.url)
    assert page.status_code == 200
    assert page.context["cl"].result_count == 2


def test_office_home_query_count_does_not_grow_with_rows(
    world: World, scenario: dict[str, object], django_assert_max_num_queries
) -> None:
    client = client_for(world.office)
    client.get(reverse("home"))

    before = _home_queries(client)
    for n in range(4):
        organisation = OrganisationFactory(name=f"Ny partner {n}")
        Response.objects.create(
            round=scenario["round"], organisation=organisation, state=Response.State.SUBMITTED
        )
        activity_with_team(organisation, title=f"Ny aktivitet {n}")
        OutgoingEmail.objects.create(to="y@example.org", subject="Hej", body="", status="failed")
    _home_queries(
        client
    )  # the dashboard's kept counts are computed again once after activities change
    with django_assert_max_num_queries(before):
        assert client.get(reverse("home")).status_code == 200


# --- the strategic group -----------------------------------------------------------------------------


def test_strategic_home_headline_figures(world: World, scenario: dict[str, object]) -> None:
    board = activity_selectors.dashboard(visible_to=world.strategic)
    home = strategic_home(world.strategic, dashboard=board)
    # A and B are active, C is new (signed); only A's set is confirmed: 5 commitments.
    assert [(item["status"], item["count"]) for item in home.partners] == [
        ("active", 2),
        ("signed", 1),
    ]
    client = client_for(world.strategic)
    for item in home.partners:  # each count links to the partner list showing those rows
        listed = client.get(item["url"]).context["page_obj"].object_list
        assert len(listed) == item["count"]
    assert (home.commitments, home.committed_organisations) == (5, 1)
    assert home.activities_total == 4
    signals = {item["signal"]: item["count"] for item in home.by_signal}
    # Followed up: Alfa sen and Beta sen (late), Alfa enligt plan and the shared one (on track).
    assert signals == {"on_track": 2, "at_risk": 0, "late": 2}
    assert home.emissions is None  # no approved emissions yet


def test_strategic_home_charts_each_scope_against_the_path(world: World) -> None:
    """docs/figures.md, scenario 1 (a subsidiary inside its parent's report), by hand:
    scope 1 panel 2023 = 1520 / 1700 = 0.894118 → index 89.4; scope 2 market 680 / 800 → 85.0;
    the 20 % path 100 × 0.8 = 80.0; on the path (S1 + S2 market ≤ 0.8 × base): Cederträ only
    (320 ≤ 320), Kommunen 1350 > 1200 and Dalbo 530 > 480 → 1 of 3 = 33 %."""
    from surveys.indicators import recompute_indicators
    from tests.test_figures_scenarios import load

    load("subsidiary_2024.csv", kinds={"Kommunen": Organisation.Kind.PUBLIC_BODY})
    recompute_indicators()
    board = activity_selectors.dashboard(visible_to=world.strategic)
    path = strategic_home(world.strategic, dashboard=board).emissions
    assert path is not None
    assert (path.base_year, path.rate_percent, path.scope2_method) == (2022, 20, "market")
    rows = {y.year: y for y in path.years}
    assert (rows[2022].scope1, rows[2022].scope2, rows[2022].path) == (100.0, 100.0, 100.0)
    assert (rows[2023].scope1, rows[2023].scope2, rows[2023].path) == (89.4, 85.0, 80.0)
    assert rows[2023].scope1_n == 3
    assert rows[2023].on_path_percent is not None
    assert round(rows[2023].on_path_percent) == 33
    assert path.chart is not None
    assert not path.chart.empty

    html = client_for(world.strategic).get(reverse("home")).content.decode()
    assert 'data-testid="chart-partnership-path"' in html
    for index in ("89,4", "85,0", "80,0"):  # the table, in Swedish
        assert index in html


def test_strategic_home_query_count_does_not_grow_with_rows(
    world: World, scenario: dict[str, object], django_assert_max_num_queries
) -> None:
    client = client_for(world.strategic)
    client.get(reverse("home"))

    before = _home_queries(client)
    for n in range(4):
        organisation = OrganisationFactory(name=f"Strategisk {n}")
        commit(organisation, [9, 10, 11, 12, 13])
        activity_with_team(organisation, title=f"Strategisk aktivitet {n}")
    _home_queries(
        client
    )  # the dashboard's kept counts are computed again once after activities change
    with django_assert_max_num_queries(before):
        assert client.get(reverse("home")).status_code == 200


# --- who sees which block ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("contact_a", ["home-survey", "home-meetings"], ["home-office", "home-strategic"]),
        ("office", ["home-office"], ["home-survey", "home-strategic"]),
        ("strategic", ["home-strategic"], ["home-office", "home-survey"]),
    ],
)
def test_each_role_sees_its_own_blocks(
    world: World, scenario: dict[str, object], role: str, shown: list[str], hidden: list[str]
) -> None:
    client: Client = client_for(world.users()[role])
    html = client.get(reverse("home")).content.decode()
    for testid in shown:
        assert f'data-testid="{testid}"' in html, testid
    for testid in hidden:
        assert f'data-testid="{testid}"' not in html, testid


def test_every_home_renders_in_english(world: World, scenario: dict[str, object]) -> None:
    for role in ("contact_a", "office", "strategic"):
        client = client_for(world.users()[role])
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        response = client.get(reverse("home"))
        assert response.status_code == 200
        assert '<html lang="en"' in response.content.decode()


def test_office_staff_who_is_also_a_contact_sees_only_its_own_organisation_as_partner(
    world: World, scenario: dict[str, object]
) -> None:
    """The office's selectors answer for every organisation; the partner block must not."""
    contact = ContactPersonFactory(user=world.office, email="kansli@example.org")
    MembershipFactory(contact=contact, organisation=world.org_a)
    home = partner_home(world.office)
    assert [entry.organisation.name for entry in home.organisations] == ["Alfa Energi AB"]
    assert {job.organisation_id for job in home.reports} == {None, world.org_a.pk}
    html = client_for(world.office).get(reverse("home")).content.decode()
    assert 'data-testid="home-office"' in html
    assert 'data-testid="home-survey"' in html


def test_a_login_without_a_role_is_told_whom_to_ask(world: World) -> None:
    from accounts.tests.factories import UserFactory

    html = client_for(UserFactory(username="ny")).get(reverse("home")).content.decode()
    assert "Ditt konto har ännu ingen roll" in html
