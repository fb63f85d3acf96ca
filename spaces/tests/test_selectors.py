from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from accounts import policy
from activities.models import Activity, Participation
from partners.models import CommitmentSet
from spaces import selectors, services
from spaces.models import LibraryUse, Post, Space, Subscription
from spaces.tests.conftest import SpacesWorld
from spaces.tests.factories import CommentFactory, PostFactory


def test_members_are_derived_from_confirmed_commitments(sw: SpacesWorld) -> None:
    names = [o.name for o in selectors.list_member_organisations(sw.space)]
    assert names == ["Alfa Energi AB", "Beta Bygg AB"]  # not D (draft), not C (other challenge)
    # Confirming D's set makes D a member at once: nothing was copied.
    CommitmentSet.objects.filter(organisation=sw.org_d).update(status="confirmed")
    fresh = Space.objects.get(pk=sw.space.pk)
    assert sw.org_d.pk in selectors.member_organisation_ids(fresh)


def test_members_and_partners_looking_come_from_one_query(
    sw: SpacesWorld, django_assert_num_queries
) -> None:
    space = Space.objects.select_related("challenge").get(pk=sw.space.pk)
    policy.organisation_ids(sw.world.contact_b)  # read (and cached) before
    with django_assert_num_queries(1):  # the current confirmed commitments to challenge 3
        members, looking = selectors.list_members_and_partners_looking(space)
        assert selectors.is_member(sw.world.contact_b, space)  # the member cache is filled
    assert [m.name for m in members] == ["Alfa Energi AB", "Beta Bygg AB"]
    assert looking == [selectors.PartnerLooking("Alfa Energi AB", 3)]
    assert [(p["organisation_name"], p["challenge_number"]) for p in
            selectors.list_partners_looking(space)] == [("Alfa Energi AB", 3)]  # fmt: skip


def test_space_page_reads_the_subscription_and_leaves_the_shared_challenge_alone(
    sw: SpacesWorld,
) -> None:
    services.set_subscription(space=sw.space, user=sw.world.contact_a, mode="weekly")
    space = selectors.get_space_page(sw.space.pk, user=sw.world.contact_a)
    assert space.subscription_mode == "weekly"
    assert space.challenge is not None
    assert space.challenge.focus_area.name  # cached with the challenge
    other = selectors.get_space_page(sw.space.pk, user=sw.world.contact_b)
    assert other.subscription_mode == Subscription.Mode.NONE
    # The challenge is the cached reference data's: its reverse cache is not this request's.
    assert "space" not in space.challenge._state.fields_cache


def test_members_of_a_working_group_are_its_participants(sw: SpacesWorld) -> None:
    activity = Activity.objects.create(
        title="Matsvinnsmätning",
        kind=Activity.Kind.INVESTIGATION,
        purpose="p",
        goal="g",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 6, 1),
    )
    Participation.objects.create(activity=activity, organisation=sw.org_c, is_lead=True)
    services.ensure_spaces()
    space = Space.objects.get(activity=activity)
    assert selectors.member_organisation_ids(space) == {sw.org_c.pk}
    assert space in selectors.list_spaces(visible_to=sw.contact_c)
    assert space not in selectors.list_spaces(visible_to=sw.world.contact_a)


def test_list_spaces_per_role(sw: SpacesWorld) -> None:
    def numbers(user: object) -> list[int]:
        return [s.challenge.number for s in selectors.list_spaces(visible_to=user) if s.challenge]

    assert numbers(sw.world.contact_a) == [1, 2, 3, 4, 5]
    assert numbers(sw.world.contact_b) == [3, 6, 7, 8, 9]
    assert numbers(sw.contact_d) == []
    assert numbers(sw.world.strategic) == []
    assert len(numbers(sw.world.office)) == 21


def test_posts_are_visible_to_members_and_office_library_items_to_every_partner(
    sw: SpacesWorld,
) -> None:
    private = PostFactory(space=sw.space, organisation=sw.world.org_a)
    shared = PostFactory(space=sw.space, organisation=sw.world.org_a, is_reusable=True)
    hidden = PostFactory(space=sw.space, is_reusable=True, hidden_at=timezone.now())

    def visible(user: object) -> set[int]:
        return set(selectors.list_posts(visible_to=user).values_list("pk", flat=True))

    assert visible(sw.world.contact_b) == {private.pk, shared.pk}
    assert visible(sw.contact_c) == {shared.pk}
    assert visible(sw.world.strategic) == {shared.pk}
    assert visible(sw.world.office) == {private.pk, shared.pk, hidden.pk}
    assert visible(sw.world.inactive) == set()


def test_library_search_filters_by_text_challenge_and_focus_area(sw: SpacesWorld) -> None:
    travel = PostFactory(
        space=sw.space,
        title="Resepolicy för tjänsteresor",
        body="Tåg före flyg.",
        is_reusable=True,
    )
    PostFactory(
        space=sw.other_space, title="Matsvinn i skolor", body="Väg maten.", is_reusable=True
    )
    PostFactory(space=sw.space, title="Resepolicy, utkast", body="Privat", is_reusable=False)
    user = sw.contact_c

    def titles(**filters: object) -> list[str]:
        return [p.title for p in selectors.list_library(visible_to=user, **filters)]

    assert titles(query="resepolicy") == ["Resepolicy för tjänsteresor"]
    assert titles(query="tåg") == ["Resepolicy för tjänsteresor"]
    assert titles(challenge_id=sw.other_space.challenge_id) == ["Matsvinn i skolor"]
    assert titles(focus_area_id=travel.space.challenge.focus_area_id) == [
        "Resepolicy för tjänsteresor"
    ]
    assert titles(query="finnsinte") == []


def test_library_rows_are_the_rows_and_count_of_list_library(sw: SpacesWorld) -> None:
    """The written-out rows and count: the same as the ORM's for a partner, a member and the
    office, with and without a search (its LIKE wildcards escaped), challenge and focus area
    filter; working groups on the challenge included; sliced."""
    activity = Activity.objects.create(
        title="Tjänsteresor",
        kind=Activity.Kind.INVESTIGATION,
        purpose="p",
        goal="g",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 6, 1),
    )
    activity.challenges.add(sw.space.challenge)
    Participation.objects.create(activity=activity, organisation=sw.org_c, is_lead=True)
    services.ensure_spaces()
    group = Space.objects.get(activity=activity)
    travel = PostFactory(
        space=sw.space,
        organisation=sw.world.org_a,
        title="Resepolicy för tjänsteresor",
        body="Tåg före flyg, 50% färre resor.",
        is_reusable=True,
    )
    LibraryUse.objects.create(post=travel, organisation=sw.org_c)
    PostFactory(
        space=group, organisation=None, title="Tåg_plan", body="Resepolicy.", is_reusable=True
    )
    PostFactory(space=sw.other_space, title="Matsvinn", body="Tåg 50 gånger.", is_reusable=True)
    PostFactory(
        space=sw.space, title="Resepolicy, dold", is_reusable=True, hidden_at=timezone.now()
    )
    PostFactory(space=sw.space, title="Resepolicy, utkast", body="Privat", is_reusable=False)
    for n in range(3):
        PostFactory(space=sw.space, title=f"Tåg {n}", body="Resepolicy", is_reusable=True)
    focus_area_id = sw.space.challenge.focus_area_id
    users = (sw.contact_c, sw.world.contact_a, sw.world.office, sw.world.inactive)
    for user in users:
        for query in ("", "resepolicy", "tåg", "50%", "g_p", "  tåg  resepolicy "):
            for challenge_id in (None, sw.space.challenge_id, sw.other_space.challenge_id):
                for area in (None, focus_area_id):
                    filters = {"query": query, "challenge_id": challenge_id, "focus_area_id": area}
                    rows = selectors.LibraryRows(visible_to=user, **filters)
                    posts = selectors.list_library(visible_to=user, **filters)
                    expected = list(selectors.library_rows(posts)[0:10])
                    assert rows.count() == posts.count(), (user, filters)
                    assert rows[0:10] == expected, (user, filters)
                    assert rows[1:3] == list(selectors.library_rows(posts)[1:3]), (user, filters)
    partner = selectors.LibraryRows(visible_to=sw.contact_c)
    found = {row["id"]: row for row in partner[0:10]}
    assert partner.count() == 6  # not hidden, not the draft
    assert found[travel.pk]["use_count"] == 1
    assert found[travel.pk]["space__challenge_id"] == sw.space.challenge_id
    assert found[travel.pk]["is_reusable"] is True
    assert selectors.LibraryRows(visible_to=sw.world.inactive)[0:10] == []


@pytest.mark.service("postgres")
def test_library_full_text_search_stems_swedish_words_on_postgresql(sw: SpacesWorld) -> None:
    assert connection.vendor == "postgresql"
    PostFactory(space=sw.space, title="Våra resepolicyer", body="Tågresor", is_reusable=True)
    found = selectors.list_library(visible_to=sw.contact_c, query="resepolicy")
    assert [p.title for p in found] == ["Våra resepolicyer"]


def test_matchmaking_shows_partners_looking_and_open_questions_the_user_may_read(
    sw: SpacesWorld,
) -> None:
    looking = [c["organisation_name"] for c in selectors.list_partners_looking(sw.space)]
    assert looking == ["Alfa Energi AB"]

    activity = Activity.objects.create(
        title="Resepolicy-nätverket",
        kind=Activity.Kind.INITIATIVE,
        purpose="p",
        goal="g",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 6, 1),
    )
    activity.challenges.add(sw.space.challenge)
    Participation.objects.create(activity=activity, organisation=sw.world.org_b, is_lead=True)
    services.ensure_spaces()
    group = Space.objects.get(activity=activity)
    open_q = PostFactory.create(space=group, kind=Post.Kind.QUESTION, title="Öppen fråga")
    PostFactory(space=group, kind=Post.Kind.QUESTION, title="Besvarad", answered_at=timezone.now())
    PostFactory(space=group, kind=Post.Kind.TIP, title="Tips")
    PostFactory(space=sw.other_space, kind=Post.Kind.QUESTION, title="Annan utmaning")

    for_b = selectors.list_matching_questions(space=sw.space, visible_to=sw.world.contact_b)
    assert [(p["title"], p["space_name"]) for p in for_b] == [(open_q.title, group.name)]
    # A is not in the working group: its text is not shown to A.
    assert selectors.list_matching_questions(space=sw.space, visible_to=sw.world.contact_a) == []


def test_knowledge_sharing_counts_per_organisation_and_year(sw: SpacesWorld) -> None:
    a, b, c = sw.world.org_a, sw.world.org_b, sw.org_c
    question = PostFactory(space=sw.space, kind=Post.Kind.QUESTION, organisation=a)
    PostFactory(space=sw.space, organisation=b, is_reusable=True)
    PostFactory(space=sw.space, organisation=b, hidden_at=timezone.now())  # not counted
    CommentFactory(post=question, organisation=b)  # an answer by B
    CommentFactory(post=question, organisation=a)  # A commenting on its own question: no
    library = PostFactory(space=sw.space, organisation=a, is_reusable=True)
    LibraryUse.objects.create(post=library, organisation=c)
    LibraryUse.objects.create(post=library, organisation=b)
    old = PostFactory(space=sw.space, organisation=c)
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=800))

    counts = selectors.knowledge_sharing_counts(timezone.now().year)
    assert (counts[a.pk].posts, counts[a.pk].answers, counts[a.pk].reused_by_others) == (2, 0, 2)
    assert (counts[b.pk].posts, counts[b.pk].answers, counts[b.pk].reused_from_others) == (1, 1, 1)
    assert counts[c.pk].posts == 0
    assert counts[c.pk].uses == 1
    assert counts[a.pk].shares == 4


def test_knowledge_sharing_counts_run_four_queries(
    sw: SpacesWorld, django_assert_num_queries
) -> None:
    PostFactory(space=sw.space, organisation=sw.world.org_a)
    with django_assert_num_queries(4):  # posts, answers, used from others, used by others
        selectors.knowledge_sharing_counts(timezone.now().year)


def test_indicator_sources_for_sharing_and_using_knowledge(sw: SpacesWorld) -> None:
    library = PostFactory(space=sw.space, organisation=sw.world.org_a, is_reusable=True)
    LibraryUse.objects.create(post=library, organisation=sw.org_c)
    year = timezone.now().year
    assert selectors.space_count(year) == {sw.world.org_a.pk: 2}  # one post, used once by C
    assert selectors.space_use_count(year) == {sw.org_c.pk: 1}
    assert selectors.space_count(year - 5) == {}


def test_space_page_of_a_working_group_reads_its_activity_in_one_query(
    sw: SpacesWorld, django_assert_num_queries
) -> None:
    activity = Activity.objects.create(
        title="Laddinfrastruktur",
        kind=Activity.Kind.INVESTIGATION,
        purpose="p",
        goal="g",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 6, 1),
    )
    Participation.objects.create(activity=activity, organisation=sw.world.org_a, is_lead=True)
    services.ensure_spaces()
    expected = Space.objects.select_related("activity").get(activity=activity)
    services.set_subscription(space=expected, user=sw.world.contact_a, mode="weekly")
    with django_assert_num_queries(1):
        space = selectors.get_space_page(expected.pk, user=sw.world.contact_a)
        assert space.activity == expected.activity
        assert space.name == "Laddinfrastruktur"
    assert space.subscription_mode == "weekly"
    assert space.created_at == expected.created_at  # converted as the ORM does (aware)
    assert space.activity is not None
    for field in Activity._meta.concrete_fields:  # every column converted as the ORM does
        assert getattr(space.activity, field.attname) == getattr(
            expected.activity, field.attname
        ), field.name
    with pytest.raises(Space.DoesNotExist):
        selectors.get_space_page(0, user=sw.world.contact_a)


def test_space_post_rows_are_the_cards_of_list_space_posts(sw: SpacesWorld) -> None:
    """The written-out rows and count: the same as the ORM's, hidden posts for the office
    only, filtered by kind, newest first, sliced."""
    shown = [
        PostFactory(space=sw.space, organisation=sw.world.org_a, is_reusable=n == 1)
        for n in range(3)
    ]
    question = PostFactory(space=sw.space, kind=Post.Kind.QUESTION, organisation=None)
    hidden = PostFactory(space=sw.space, hidden_at=timezone.now())
    PostFactory(space=sw.other_space)
    CommentFactory(post=shown[0])
    for user in (sw.world.contact_a, sw.world.office):
        for kind in ("", Post.Kind.QUESTION):
            rows = selectors.SpacePostRows(space=sw.space, visible_to=user, kind=kind)
            posts = selectors.list_space_posts(space=sw.space, visible_to=user, kind=kind)
            assert rows.count() == posts.count()
            assert rows[0:10] == list(selectors.post_card_rows(posts)[0:10])
            assert rows[1:2] == list(selectors.post_card_rows(posts)[1:2])
    member = selectors.SpacePostRows(space=sw.space, visible_to=sw.world.contact_a)
    assert hidden.pk not in [row["id"] for row in member[0:10]]
    assert member.count() == 4
    office = selectors.SpacePostRows(space=sw.space, visible_to=sw.world.office)
    assert hidden.pk in [row["id"] for row in office[0:10]]
    row = next(r for r in office[0:10] if r["id"] == shown[0].pk)
    assert row["comment_count"] == 1
    assert row["organisation__name"] == sw.world.org_a.name
    assert row["is_reusable"] is False
    assert next(r for r in office[0:10] if r["id"] == question.pk)["organisation__name"] is None
