"""Selectors: scoping, the numbers users read, and query budgets that do not grow with rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partners import commitment_selectors, sections, selectors
from partners.models import CommitmentSet, Declaration, GroupRelation, Organisation
from partners.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    commit,
)
from roadmap.models import Challenge, FocusArea, PartnershipPeriod
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db


def _period() -> PartnershipPeriod:
    period = PartnershipPeriod.objects.order_by("-start_year").first()
    assert period is not None
    return period


@pytest.fixture
def mixed(world):
    """Organisations of every kind and status, with contacts, declarations and commitments."""
    period = _period()
    gamma = OrganisationFactory(
        name="Gamma kommun", kind=Organisation.Kind.PUBLIC_BODY, sector="Kommun", status="signed"
    )
    delta = OrganisationFactory(
        name="Delta förening",
        kind=Organisation.Kind.ORGANISATION,
        sector="Ideell",
        status="prospect",
    )
    MembershipFactory(organisation=gamma)
    MembershipFactory(organisation=gamma)
    commit(world.org_a, [1, 2, 3, 4, 5], looking=(2,))
    commit(world.org_b, [2, 3, 6, 7, 8])
    commit(gamma, [2, 9], confirmed=False)
    Declaration.objects.create(
        organisation=world.org_a, period=period, signed_on="2023-02-01", signatory_name="Vd"
    )
    return {"gamma": gamma, "delta": delta, "period": period}


def test_list_organisations_filters(world, mixed):
    def names(**kwargs):
        filters = selectors.OrganisationFilters(**kwargs)
        return [
            o.name for o in selectors.list_organisations(visible_to=world.office, filters=filters)
        ]

    assert names() == ["Alfa Energi AB", "Beta Bygg AB", "Delta förening", "Gamma kommun"]
    assert names(status="signed") == ["Gamma kommun"]
    assert names(kind="organisation") == ["Delta förening"]
    assert names(sector="Kommun") == ["Gamma kommun"]
    assert names(search="alfa") == ["Alfa Energi AB"]
    assert names(challenge=Challenge.objects.get(number=2)) == [
        "Alfa Energi AB",
        "Beta Bygg AB",
        "Gamma kommun",
    ]
    energy = FocusArea.objects.get(challenges__number=6)
    assert names(focus_area=energy) == ["Beta Bygg AB", "Gamma kommun"]
    two, six = Challenge.objects.get(number=2), Challenge.objects.get(number=6)
    # Both filters: a commitment to the challenge and one in the area (here other challenges).
    assert names(challenge=two, focus_area=energy) == ["Beta Bygg AB", "Gamma kommun"]
    # The challenge's own area adds nothing to the challenge filter.
    assert names(challenge=six, focus_area=energy) == ["Beta Bygg AB"]
    assert names(declaration_missing=True) == ["Beta Bygg AB", "Delta förening", "Gamma kommun"]
    assert names(ordering="challenges")[:2] == ["Alfa Energi AB", "Beta Bygg AB"]


def test_search_finds_number_with_or_without_hyphen_city_and_sector_not_across_fields(world, mixed):
    north = OrganisationFactory(
        name="Norrskenet AB", organisation_number="556036-0793", sector="Handel", city="Vindeln"
    )

    def found(term):
        filters = selectors.OrganisationFilters(search=term)
        rows = selectors.list_organisations(visible_to=world.office, filters=filters)
        return [o.pk for o in rows]

    assert found("556036-0793") == [north.pk]
    assert found("5560360793") == [north.pk]  # typed without the hyphen
    assert found("vindeln") == [north.pk]  # city, in any case
    assert found("NORRSKEN") == [north.pk]
    assert found("handel") == [north.pk]  # sector
    # The end of the name and the start of the number are not one text.
    assert found("AB 556036") == []
    # Wildcards typed in the box are matched literally.
    assert found("%") == []
    assert found("_") == []


def test_every_ordering_pages_through_every_organisation_once(world, mixed):
    for n in range(5):
        OrganisationFactory(name="Samma namn AB", sector="Energi", status="active")
        commit(OrganisationFactory(name=f"Zeta {n}"), [1, 2, 3, 4, 5, 6][: n + 1])
    everyone = set(Organisation.objects.values_list("pk", flat=True))
    for ordering in selectors.ORDERINGS:
        rows = selectors.list_organisations(
            visible_to=world.office, filters=selectors.OrganisationFilters(ordering=ordering)
        )
        assert rows.count() == len(everyone)
        pages = [o.pk for start in range(0, len(everyone), 3) for o in rows[start : start + 3]]
        assert sorted(pages) == sorted(everyone), ordering  # no row twice, none left out
        assert pages == [o.pk for o in rows], ordering  # pages follow the whole order
    most = selectors.list_organisations(
        visible_to=world.office, filters=selectors.OrganisationFilters(ordering="challenges")
    )
    counts = [o.challenge_count for o in most]
    assert counts == sorted(counts, reverse=True)
    newest = selectors.list_organisations(
        visible_to=world.office, filters=selectors.OrganisationFilters(ordering="created")
    )
    assert next(iter(newest)).name == "Zeta 4"


def test_list_organisations_annotations(world, mixed):
    rows = {o.name: o for o in selectors.list_organisations(visible_to=world.office)}
    assert rows["Alfa Energi AB"].challenge_count == 5
    assert rows["Alfa Energi AB"].has_declaration is True
    assert rows["Alfa Energi AB"].commitment_status == "confirmed"
    assert rows["Gamma kommun"].challenge_count == 2
    assert rows["Gamma kommun"].commitment_status == "draft"
    assert rows["Gamma kommun"].contact_count == 2
    assert rows["Gamma kommun"].has_declaration is False
    assert rows["Delta förening"].challenge_count == 0
    assert rows["Delta förening"].commitment_status is None


def test_partner_contact_sees_only_own_organisations(world, mixed):
    visible = selectors.list_organisations(visible_to=world.contact_a)
    assert [o.pk for o in visible] == [world.org_a.pk]


def _seed(count: int) -> None:
    """``count`` more organisations, each with a contact, a declaration-less commitment set of
    six challenges and a sector: every row has something for each annotation to read."""
    for n in range(count):
        organisation = OrganisationFactory(sector=("Energi", "Bygg")[n % 2], city="Östersund")
        MembershipFactory(organisation=organisation)
        commit(organisation, [1, 2, 3, 4, 5, 6], confirmed=n % 3 != 0)


# The partner list, filtered, sorted and searched, in Swedish and English (sector names).
LIST_QUERIES = [
    "?declaration_missing=on&sort=challenges",
    "?q=östersund&sort=-challenges&page=last",
    "?status=prospect&kind=company&sort=sector",
    "?challenge={challenge}&focus_area={area}&sort=created",
]


def test_partner_list_query_budget_does_not_grow_with_rows(
    world, mixed, django_assert_max_num_queries
):
    client = client_for(world.office)
    url = reverse("partners:organisation_list")
    challenge = Challenge.objects.get(number=2)
    queries = [q.format(challenge=challenge.pk, area=challenge.focus_area_id) for q in LIST_QUERIES]
    client.get(url)  # the session and the two-factor check settle
    # Session, user, TOTP device, menu memberships; the filter form's sectors, focus areas,
    # challenges and periods; the current period; COUNT; the page with its four annotations;
    # in English the sector names of the form. Nothing per row.
    budget = 13
    for seeded in (5, 45):  # 9 organisations, then 54
        _seed(seeded)
        for query in queries:
            for language in ("sv", "en"):
                with django_assert_max_num_queries(budget):
                    response = client.get(url + query, HTTP_ACCEPT_LANGUAGE=language)
                assert response.status_code == 200
    assert Organisation.objects.count() == 54
    full = client.get(url + "?sort=-challenges")
    assert len(full.context["organisations"]) == 25  # a full page at 50 rows


def test_commitment_matrix_counts_and_uncovered(world, mixed):
    matrix = commitment_selectors.commitment_matrix(visible_to=world.office)
    counts = {c.number: matrix.challenge_counts[c.pk] for c in matrix.challenges}
    assert counts[2] == 2  # A and B; Gamma's draft does not count
    assert counts[1] == 1
    assert counts[9] == 0
    assert [c.number for c in matrix.uncovered] == list(range(9, 22))
    mobility = next(
        r for r in matrix.focus_area_rows if r["focus_area"].challenges.filter(number=1).exists()
    )
    assert mobility["commitments"] == 7  # A: 1–5, B: 2–3
    assert mobility["organisations"] == 2
    assert [row.organisation.name for row in matrix.rows] == ["Alfa Energi AB", "Beta Bygg AB"]
    assert matrix.rows[0].cells[:6] == [True, True, True, True, True, False]
    with_drafts = commitment_selectors.commitment_matrix(
        visible_to=world.office, include_drafts=True
    )
    assert with_drafts.challenge_counts[Challenge.objects.get(number=9).pk] == 1


def test_commitment_matrix_paginates_rows_but_counts_everyone(world, mixed):
    for index in range(4):
        commit(OrganisationFactory(name=f"Zeta {index}"), [10, 11, 12, 13, 14])
    matrix = commitment_selectors.commitment_matrix(visible_to=world.office, per_page=3)
    assert len(matrix.rows) == 3
    assert matrix.organisation_total == 6
    assert matrix.challenge_counts[Challenge.objects.get(number=10).pk] == 4


def test_commitment_matrix_query_budget_does_not_grow_with_rows(
    world, mixed, django_assert_max_num_queries
):
    client = client_for(world.strategic)
    url = reverse("partners:commitment_matrix")
    area = FocusArea.objects.get(challenges__number=9)
    queries = ["", "?page=2", f"?focus_area={area.pk}&drafts=1", "?q=a&page=2"]
    client.get(url)
    # Session, user, menu memberships, the user's organisations (policy); current period; the
    # form's periods and focus areas (their choices, and cleaning the chosen ones); challenges
    # with their organisation counts; focus areas with theirs; COUNT and the page of
    # organisations; the page's commitments. Nothing per row or per cell.
    budget = 14
    for seeded in (5, 95):
        _seed(seeded)
        for query in queries:
            with django_assert_max_num_queries(budget):
                response = client.get(url + query)
            assert response.status_code == 200
    matrix = client.get(url).context["matrix"]
    # A and B, and two thirds of the 100 seeded organisations (every third one is a draft).
    assert matrix.organisation_total == 2 + 66
    assert len(matrix.rows) == 50


def test_commitment_matrix_counts_follow_saved_commitments(world, mixed):
    from partners import services

    challenge = Challenge.objects.get(number=21)
    before = commitment_selectors.commitment_matrix(visible_to=world.office)
    assert before.challenge_counts[challenge.pk] == 0
    commitment_set = CommitmentSet.objects.get(organisation=world.org_b)
    services.save_commitments(
        commitment_set=commitment_set,
        entries={
            c.challenge: services.CommitmentEntry(plan=c.plan)
            for c in commitment_set.commitments.select_related("challenge")
        }
        | {challenge: services.CommitmentEntry(plan="Utbildning")},
        expected_version=commitment_set.version,
        confirm=True,
        by=world.contact_b,
    )
    after = commitment_selectors.commitment_matrix(visible_to=world.office)
    assert after.challenge_counts[challenge.pk] == 1
    assert challenge not in after.uncovered


def test_matrix_rows_follow_commitments_and_names_changed_outside_the_services(world, mixed):
    """A commitment added or deleted in the admin (no service, no set saved), or an
    organisation renamed, shows on the next page."""
    from partners.models import Commitment

    eta = OrganisationFactory(name="Eta AB")
    commit(eta, [1, 2])
    rows = commitment_selectors.commitment_matrix(visible_to=world.office).rows
    assert "Eta AB" in [r.organisation.name for r in rows]
    eta_set = CommitmentSet.objects.get(organisation=eta)
    Commitment.objects.filter(commitment_set=eta_set).delete()  # sends post_delete per row
    for commitment in Commitment.objects.filter(commitment_set=world.org_b.commitment_sets.get()):
        commitment.delete()  # as the admin does, one by one
    rows = commitment_selectors.commitment_matrix(visible_to=world.office).rows
    assert "Beta Bygg AB" not in [r.organisation.name for r in rows]
    Commitment.objects.create(
        commitment_set=world.org_b.commitment_sets.get(), challenge=Challenge.objects.get(number=21)
    )
    world.org_a.name = "Alfa Kraft AB"
    world.org_a.save()
    matrix = commitment_selectors.commitment_matrix(visible_to=world.office)
    names = [r.organisation.name for r in matrix.rows]
    assert names[:2] == ["Alfa Kraft AB", "Beta Bygg AB"]
    assert matrix.challenge_counts[Challenge.objects.get(number=21).pk] == 1
    focus = commitment_selectors.commitment_matrix(
        visible_to=world.office, focus_area=Challenge.objects.get(number=21).focus_area
    )
    assert "Beta Bygg AB" in [r.organisation.name for r in focus.rows]


def test_matrix_search_ignores_case_beyond_ascii(world, mixed):
    commit(OrganisationFactory(name="Öresundskraft AB"), [1])
    matrix = commitment_selectors.commitment_matrix(visible_to=world.office, search="öresund")
    assert [r.organisation.name for r in matrix.rows] == ["Öresundskraft AB"]
    assert matrix.organisation_total == 1


def test_groupings_for_partner_contact_are_its_own(world, mixed):
    groupings = commitment_selectors.grouping_challenges(visible_to=world.contact_b)
    assert [g["challenge"].number for g in groupings] == [2, 3, 6, 7, 8]
    assert all(g["is_member"] for g in groupings)
    assert groupings[0]["count"] == 2
    office = commitment_selectors.grouping_challenges(visible_to=world.office)
    assert len(office) == 21


def test_grouping_members_show_public_contacts_only_to_partners(world, mixed):
    challenge = Challenge.objects.get(number=2)
    members = commitment_selectors.grouping_members(
        challenge=challenge, visible_to=world.contact_b, period=mixed["period"]
    )
    alfa = next(m for m in members if m.organisation == world.org_a)
    # Only the main contact (anna_a), not the contributor bertil_a nor the inactive contact.
    assert [c.email for c in alfa.contacts] == ["anna_a@example.org"]
    assert alfa.looking_for_partners is True
    office = commitment_selectors.grouping_members(
        challenge=challenge, visible_to=world.office, period=mixed["period"]
    )
    alfa = next(m for m in office if m.organisation == world.org_a)
    assert sorted(c.email for c in alfa.contacts) == ["anna_a@example.org", "bertil_a@example.org"]


def test_matches_rank_by_shared_challenges(world, mixed):
    commit(OrganisationFactory(name="Eta AB"), [1, 2, 3, 4])
    matches = commitment_selectors.matches_for(organisation=world.org_a, period=mixed["period"])
    assert [(m.name, m.shared) for m in matches] == [("Eta AB", 4), ("Beta Bygg AB", 2)]
    looking = commitment_selectors.looking_for_partners(period=mixed["period"], exclude=world.org_b)
    assert [(c.challenge.number, c.commitment_set.organisation.name) for c in looking] == [
        (2, "Alfa Energi AB")
    ]


def test_mailing_list_lists_active_contacts_of_confirmed_members(world, mixed):
    rows = commitment_selectors.mailing_list(
        challenge=Challenge.objects.get(number=2), period=mixed["period"]
    )
    emails = [r["email"] for r in rows]
    assert "anna_a@example.org" in emails
    assert "cecilia_b@example.org" in emails
    assert "ivar_inactive@example.org" not in emails
    assert not any(r["organisation"] == "Gamma kommun" for r in rows)  # a draft is not a member


def test_onboarding_checklist_steps(world, mixed):
    page = selectors.organisation_page(organisation=world.org_a, visible_to=world.office)
    steps = {s["key"]: s["done"] for s in page.onboarding}
    assert steps["contacts"] is True
    assert steps["declaration"] is True
    assert steps["commitments"] is True
    assert steps["intro_meeting"] in (None, True, False)
    page = selectors.organisation_page(organisation=mixed["delta"], visible_to=world.office)
    steps = {s["key"]: s["done"] for s in page.onboarding}
    assert steps == {**steps, "contacts": False, "declaration": False, "commitments": False}


def test_strategic_group_does_not_get_private_parts(world, mixed):
    page = selectors.organisation_page(organisation=world.org_a, visible_to=world.strategic)
    assert page.can_see_private is False
    assert page.memberships == []
    assert page.declarations == []
    assert len(page.commitments) == 5


def _section_ok(organisation, user):
    return {"title": "Test", "template": "partners/_test_section.html", "context": {"n": 1}}


def _section_none(organisation, user):
    return None


def test_sections_registry_skips_unimportable_entries(world, monkeypatch):
    monkeypatch.setattr(
        sections,
        "ORGANISATION_SECTIONS",
        [
            "nonexistent.module.section",
            "partners.tests.test_selectors._section_none",
            "partners.tests.test_selectors._section_ok",
        ],
    )
    found = sections.sections_for(world.org_a, world.office)
    assert [s["title"] for s in found] == ["Test"]


def test_intro_meeting_check_uses_hook_when_present(world, monkeypatch):
    monkeypatch.setattr(sections, "INTRO_MEETING_CHECK", "nonexistent.check")
    assert sections.attended_intro_meeting(world.org_a) is None
    monkeypatch.setattr(
        sections, "INTRO_MEETING_CHECK", "partners.tests.test_selectors._always_true"
    )
    assert sections.attended_intro_meeting(world.org_a) is True


def _always_true(organisation):
    return True


def test_grouping_page_runs_constant_queries(world, mixed, django_assert_num_queries):
    client = client_for(world.contact_b)
    url = reverse("partners:grouping_detail", args=[2])
    client.get(url)
    # 1 session, 2 user, 3 the user's organisations (policy, cached for the request),
    # 4 challenge, 5 current period, 6 membership check (may B see grouping 2?),
    # 7 committed organisations, 8 their public contacts (one prefetch).
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["members"]) == 2
    for _ in range(4):
        org = OrganisationFactory()
        MembershipFactory(organisation=org, is_main_contact=True)
        commit(org, [2, 3, 4, 5, 6])
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["members"]) == 6


def test_organisation_names_follow_every_added_renamed_and_removed_organisation(world):
    """A change of the organisations through the services, the admin or a deletion shows in
    the organisation filters at the next read."""
    from activities.forms import ActivityFilterForm
    from partners import services

    def names() -> dict[int, str]:
        return dict(selectors.organisation_names())

    def in_filter() -> set[str]:
        return {str(label) for _value, label in ActivityFilterForm().fields["organisation"].choices}

    before = names()
    assert before[world.org_a.pk] == world.org_a.name
    added = OrganisationFactory.create(name="Nyinflyttad Förening")
    assert names()[added.pk] == "Nyinflyttad Förening"
    assert "Nyinflyttad Förening" in in_filter()
    services.update_organisation(
        organisation=added,
        data={"name": "Omdöpt Förening"},
        expected_version=added.version,
        by=world.office,
    )
    assert names()[added.pk] == "Omdöpt Förening"
    assert "Omdöpt Förening" in in_filter()
    assert "Nyinflyttad Förening" not in in_filter()
    admin_copy = Organisation.objects.get(pk=added.pk)
    admin_copy.name = "Ändrad i admin"
    admin_copy.save()
    assert names()[added.pk] == "Ändrad i admin"
    admin_copy.delete()
    assert added.pk not in names()
    assert names() == before


def test_matrix_cells_follow_the_period_and_the_drafts_choice(world):
    """The heat map's cells are an organisation's challenges in the chosen period; a draft's
    only when drafts are counted. (Replaces a test that compared the hand-written SQL of the
    page's commitments with the ORM.)"""
    latest = _period()
    earlier = PartnershipPeriod.objects.create(
        name="Tidigare",
        start_year=latest.start_year - 3,
        end_year=latest.start_year - 1,
        base_year=latest.base_year,
        is_open=False,
    )
    commit(world.org_a, [1, 2, 3, 4, 5], period=latest)
    commit(world.org_a, [20, 21], period=earlier)
    commit(world.org_b, [2, 7], confirmed=False, period=latest)

    def cells(period, include_drafts=False):
        matrix = commitment_selectors.commitment_matrix(
            visible_to=world.office, period=period, include_drafts=include_drafts
        )
        numbers = [c.number for c in matrix.challenges]
        return {
            row.organisation.name: [n for n, taken in zip(numbers, row.cells, strict=True) if taken]
            for row in matrix.rows
        }

    assert cells(latest) == {"Alfa Energi AB": [1, 2, 3, 4, 5]}
    assert cells(latest, include_drafts=True) == {
        "Alfa Energi AB": [1, 2, 3, 4, 5],
        "Beta Bygg AB": [2, 7],
    }
    assert cells(earlier, include_drafts=True) == {"Alfa Energi AB": [20, 21]}


def test_a_commitment_moved_with_update_is_counted_in_the_matrix(world, mixed):
    """No writer has to touch anything for the matrix to hold: a commitment moved to another
    challenge with ``QuerySet.update`` (no signal, no service) is counted at its new place."""
    from partners.models import Commitment

    def counts():
        matrix = commitment_selectors.commitment_matrix(visible_to=world.office)
        return {c.number: matrix.challenge_counts[c.pk] for c in matrix.challenges}

    _seed(70)  # 70 organisations with challenges 1–6, 46 of them confirmed (n % 3 != 0)
    eta = OrganisationFactory(name="Eta AB")
    commit(eta, [7, 8, 9, 10, 11])
    before = counts()
    assert before[1] == 46 + 1  # the seeded confirmed ones, and A
    assert before[11] == 1  # Eta
    Commitment.objects.filter(commitment_set__organisation=eta, challenge__number=11).update(
        challenge=Challenge.objects.get(number=12)
    )
    after = counts()
    assert after[11] == 0
    assert after[12] == 1
    assert after[1] == 47
    area = Challenge.objects.get(number=12).focus_area
    row = next(
        r
        for r in commitment_selectors.commitment_matrix(
            visible_to=world.office, focus_area=area
        ).rows
        if r.organisation.name == "Eta AB"
    )
    assert row.count == 5


def test_renamed_with_update_shows_the_new_name_in_filters_list_and_matrix(world, mixed):
    """An organisation renamed with ``QuerySet.update`` (no save, no signal, no service) shows
    its new name at the next read everywhere: the activity list's organisation filter, the
    partner list, its search and the matrix."""
    from activities.forms import ActivityFilterForm

    Organisation.objects.filter(pk=world.org_a.pk).update(name="Ödmjuk Energi AB")
    choices = {str(label) for _value, label in ActivityFilterForm().fields["organisation"].choices}
    assert "Ödmjuk Energi AB" in choices
    assert "Alfa Energi AB" not in choices
    assert dict(selectors.organisation_names())[world.org_a.pk] == "Ödmjuk Energi AB"
    found = selectors.list_organisations(
        visible_to=world.office, filters=selectors.OrganisationFilters(search="ödmjuk")
    )
    assert [o.name for o in found] == ["Ödmjuk Energi AB"]  # the generated search text too
    matrix = commitment_selectors.commitment_matrix(visible_to=world.office)
    assert [r.organisation.name for r in matrix.rows] == ["Beta Bygg AB", "Ödmjuk Energi AB"]


def test_partner_list_search_ignores_case_beyond_ascii(world, mixed):
    OrganisationFactory(name="Östra Ängens Bygg AB", city="Skellefteå")
    OrganisationFactory(name="Vänersborgs Energi AB", city="Örebro")

    def found(term):
        filters = selectors.OrganisationFilters(search=term)
        return [
            o.name for o in selectors.list_organisations(visible_to=world.office, filters=filters)
        ]

    assert found("östra ängens") == ["Östra Ängens Bygg AB"]
    assert found("ÄNGENS") == ["Östra Ängens Bygg AB"]
    assert found("SKELLEFTEÅ") == ["Östra Ängens Bygg AB"]
    assert found("örebro") == ["Vänersborgs Energi AB"]
    assert found("(") == []  # typed characters are matched literally


def test_groupings_and_partner_page_query_budgets_do_not_grow_with_rows(
    world, mixed, django_assert_max_num_queries
):
    office = client_for(world.office)
    contact = client_for(world.contact_a)
    groupings = reverse("partners:grouping_list")
    detail = reverse("partners:organisation_detail", args=[world.org_a.pk])
    office.get(groupings)
    contact.get(detail)
    for seeded in (5, 45):
        _seed(seeded)
        for organisation in Organisation.objects.order_by("-pk")[:seeded]:
            GroupRelation.objects.create(
                from_organisation=world.org_a, to_organisation=organisation, kind="parent_of"
            )
        with django_assert_max_num_queries(8):
            assert office.get(groupings).status_code == 200
        # The partner page of a contact of A: its sets, commitments, relations, contacts,
        # declarations, history, matchmaking and the other apps' sections, each one query
        # (the emissions chart's section: the organisation's stored emissions series).
        with django_assert_max_num_queries(27):
            response = contact.get(detail)
        assert response.status_code == 200
    assert len(response.context["page"].relations_from) == 50


@pytest.mark.parametrize(
    "page", ["partners:organisation_list", "partners:commitment_matrix", "partners:grouping_list"]
)
def test_partner_pages_answer_with_the_cache_server_down(world, mixed, settings, page):
    """The partner pages keep nothing in the cache: with the cache server unreachable (a Redis
    cache on a port nobody listens on), they still answer, with the same page."""
    import re

    def main(content: bytes) -> bytes:
        return re.sub(rb'(nonce|value)="[^"]*"', b"", content.split(b"<main", 1)[1])

    client = client_for(world.office)
    expected = main(client.get(reverse(page)).content)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    response = client.get(reverse(page))
    assert response.status_code == 200
    assert main(response.content) == expected
    assert expected.count(b"<tr") > 2  # the rows are there
