from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from activities.models import Activity, Participation
from partners.models import CommitmentSet
from spaces import selectors, services
from spaces.models import Attachment, LibraryUse, Post, Space, Subscription
from spaces.tests.conftest import SpacesWorld
from spaces.tests.factories import CommentFactory, PostFactory


def test_members_are_derived_from_confirmed_commitments(sw: SpacesWorld) -> None:
    names = [o.name for o in selectors.list_member_organisations(sw.space)]
    assert names == ["Alfa Energi AB", "Beta Bygg AB"]  # not D (draft), not C (other challenge)
    # Confirming D's set makes D a member at once: nothing was copied.
    CommitmentSet.objects.filter(organisation=sw.org_d).update(status="confirmed")
    fresh = Space.objects.get(pk=sw.space.pk)
    assert sw.org_d.pk in selectors.member_organisation_ids(fresh)


def test_members_and_partners_looking_of_a_grouping(sw: SpacesWorld) -> None:
    # Replaces a test that the two lists came from one hand-written SQL statement.
    space = Space.objects.select_related("challenge").get(pk=sw.space.pk)
    members = selectors.list_member_organisations(space)
    assert [m.name for m in members] == ["Alfa Energi AB", "Beta Bygg AB"]
    assert selectors.is_member(sw.world.contact_b, space)
    assert not selectors.is_member(sw.contact_d, space)  # a draft set is not membership
    assert [(p.organisation_name, p.challenge_number) for p in
            selectors.list_partners_looking(space)] == [("Alfa Energi AB", 3)]  # fmt: skip


def test_space_page_reads_the_subscription_and_the_challenge(sw: SpacesWorld) -> None:
    services.set_subscription(space=sw.space, user=sw.world.contact_a, mode="weekly")
    space = selectors.get_space_page(sw.space.pk, user=sw.world.contact_a)
    assert space.subscription_mode == "weekly"
    assert space.challenge is not None
    assert space.challenge.focus_area.name  # cached with the challenge
    other = selectors.get_space_page(sw.space.pk, user=sw.world.contact_b)
    # No exception for this space: the choice for all spaces applies (issue 18), none yet.
    assert other.subscription_mode == "default"
    assert other.mail_preference_mode == Subscription.Mode.NONE
    assert space.name == "3. Skapa resepolicy för färre och mer hållbara tjänsteresor"


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


def test_library_items_carry_what_the_list_shows_filtered_and_newest_first(
    sw: SpacesWorld,
) -> None:
    """Replaces a test that compared the hand-written SQL's rows with the ORM's: the items a
    partner, a member and the office find, with and without search and filters, working
    groups on the challenge included, LIKE wildcards taken literally."""
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
    plan = PostFactory(
        space=group, organisation=None, title="Tåg_plan", body="Resepolicy.", is_reusable=True
    )
    food = PostFactory(
        space=sw.other_space, title="Matsvinn", body="Tåg 50 gånger.", is_reusable=True
    )
    PostFactory(
        space=sw.space, title="Resepolicy, dold", is_reusable=True, hidden_at=timezone.now()
    )
    PostFactory(space=sw.space, title="Resepolicy, utkast", body="Privat", is_reusable=False)
    trains = [
        PostFactory(space=sw.space, title=f"Tåg {n}", body="Resepolicy", is_reusable=True)
        for n in range(3)
    ]
    now = timezone.now()
    newest_first = [*reversed(trains), food, plan, travel]
    for hours, post in enumerate(newest_first):
        Post.objects.filter(pk=post.pk).update(created_at=now - dt.timedelta(hours=hours))
    three, area = sw.space.challenge_id, sw.space.challenge.focus_area_id

    def ids(user: object, **filters: object) -> list[int]:
        return [p.pk for p in selectors.list_library(visible_to=user, **filters)]

    everything = [p.pk for p in newest_first]
    for user in (sw.contact_c, sw.world.contact_a, sw.world.office):
        assert ids(user) == everything  # not the hidden one, not the draft
        assert ids(user, challenge_id=three) == [*[p.pk for p in reversed(trains)], plan.pk,
                                                 travel.pk]  # fmt: skip
        assert ids(user, challenge_id=sw.other_space.challenge_id) == [food.pk]
        assert ids(user, focus_area_id=area, challenge_id=sw.other_space.challenge_id) == []
    assert ids(sw.world.inactive) == []
    if connection.vendor != "postgresql":  # words matched as typed (PostgreSQL: full text)
        assert ids(sw.contact_c, query="50%") == [travel.pk]  # not "50 gånger"
        assert ids(sw.contact_c, query="g_p") == [plan.pk]
        assert ids(sw.contact_c, query="  tåg  resepolicy ") == [
            *[p.pk for p in reversed(trains)], plan.pk, travel.pk
        ]  # fmt: skip
    found = {p.pk: p for p in selectors.list_library(visible_to=sw.contact_c)}
    assert found[travel.pk].use_count == 1
    assert found[food.pk].use_count == 0
    assert found[travel.pk].organisation.name == "Alfa Energi AB"
    assert found[plan.pk].space.name == "Tjänsteresor"
    assert found[travel.pk].space.challenge.focus_area_id == area


@pytest.mark.parametrize("typed", ["älvstranden", "ÄLVSTRANDEN", "Älvstranden"])
def test_library_search_folds_swedish_letters_on_every_database(
    sw: SpacesWorld, typed: str
) -> None:
    PostFactory(space=sw.space, title="Älvstranden", body="Återbruk.", is_reusable=True)
    PostFactory(space=sw.space, title="Strandpromenaden", body="Grus.", is_reusable=True)
    found = selectors.list_library(visible_to=sw.contact_c, query=typed)
    assert [p.title for p in found] == ["Älvstranden"]
    found = selectors.list_library(visible_to=sw.contact_c, query="ÅTERBRUK")
    assert [p.title for p in found] == ["Älvstranden"]


def test_search_text_follows_every_save_of_title_and_text(sw: SpacesWorld) -> None:
    created = PostFactory(space=sw.space, title="Öresund", body="Färja", is_reusable=True)
    post = Post.objects.get(pk=created.pk)
    assert post.search_text == "öresund\nfärja"
    post.title = "Östersjön"
    post.save(update_fields=["title"])
    assert Post.objects.get(pk=post.pk).search_text == "östersjön\nfärja"
    found = selectors.list_library(visible_to=sw.contact_c, query="östersjön")
    assert [p.pk for p in found] == [post.pk]


@pytest.mark.service("postgres")
def test_library_full_text_search_stems_swedish_words_on_postgresql(sw: SpacesWorld) -> None:
    assert connection.vendor == "postgresql"
    PostFactory(space=sw.space, title="Våra resepolicyer", body="Tågresor", is_reusable=True)
    found = selectors.list_library(visible_to=sw.contact_c, query="resepolicy")
    assert [p.title for p in found] == ["Våra resepolicyer"]


def test_matchmaking_shows_partners_looking_and_open_questions_the_user_may_read(
    sw: SpacesWorld,
) -> None:
    looking = [c.organisation_name for c in selectors.list_partners_looking(sw.space)]
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
    assert [(p.title, p.space.name) for p in for_b] == [(open_q.title, group.name)]
    # A is not in the working group: its text is not shown to A.
    assert (
        list(selectors.list_matching_questions(space=sw.space, visible_to=sw.world.contact_a)) == []
    )


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
    # One organisation's page asks for that organisation only: the same counts, no others.
    for organisation in (a, b, c):
        mine = selectors.knowledge_sharing_counts(
            timezone.now().year, organisation_ids=[organisation.pk]
        )
        assert mine == {organisation.pk: counts[organisation.pk]}


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


def test_space_posts_newest_first_with_their_counts_hidden_for_the_office_only(
    sw: SpacesWorld,
) -> None:
    """Replaces a test that compared the hand-written SQL's rows with the ORM's."""
    shown = [
        PostFactory(space=sw.space, organisation=sw.world.org_a, is_reusable=n == 1)
        for n in range(3)
    ]
    question = PostFactory(space=sw.space, kind=Post.Kind.QUESTION, organisation=None)
    hidden = PostFactory(space=sw.space, hidden_at=timezone.now())
    PostFactory(space=sw.other_space)
    CommentFactory(post=shown[0])
    CommentFactory(post=shown[0])
    Attachment.objects.create(
        post=shown[0], file="spaces/x/a.pdf", original_name="a.pdf", extension="pdf",
        content_type="application/pdf", size=10,
    )  # fmt: skip
    now = timezone.now()
    newest_first = [hidden, question, *reversed(shown)]
    for hours, post in enumerate(newest_first):
        Post.objects.filter(pk=post.pk).update(created_at=now - dt.timedelta(hours=hours))

    def ids(user: object, kind: str = "") -> list[int]:
        posts = selectors.list_space_posts(space=sw.space, visible_to=user, kind=kind)
        return [p.pk for p in posts]

    assert ids(sw.world.contact_a) == [p.pk for p in newest_first[1:]]
    assert ids(sw.world.office) == [p.pk for p in newest_first]
    assert ids(sw.world.contact_a, Post.Kind.QUESTION) == [question.pk]
    office = {
        p.pk: p for p in selectors.list_space_posts(space=sw.space, visible_to=sw.world.office)
    }
    assert (office[shown[0].pk].comment_count, office[shown[0].pk].file_count) == (2, 1)
    assert (office[shown[1].pk].comment_count, office[shown[1].pk].file_count) == (0, 0)
    assert office[shown[0].pk].organisation.name == sw.world.org_a.name
    assert office[question.pk].organisation is None
