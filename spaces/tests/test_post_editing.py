"""Issue 18, point 4 and 6: members edit and delete their own posts and comments (marked
"redigerad" with the time), deleting asks first, the office may delete or hide anything and show
a hidden post again, and the author of a hidden post is told why instead of meeting a 404.

Written as an attacker would try it: another member, a colleague of the same organisation, a
non-member and a partner whose organisation left the space each try to change someone's words.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from outbox.models import OutgoingEmail
from partners.models import CommitmentSet
from spaces import services
from spaces.models import Attachment, Comment, Post
from spaces.tests.conftest import SpacesWorld
from tests.fixtures import client_for

PDF = b"%PDF-1.4\n%%EOF\n"


def _post(sw: SpacesWorld, **extra: object) -> Post:
    data: dict[str, object] = {
        "space": sw.space,
        "by": sw.world.contact_a,
        "kind": Post.Kind.QUESTION,
        "title": "Hur gör ni med resepolicyn?",
        "body": "Vi vill minska flygresorna.",
        **extra,
    }
    return services.create_post(**data)


def _edit_data(**extra: object) -> dict[str, object]:
    return {
        "kind": "question",
        "title": "Hur gör ni med resepolicyn 2027?",
        "body": "Vi vill minska flygresorna med hälften.",
        "link": "",
        **extra,
    }


# --- editing ----------------------------------------------------------------------------------


def test_the_author_edits_a_post_and_readers_see_when(sw: SpacesWorld) -> None:
    post = _post(sw)
    url = reverse("spaces:post_edit", args=[post.pk])
    author = client_for(sw.world.contact_a)
    form = author.get(url)
    assert form.status_code == 200
    assert "Hur gör ni med resepolicyn?" in form.content.decode()  # the form holds the old text

    response = author.post(url, _edit_data())
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Hur gör ni med resepolicyn 2027?"
    assert "hälften" in post.body_html
    assert "hälften" in post.excerpt
    assert "hälften" in post.search_text  # the library's search reads the new text
    assert post.edited_at is not None

    page = client_for(sw.world.contact_b).get(post.get_absolute_url()).content.decode()
    assert 'data-testid="edited"' in page
    assert "redigerad" in page


def test_saving_without_changes_adds_no_edited_marker(sw: SpacesWorld) -> None:
    post = _post(sw)
    services.edit_post(
        post=post,
        by=sw.world.contact_a,
        kind=post.kind,
        title=post.title,
        body=post.body,
        link="",
        is_reusable=False,
    )
    post.refresh_from_db()
    assert post.edited_at is None


def test_script_in_an_edit_is_refused_with_a_field_error_and_nothing_changes(
    sw: SpacesWorld,
) -> None:
    post = _post(sw)
    url = reverse("spaces:post_edit", args=[post.pk])
    response = client_for(sw.world.contact_a).post(
        url, _edit_data(body="Hej <script>alert(1)</script>")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["body"]
    assert "<script>" in response.content.decode().replace("&lt;", "<").replace("&gt;", ">")
    post.refresh_from_db()
    assert post.body == "Vi vill minska flygresorna."
    assert post.edited_at is None


@pytest.mark.parametrize(
    ("who", "statuses"),
    [
        ("contact_b", {403}),  # another member organisation
        ("contact_a2", {403}),  # a colleague of the author's own organisation
        ("office", {403}),  # the office hides or deletes, it does not put words in mouths
        ("contact_c", {404}),  # not a member: the post's existence is not confirmed
    ],
)
def test_nobody_edits_someone_elses_post(sw: SpacesWorld, who: str, statuses: set[int]) -> None:
    post = _post(sw)
    user = getattr(sw.world, who, None) or getattr(sw, who)
    client = client_for(user)
    url = reverse("spaces:post_edit", args=[post.pk])
    assert client.get(url).status_code in statuses
    assert client.post(url, _edit_data(title="Kapad")).status_code in statuses
    post.refresh_from_db()
    assert post.title == "Hur gör ni med resepolicyn?"
    assert post.edited_at is None
    with pytest.raises(PermissionDenied):
        services.edit_post(
            post=post, by=user, **{**_edit_data(title="Kapad"), "is_reusable": False}
        )


def test_a_partner_whose_organisation_left_the_space_can_no_longer_edit_or_delete(
    sw: SpacesWorld,
) -> None:
    post = _post(sw, is_reusable=True)  # in the library: still readable after leaving
    comment = services.add_comment(post=post, by=sw.world.contact_a, body="Tillägg")
    CommitmentSet.objects.filter(organisation=sw.world.org_a).update(
        status=CommitmentSet.Status.DRAFT
    )
    client = client_for(sw.world.contact_a)
    assert client.get(post.get_absolute_url()).status_code == 200  # the library still shows it
    for name, pk in [
        ("post_edit", post.pk),
        ("post_delete", post.pk),
        ("comment_edit", comment.pk),
        ("comment_delete", comment.pk),
    ]:
        url = reverse(f"spaces:{name}", args=[pk])
        assert client.post(url, _edit_data(body="Ändrat efteråt")).status_code in {403, 404}
    post.refresh_from_db()
    assert post.edited_at is None
    assert post.body == "Vi vill minska flygresorna."
    assert Comment.objects.get(pk=comment.pk).body == "Tillägg"
    fresh = Post.objects.select_related("space").get(pk=post.pk)
    with pytest.raises(PermissionDenied):
        services.delete_post(post=fresh, by=sw.world.contact_a)


def test_the_author_edits_a_comment_others_cannot(sw: SpacesWorld) -> None:
    post = _post(sw)
    comment = services.add_comment(post=post, by=sw.world.contact_b, body="Vi har en policy.")
    url = reverse("spaces:comment_edit", args=[comment.pk])
    for intruder in (sw.world.contact_a, sw.world.office):  # the post's author, the office
        assert client_for(intruder).post(url, {"body": "Kapad"}).status_code == 403
    assert client_for(sw.contact_c).post(url, {"body": "Kapad"}).status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Vi har en policy."
    assert comment.edited_at is None

    response = client_for(sw.world.contact_b).post(url, {"body": "Vi har en ny policy."})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    edited = Comment.objects.get(pk=comment.pk)
    assert edited.body == "Vi har en ny policy."
    assert edited.edited_at is not None
    page = client_for(sw.world.contact_a).get(post.get_absolute_url()).content.decode()
    assert "ny policy" in page
    assert 'data-testid="edited"' in page


# --- deleting ---------------------------------------------------------------------------------


def test_deleting_a_post_asks_first_then_removes_it_with_comments_and_files(
    sw: SpacesWorld, django_capture_on_commit_callbacks
) -> None:
    post = _post(sw, upload=SimpleUploadedFile("plan.pdf", PDF))
    services.add_comment(post=post, by=sw.world.contact_b, body="Bra fråga")
    attachment = Attachment.objects.get(post=post)
    storage, name = attachment.file.storage, attachment.file.name
    assert storage.exists(name)
    url = reverse("spaces:post_delete", args=[post.pk])
    client = client_for(sw.world.contact_a)

    ask = client.get(url)  # the link on the post opens a question, not the deletion
    assert ask.status_code == 200
    html = ask.content.decode()
    assert "Ta bort inlägget?" in html
    assert "1 kommentar" in html
    assert "plan.pdf" in html
    assert Post.objects.filter(pk=post.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == sw.space.get_absolute_url()
    assert not Post.objects.filter(pk=post.pk).exists()
    assert not Comment.objects.filter(post_id=post.pk).exists()
    assert not storage.exists(name)  # the stored file goes too
    entry = AuditEntry.objects.get(object_id=str(post.pk), content_type__model="post")
    assert entry.action == "delete"
    assert entry.actor == sw.world.contact_a


def test_the_post_page_links_to_the_confirmation_not_a_one_click_delete(sw: SpacesWorld) -> None:
    post = _post(sw)
    page = client_for(sw.world.contact_a).get(post.get_absolute_url()).content.decode()
    delete_url = reverse("spaces:post_delete", args=[post.pk])
    assert f'href="{delete_url}"' in page
    assert f'action="{delete_url}"' not in page


@pytest.mark.parametrize("who", ["contact_b", "contact_a2"])
def test_other_members_cannot_delete_a_post_or_comment(sw: SpacesWorld, who: str) -> None:
    post = _post(sw)
    comment = services.add_comment(post=post, by=sw.world.contact_a, body="Min kommentar")
    client = client_for(getattr(sw.world, who))
    for name, pk in [("post_delete", post.pk), ("comment_delete", comment.pk)]:
        url = reverse(f"spaces:{name}", args=[pk])
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    assert Post.objects.filter(pk=post.pk).exists()
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_the_office_deletes_any_comment_and_post(sw: SpacesWorld) -> None:
    post = _post(sw)
    comment = services.add_comment(post=post, by=sw.world.contact_b, body="Olämpligt")
    services.mark_answered(post=post, by=sw.world.contact_a, answer=comment)
    office = client_for(sw.world.office)
    page = office.get(post.get_absolute_url()).content.decode()
    assert reverse("spaces:comment_delete", args=[comment.pk]) in page
    assert reverse("spaces:comment_edit", args=[comment.pk]) not in page  # not the office's words

    assert office.post(reverse("spaces:comment_delete", args=[comment.pk])).status_code == 302
    post.refresh_from_db()
    assert post.answer_id is None  # the answer is gone; the question stays answered by date
    assert office.post(reverse("spaces:post_delete", args=[post.pk])).status_code == 302
    assert not Post.objects.filter(pk=post.pk).exists()


# --- hidden posts -----------------------------------------------------------------------------


def test_the_author_of_a_hidden_post_sees_why_and_gets_a_mail(
    sw: SpacesWorld, django_capture_on_commit_callbacks
) -> None:
    post = _post(sw)
    with django_capture_on_commit_callbacks(execute=True):
        services.hide_post(post=post, by=sw.world.office, reason="Personuppgifter i texten")
    author_page = client_for(sw.world.contact_a).get(post.get_absolute_url())
    assert author_page.status_code == 200  # not a 404
    html = author_page.content.decode()
    assert "Personuppgifter i texten" in html
    assert 'data-testid="hidden-note"' in html
    # Other members still do not see it, nor in the space's list.
    assert client_for(sw.world.contact_b).get(post.get_absolute_url()).status_code == 404
    listed = client_for(sw.world.contact_b).get(sw.space.get_absolute_url()).content.decode()
    assert post.title not in listed
    own_list = client_for(sw.world.contact_a).get(sw.space.get_absolute_url()).content.decode()
    assert post.title in own_list
    assert "Dolt" in own_list

    email = OutgoingEmail.objects.get(dedupe_key__startswith="spaces-hidden:")
    assert email.to == ["anna_a@example.org"]
    assert "Personuppgifter i texten" in email.body
    assert post.title in email.subject
    assert "https://" in email.body or "http://" in email.body
    assert post.get_absolute_url() in email.body


def test_the_office_shows_a_hidden_post_again(sw: SpacesWorld) -> None:
    post = _post(sw)
    services.hide_post(post=post, by=sw.world.office, reason="Fel rum")
    url = reverse("spaces:post_unhide", args=[post.pk])
    for intruder in (sw.world.contact_a, sw.world.contact_b):
        assert client_for(intruder).post(url).status_code in {403, 404}
    post.refresh_from_db()
    assert post.is_hidden

    office = client_for(sw.world.office)
    assert f'action="{url}"' in office.get(post.get_absolute_url()).content.decode()
    assert office.post(url).status_code == 302
    shown = Post.objects.get(pk=post.pk)
    assert not shown.is_hidden
    assert shown.hidden_reason == ""
    assert client_for(sw.world.contact_b).get(post.get_absolute_url()).status_code == 200
    entry = AuditEntry.objects.filter(object_id=str(post.pk)).order_by("-pk").first()
    assert entry is not None
    assert entry.changes["hidden_reason"] == ["Fel rum", ""]
