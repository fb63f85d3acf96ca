from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from activities.models import Activity, Participation
from outbox.models import OutgoingEmail
from spaces import services
from spaces.models import Attachment, Comment, LibraryUse, Post, Space, Subscription
from spaces.tests.conftest import SpacesWorld
from spaces.tests.factories import CommentFactory, PostFactory
from tests.fixtures import client_for

PDF = b"%PDF-1.4\n%%EOF\n"


def _new_post_data(**extra: object) -> dict[str, object]:
    return {
        "kind": "question",
        "title": "Hur gör ni med resepolicyn?",
        "body": "Vi vill minska **flygresorna**.",
        "link": "",
        **extra,
    }


# --- the space list and page, per role -----------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("office", 200), ("contact_a", 200), ("contact_b", 200), ("strategic", 200)],
)
def test_space_list_per_role(sw: SpacesWorld, role: str, status: int) -> None:
    response = client_for(getattr(sw.world, role)).get(reverse("spaces:space_list"))
    assert response.status_code == status


def test_space_list_shows_only_the_users_groupings(sw: SpacesWorld) -> None:
    response = client_for(sw.world.contact_b).get(reverse("spaces:space_list"))
    spaces = response.context["challenge_spaces"]
    assert [s.challenge.number for s in spaces] == [3, 6, 7, 8, 9]
    assert sw.space.get_absolute_url() in response.content.decode()
    assert sw.other_space.get_absolute_url() not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("office", 200),
        ("superuser", 200),
        ("contact_a", 200),
        ("contact_b", 200),
        ("strategic", 403),
        ("contact_c", 403),
        ("contact_d", 403),
    ],
)
def test_space_page_per_role(sw: SpacesWorld, role: str, status: int) -> None:
    PostFactory(space=sw.space, organisation=sw.world.org_a, title="Hemlig text i rummet")
    user = getattr(sw, role, None) or getattr(sw.world, role)
    response = client_for(user).get(sw.space.get_absolute_url())
    assert response.status_code == status
    assert ("Hemlig text i rummet" in response.content.decode()) is (status == 200)


def test_anonymous_is_sent_to_login(sw: SpacesWorld) -> None:
    response = client_for(None).get(sw.space.get_absolute_url())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_space_page_shows_members_matchmaking_and_notification_choice(sw: SpacesWorld) -> None:
    services.set_subscription(space=sw.space, user=sw.world.contact_b, mode="weekly")
    response = client_for(sw.world.contact_b).get(sw.space.get_absolute_url())
    html = response.content.decode()
    assert [o.name for o in response.context["members"]] == ["Alfa Energi AB", "Beta Bygg AB"]
    assert "Dalens Draft AB" not in html
    assert response.context["subscription_mode"] == "weekly"
    assert 'value="weekly" checked' in html
    matchmaking = html[html.index('data-testid="matchmaking"') :]
    assert "Alfa Energi AB" in matchmaking[: matchmaking.index("</section>")]


def test_space_page_escapes_what_partners_wrote(sw: SpacesWorld) -> None:
    PostFactory(space=sw.space, organisation=sw.world.org_a, title="<script>alert(1)</script>")
    html = client_for(sw.world.contact_b).get(sw.space.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_working_group_page_shows_its_participants_and_their_choice(sw: SpacesWorld) -> None:
    activity = Activity.objects.create(
        title="Resepolicy-nätverket",
        kind=Activity.Kind.INITIATIVE,
        purpose="p",
        goal="g",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 6, 1),
    )
    activity.challenges.add(sw.space.challenge)  # A is looking for partners on challenge 3
    Participation.objects.create(activity=activity, organisation=sw.org_c, is_lead=True)
    services.ensure_spaces()
    group = Space.objects.get(activity=activity)
    services.set_subscription(space=group, user=sw.contact_c, mode="each_post")
    response = client_for(sw.contact_c).get(group.get_absolute_url())
    assert response.status_code == 200
    assert [o.name for o in response.context["members"]] == [sw.org_c.name]
    assert [p.organisation_name for p in response.context["partners_looking"]] == ["Alfa Energi AB"]
    assert response.context["subscription_mode"] == "each_post"
    assert client_for(sw.world.contact_b).get(group.get_absolute_url()).status_code == 403


def test_space_page_runs_a_constant_number_of_queries(
    sw: SpacesWorld, django_assert_num_queries
) -> None:
    client = client_for(sw.world.contact_b)
    url = sw.space.get_absolute_url()
    client.get(url)  # warm-up: session and caches

    def add_posts(n: int) -> None:
        for i in range(n):
            post = PostFactory(
                space=sw.space,
                organisation=sw.world.org_a,
                kind=["question", "tip", "offer"][i % 3],
            )
            CommentFactory(post=post, organisation=sw.world.org_b)
            Attachment.objects.create(
                post=post, file=f"spaces/x/{i}.pdf", original_name="a.pdf", extension="pdf",
                content_type="application/pdf", size=10,
            )  # fmt: skip

    add_posts(3)
    # session, user, the space (with its challenge and the user's subscription), the user's
    # organisations, the member ids (access check), the post count and the page of posts
    # (comment and file counts annotated), the members, those looking for partners, matching
    # questions.
    with django_assert_num_queries(10):
        client.get(url)
    add_posts(6)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.context["page_obj"].paginator.count == 9


# --- posting ----------------------------------------------------------------------------------


def test_member_posts_a_question_with_a_file(sw: SpacesWorld) -> None:
    client = client_for(sw.world.contact_a)
    upload = SimpleUploadedFile("policy.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("spaces:post_create", args=[sw.space.pk]), _new_post_data(file=upload)
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    assert (post.kind, post.organisation, post.author) == (
        "question",
        sw.world.org_a,
        sw.world.contact_a,
    )
    assert post.attachments.get().original_name == "policy.pdf"


@pytest.mark.parametrize("role", ["contact_c", "contact_d", "strategic"])
def test_non_member_cannot_post_and_the_database_is_unchanged(sw: SpacesWorld, role: str) -> None:
    user = getattr(sw, role, None) or getattr(sw.world, role)
    client = client_for(user)
    url = reverse("spaces:post_create", args=[sw.space.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, _new_post_data(file=SimpleUploadedFile("a.pdf", PDF)))
    assert response.status_code == 403
    assert "Du är inte medlem i det här rummet" in response.content.decode()
    assert Post.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_script_in_markdown_gives_a_clear_message_and_keeps_the_text(sw: SpacesWorld) -> None:
    client = client_for(sw.world.contact_a)
    body = "Hej <script>document.location='https://evil.example'</script>"
    response = client.post(
        reverse("spaces:post_create", args=[sw.space.pk]), _new_post_data(body=body)
    )
    assert response.status_code == 400
    assert "skript eller HTML som inte är tillåten" in response.content.decode()
    assert response.context["form"]["body"].value() == body  # what was typed is kept
    assert Post.objects.count() == 0


@override_settings(SPACES_MAX_FILE_BYTES=100)
def test_oversized_or_disguised_file_gives_a_message_and_stores_nothing(sw: SpacesWorld) -> None:
    client = client_for(sw.world.contact_a)
    url = reverse("spaces:post_create", args=[sw.space.pk])
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 200)
    response = client.post(url, _new_post_data(file=big))
    assert response.status_code == 400
    assert "Filen är för stor" in response.content.decode()
    fake = SimpleUploadedFile("policy.pdf", b"<html><script>x</script></html>")
    response = client.post(url, _new_post_data(file=fake))
    assert "Filens innehåll stämmer inte" in response.content.decode()
    assert response.context["form"]["title"].value() == "Hur gör ni med resepolicyn?"
    assert Post.objects.count() == 0
    assert Attachment.objects.count() == 0


# --- a post, comments, answers, hiding --------------------------------------------------------


def test_post_page_shows_sanitised_text_and_comments_to_members(sw: SpacesWorld) -> None:
    post = PostFactory(space=sw.space, organisation=sw.world.org_a, body="**Fet** text")
    CommentFactory(post=post, organisation=sw.world.org_b, body="En kommentar")
    response = client_for(sw.world.contact_b).get(post.get_absolute_url())
    html = response.content.decode()
    assert "<strong>Fet</strong>" in html
    assert "En kommentar" in html


@pytest.mark.parametrize("role", ["contact_c", "strategic"])
def test_non_members_get_404_for_a_private_post_and_its_file(sw: SpacesWorld, role: str) -> None:
    post = services.create_post(
        space=sw.space,
        by=sw.world.contact_a,
        kind="tip",
        title="Privat",
        body="text",
        upload=SimpleUploadedFile("a.pdf", PDF),
    )
    client = client_for(getattr(sw, role, None) or getattr(sw.world, role))
    assert client.get(post.get_absolute_url()).status_code == 404
    assert client.get(post.attachments.get().get_absolute_url()).status_code == 404


def test_member_comments_and_non_member_comment_is_refused(sw: SpacesWorld) -> None:
    post = PostFactory(space=sw.space, organisation=sw.world.org_a, kind="question")
    url = reverse("spaces:comment_create", args=[post.pk])
    response = client_for(sw.world.contact_b).post(url, {"body": "Vi tar tåget."})
    assert response.status_code == 302
    assert Comment.objects.get().organisation == sw.world.org_b
    # A non-member does not even learn that the post exists.
    assert client_for(sw.contact_c).post(url, {"body": "Hej"}).status_code == 404
    assert Comment.objects.count() == 1
    response = client_for(sw.world.contact_b).post(url, {"body": "<script>x</script>"})
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_question_author_marks_it_answered_another_member_cannot(sw: SpacesWorld) -> None:
    post = PostFactory(
        space=sw.space, organisation=sw.world.org_a, kind="question", author=sw.world.contact_a
    )
    comment = CommentFactory(post=post, organisation=sw.world.org_b)
    url = reverse("spaces:post_mark_answered", args=[post.pk])
    assert client_for(sw.world.contact_b).post(url).status_code == 403
    post.refresh_from_db()
    assert post.answered_at is None
    client_for(sw.world.contact_a).post(url, {"answer": comment.pk})
    post.refresh_from_db()
    assert post.is_answered
    assert post.answer == comment


def test_office_hides_a_post_with_a_reason_members_no_longer_see_it(sw: SpacesWorld) -> None:
    post = PostFactory(space=sw.space, organisation=sw.world.org_a, title="Olämpligt")
    url = reverse("spaces:post_hide", args=[post.pk])
    assert client_for(sw.world.contact_b).post(url, {"reason": "x"}).status_code == 403
    response = client_for(sw.world.office).post(url, {"reason": ""})
    assert response.status_code == 400
    post.refresh_from_db()
    assert post.hidden_at is None
    client_for(sw.world.office).post(url, {"reason": "Reklam"})
    post.refresh_from_db()
    assert post.hidden_reason == "Reklam"
    assert post.hidden_by == sw.world.office
    assert (
        "Olämpligt"
        not in client_for(sw.world.contact_b).get(sw.space.get_absolute_url()).content.decode()
    )
    assert client_for(sw.world.contact_b).get(post.get_absolute_url()).status_code == 404
    office_view = client_for(sw.world.office).get(post.get_absolute_url()).content.decode()
    assert "Reklam" in office_view


# --- files ------------------------------------------------------------------------------------


def test_download_is_an_attachment_that_is_not_cached(sw: SpacesWorld) -> None:
    post = services.create_post(
        space=sw.space,
        by=sw.world.contact_a,
        kind="offer",
        title="Policy",
        body="text",
        upload=SimpleUploadedFile("Vår policy.pdf", PDF),
    )
    response = client_for(sw.world.contact_b).get(post.attachments.get().get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "V%C3%A5r%20policy.pdf" in response["Content-Disposition"]
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_library_file_is_readable_by_every_partner(sw: SpacesWorld) -> None:
    post = services.create_post(
        space=sw.space,
        by=sw.world.contact_a,
        kind="offer",
        title="Delad policy",
        body="text",
        is_reusable=True,
        upload=SimpleUploadedFile("policy.pdf", PDF),
    )
    client = client_for(sw.contact_c)
    assert client.get(post.get_absolute_url()).status_code == 200
    assert client.get(post.attachments.get().get_absolute_url()).status_code == 200


# --- library ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("office", 200), ("strategic", 200), ("contact_c", 200)]
)
def test_library_per_role(sw: SpacesWorld, role: str, status: int) -> None:
    user = getattr(sw, role, None) or getattr(sw.world, role)
    assert client_for(user).get(reverse("spaces:library")).status_code == status


def test_library_search_finds_reusable_posts_only(sw: SpacesWorld) -> None:
    PostFactory(space=sw.space, title="Resepolicy att låna", is_reusable=True)
    PostFactory(space=sw.space, title="Resepolicy privat", is_reusable=False)
    response = client_for(sw.contact_c).get(
        reverse("spaces:library"), {"q": "resepolicy", "challenge": sw.space.challenge_id}
    )
    html = response.content.decode()
    assert "Resepolicy att låna" in html
    assert "Resepolicy privat" not in html


def test_library_page_runs_a_constant_number_of_queries(
    sw: SpacesWorld, django_assert_num_queries
) -> None:
    client = client_for(sw.contact_c)
    url = reverse("spaces:library") + "?q=policy"
    client.get(url)
    for i in range(3):
        PostFactory(
            space=sw.space, title=f"Policy {i}", is_reusable=True, organisation=sw.world.org_a
        )
    # session, user, the user's organisations (policy), the post count, the page of posts
    # (with their use counts), their files, the filter's challenges and focus areas.
    with django_assert_num_queries(8):
        client.get(url)
    for i in range(5):
        PostFactory(space=sw.other_space, title=f"Policy x{i}", is_reusable=True)
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.context["page_obj"].paginator.count == 8


def test_we_used_this_is_recorded_once_per_organisation(sw: SpacesWorld) -> None:
    post = PostFactory(space=sw.space, organisation=sw.world.org_a, is_reusable=True)
    url = reverse("spaces:library_use", args=[post.pk])
    client = client_for(sw.contact_c)
    client.post(url, {"organisation": sw.org_c.pk})
    client.post(url, {"organisation": sw.org_c.pk})
    assert LibraryUse.objects.filter(post=post, organisation=sw.org_c).count() == 1
    # Someone else's organisation cannot be named, and nothing is stored.
    client.post(url, {"organisation": sw.world.org_b.pk})
    assert not LibraryUse.objects.filter(organisation=sw.world.org_b).exists()
    assert (
        client_for(sw.world.strategic).post(url, {"organisation": sw.org_c.pk}).status_code == 403
    )


# --- notifications and unsubscribe --------------------------------------------------------------


def test_member_chooses_notifications_non_member_cannot(sw: SpacesWorld) -> None:
    url = reverse("spaces:subscription_update", args=[sw.space.pk])
    client_for(sw.world.contact_b).post(url, {"mode": "each_post"})
    assert Subscription.objects.get(user=sw.world.contact_b).mode == "each_post"
    assert client_for(sw.contact_c).post(url, {"mode": "weekly"}).status_code == 403
    assert Subscription.objects.count() == 1


def test_unsubscribe_link_works_without_logging_in(sw: SpacesWorld) -> None:
    services.set_subscription(space=sw.space, user=sw.world.contact_b, mode="weekly")
    token = services.make_unsubscribe_token(user_id=sw.world.contact_b.pk, space_id=sw.space.pk)
    url = reverse("spaces:unsubscribe", args=[token])
    anonymous = client_for(None)
    page = anonymous.get(url)
    assert page.status_code == 200
    assert sw.space.name in page.content.decode()
    assert Subscription.objects.get().mode == "weekly"  # a GET changes nothing
    response = anonymous.post(url)
    assert response.status_code == 200
    assert "Klart" in response.content.decode()
    assert Subscription.objects.get().mode == "none"


def test_tampered_unsubscribe_link_gives_a_clear_message_and_changes_nothing(
    sw: SpacesWorld,
) -> None:
    services.set_subscription(space=sw.space, user=sw.world.contact_b, mode="weekly")
    token = services.make_unsubscribe_token(user_id=sw.world.contact_b.pk, space_id=sw.space.pk)
    tampered = ("y" if token.startswith("x") else "x") + token[1:]
    url = reverse("spaces:unsubscribe", args=[tampered])
    for method in ("get", "post"):
        response = getattr(client_for(None), method)(url)
        assert response.status_code == 400
        assert "ogiltig eller har ändrats" in response.content.decode()
    assert Subscription.objects.get().mode == "weekly"


def test_every_post_mail_links_to_a_working_unsubscribe_page(
    sw: SpacesWorld, django_capture_on_commit_callbacks
) -> None:
    services.set_subscription(space=sw.space, user=sw.world.contact_b, mode="each_post")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(sw.world.contact_a).post(
            reverse("spaces:post_create", args=[sw.space.pk]), _new_post_data()
        )
    body = OutgoingEmail.objects.get().body
    path = body[body.index("/spaces/unsubscribe/") :].split()[0]
    assert client_for(None).post(path).status_code == 200
    assert Subscription.objects.get().mode == "none"


# --- export -----------------------------------------------------------------------------------


def test_office_exports_a_space_others_cannot(sw: SpacesWorld) -> None:
    PostFactory(space=sw.space, organisation=sw.world.org_a, title="Exporteras")
    url = reverse("spaces:space_export", args=[sw.space.pk])
    assert client_for(sw.world.contact_a).get(url).status_code == 403
    response = client_for(sw.world.office).get(url)
    assert response["Content-Type"] == "application/zip"
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert b"Exporteras" in archive.read("content.json")


@pytest.mark.parametrize(
    "name",
    ["post_create", "subscription_update"],
)
def test_get_on_post_only_urls_is_refused(sw: SpacesWorld, name: str) -> None:
    url = reverse(f"spaces:{name}", args=[sw.space.pk])
    if name == "subscription_update":
        assert client_for(sw.world.contact_a).get(url).status_code == 405
    else:
        assert client_for(sw.world.contact_a).get(url).status_code == 200


def test_a_missing_space_is_created_on_first_access_of_the_list(sw: SpacesWorld) -> None:
    from spaces.models import Space

    Space.objects.filter(pk=sw.space.pk).delete()
    response = client_for(sw.world.contact_a).get(reverse("spaces:space_list"))
    numbers = [s.challenge.number for s in response.context["challenge_spaces"]]
    assert numbers == [1, 2, 3, 4, 5]


def test_organisation_page_shows_its_spaces_and_sharing_counts(sw: SpacesWorld) -> None:
    PostFactory(space=sw.space, organisation=sw.world.org_a)
    url = sw.world.org_a.get_absolute_url()
    html = client_for(sw.world.contact_a).get(url).content.decode()
    section = html[html.index('data-testid="organisation-spaces"') :]
    assert sw.space.name in section
    assert "Kunskapsdelning i rummen" in section
    assert "Rum och kunskapsdelning" in client_for(sw.world.office).get(url).content.decode()
    # The strategic group reads the organisation page, but not its own follow-up figures.
    strategic = client_for(sw.world.strategic).get(url)
    assert strategic.status_code == 200
    assert "Rum och kunskapsdelning" not in strategic.content.decode()
