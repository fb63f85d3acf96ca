from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from activities.models import Activity, Participation
from audit.models import AuditEntry
from outbox.models import OutgoingEmail
from spaces import selectors, services
from spaces.models import Attachment, LibraryUse, Post, Space, Subscription
from spaces.tests.conftest import SpacesWorld
from spaces.tests.factories import CommentFactory, PostFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _post(sw: SpacesWorld, **kwargs: object) -> Post:
    defaults: dict[str, object] = {
        "space": sw.space,
        "by": sw.world.contact_a,
        "kind": Post.Kind.QUESTION,
        "title": "Hur gör ni med resepolicyn?",
        "body": "Vi vill **minska** flygresorna.",
    }
    defaults.update(kwargs)
    return services.create_post(**defaults)


def test_ensure_spaces_creates_one_per_challenge_and_working_group_once(sw: SpacesWorld) -> None:
    activity = Activity.objects.create(
        title="Gemensam cykelkampanj",
        kind=Activity.Kind.INITIATIVE,
        purpose="p",
        goal="g",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    Activity.objects.create(
        title="Utan arbetsgrupp",
        kind=Activity.Kind.INITIATIVE,
        purpose="p",
        goal="g",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    Participation.objects.create(activity=activity, organisation=sw.world.org_a, is_lead=True)

    assert services.ensure_spaces() == 1  # the 21 challenge spaces exist already (fixture)
    assert services.ensure_spaces() == 0
    assert Space.objects.filter(kind=Space.Kind.CHALLENGE).count() == 21
    assert Space.objects.get(activity=activity).kind == Space.Kind.WORKING_GROUP
    assert not Space.objects.filter(activity__title="Utan arbetsgrupp").exists()


def test_member_posts_and_text_is_rendered_safely(sw: SpacesWorld) -> None:
    post = _post(sw, body="Se [policyn](https://example.org/policy) och *svara* gärna.")
    assert post.organisation == sw.world.org_a
    assert '<a href="https://example.org/policy" rel="nofollow noopener noreferrer">' in (
        post.body_html
    )
    assert "<em>svara</em>" in post.body_html


def test_non_member_cannot_post_and_nothing_is_stored(sw: SpacesWorld) -> None:
    with pytest.raises(PermissionDenied):
        _post(sw, by=sw.contact_c)
    with pytest.raises(PermissionDenied):
        _post(sw, by=sw.contact_d)  # a draft commitment does not make a member
    with pytest.raises(PermissionDenied):
        _post(sw, by=sw.world.strategic)
    assert Post.objects.count() == 0


def test_only_web_links_are_stored(sw: SpacesWorld) -> None:
    with pytest.raises(ValidationError):
        _post(sw, link="javascript:alert(1)")
    assert Post.objects.count() == 0
    assert _post(sw, link="https://example.org/policy").link == "https://example.org/policy"


def test_office_posts_in_every_space_without_an_organisation(sw: SpacesWorld) -> None:
    post = _post(sw, by=sw.world.office, space=sw.other_space)
    assert post.organisation is None


def test_script_in_markdown_is_refused_and_nothing_stored(sw: SpacesWorld) -> None:
    for body in [
        "Hej <script>alert(1)</script>",
        "[klicka](javascript:alert(1))",
        '<a href="https://x.se" onclick="steal()">x</a>',
    ]:
        with pytest.raises(ValidationError) as caught:
            _post(sw, body=body)
        assert "skript" in caught.value.messages[0]
    assert Post.objects.count() == 0


def test_a_checked_file_is_stored_privately_under_a_server_made_name(sw: SpacesWorld) -> None:
    upload = SimpleUploadedFile("Vår policy.pdf", PDF, content_type="text/html")
    post = _post(sw, upload=upload)
    attachment = post.attachments.get()
    assert attachment.original_name == "Vår policy.pdf"
    assert attachment.content_type == "application/pdf"  # ours, not the browser's
    assert attachment.file.name.startswith(f"spaces/{sw.space.pk}/")
    assert "policy" not in attachment.file.name
    # The private storage, outside MEDIA_ROOT: no URL maps to it.
    assert str(attachment.file.storage.location) == str(settings.PRIVATE_MEDIA_ROOT)
    with attachment.file.open("rb") as handle:
        assert handle.read() == PDF


def test_a_disguised_file_is_refused_and_nothing_stored(sw: SpacesWorld) -> None:
    upload = SimpleUploadedFile("policy.pdf", b"<html><script>x</script></html>")
    with pytest.raises(ValidationError):
        _post(sw, upload=upload)
    assert Post.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_members_choosing_every_post_get_a_mail_with_an_unsubscribe_link(
    sw: SpacesWorld, django_capture_on_commit_callbacks
) -> None:
    services.set_subscription(space=sw.space, user=sw.world.contact_b, mode="each_post")
    services.set_subscription(space=sw.space, user=sw.world.contact_a2, mode="weekly")
    services.set_subscription(space=sw.space, user=sw.world.contact_a, mode="each_post")
    with django_capture_on_commit_callbacks(execute=True):
        _post(sw)
    emails = list(OutgoingEmail.objects.all())
    assert [e.to for e in emails] == [["cecilia_b@example.org"]]  # not the author, not weekly
    assert "/spaces/unsubscribe/" in emails[0].body
    assert "Hur gör ni med resepolicyn?" in emails[0].subject
    assert len(mail.outbox) == 1


def test_subscription_needs_membership(sw: SpacesWorld) -> None:
    with pytest.raises(PermissionDenied):
        services.set_subscription(space=sw.space, user=sw.contact_c, mode="weekly")
    assert not Subscription.objects.exists()


def test_question_is_marked_answered_by_its_author_or_the_office_only(sw: SpacesWorld) -> None:
    post = _post(sw)
    answer = CommentFactory.create(
        post=post, author=sw.world.contact_b, organisation=sw.world.org_b
    )
    with pytest.raises(PermissionDenied):
        services.mark_answered(post=post, by=sw.world.contact_b)
    post.refresh_from_db()
    assert post.answered_at is None

    services.mark_answered(post=post, by=sw.world.contact_a, answer=answer)
    post.refresh_from_db()
    assert post.is_answered
    assert post.answer == answer
    assert post.answered_by == sw.world.contact_a
    first = post.answered_at
    services.mark_answered(post=post, by=sw.world.office)  # twice: no change
    post.refresh_from_db()
    assert post.answered_at == first

    tip = _post(sw, kind=Post.Kind.TIP, title="Tips")
    with pytest.raises(ValidationError):
        services.mark_answered(post=tip, by=sw.world.office)


def test_comment_by_member_and_refused_for_non_member(sw: SpacesWorld) -> None:
    post = _post(sw)
    comment = services.add_comment(post=post, by=sw.world.contact_b, body="Vi tar **tåget**.")
    assert comment.organisation == sw.world.org_b
    assert "<strong>tåget</strong>" in comment.body_html
    with pytest.raises(PermissionDenied):
        services.add_comment(post=post, by=sw.contact_c, body="Hej")
    assert post.comments.count() == 1


def test_office_hides_a_post_with_reason_who_and_when(sw: SpacesWorld) -> None:
    post = _post(sw)
    with pytest.raises(PermissionDenied):
        services.hide_post(post=post, by=sw.world.contact_b, reason="nej")
    with pytest.raises(ValidationError):
        services.hide_post(post=post, by=sw.world.office, reason="  ")
    assert Post.objects.get(pk=post.pk).hidden_at is None

    services.hide_post(post=post, by=sw.world.office, reason="Personuppgifter i texten")
    post = Post.objects.get(pk=post.pk)
    assert post.hidden_reason == "Personuppgifter i texten"
    assert post.hidden_by == sw.world.office
    assert post.hidden_at is not None
    entry = AuditEntry.objects.get(object_id=str(post.pk), content_type__model="post")
    assert entry.actor == sw.world.office
    assert entry.changes["hidden_reason"] == ["", "Personuppgifter i texten"]


def test_unsubscribe_token_turns_mail_off_and_a_tampered_one_changes_nothing(
    sw: SpacesWorld,
) -> None:
    user = sw.world.contact_b
    services.set_subscription(space=sw.space, user=user, mode="each_post")
    token = services.make_unsubscribe_token(user_id=user.pk, space_id=sw.space.pk)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(ValidationError):
        services.unsubscribe(token=tampered)
    # Another user's link (for every space) turns off only that user's mail.
    services.set_subscription(space=sw.space, user=sw.world.contact_a, mode="weekly")
    other_user = services.make_unsubscribe_token(user_id=sw.world.contact_a.pk, space_id=0)
    assert services.unsubscribe(token=other_user) == 1
    assert Subscription.objects.get(user=sw.world.contact_a).mode == "none"
    assert Subscription.objects.get(user=user).mode == "each_post"

    assert services.unsubscribe(token=token) == 1
    assert Subscription.objects.get(user=user).mode == "none"


def _week_posts(sw: SpacesWorld, when: dt.datetime) -> None:
    post = PostFactory(space=sw.space, organisation=sw.world.org_a, title="Veckans fråga")
    hidden = PostFactory(space=sw.space, title="Dolt", hidden_at=when)
    Post.objects.filter(pk__in=[post.pk, hidden.pk]).update(created_at=when)


def test_weekly_digest_is_built_for_weekly_members_and_never_sent_twice(
    sw: SpacesWorld, django_capture_on_commit_callbacks
) -> None:
    now = timezone.make_aware(dt.datetime(2026, 11, 23, 7, 0))  # a Monday
    _week_posts(sw, now - dt.timedelta(days=3))
    services.set_subscription(space=sw.space, user=sw.world.contact_b, mode="weekly")
    services.set_subscription(space=sw.space, user=sw.world.contact_a, mode="each_post")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_weekly_digests(now=now) == 1
        assert services.send_weekly_digests(now=now + dt.timedelta(hours=5)) == 0
    email = OutgoingEmail.objects.get()
    assert email.to == ["cecilia_b@example.org"]
    assert email.dedupe_key == f"spaces-digest:{sw.world.contact_b.pk}:2026-W47"
    assert "Veckans fråga" in email.body
    assert "Dolt" not in email.body
    assert email.body.count("/spaces/unsubscribe/") == 2  # this space, and every space
    assert len(mail.outbox) == 1


def test_weekly_digest_skips_users_who_are_no_longer_members(sw: SpacesWorld) -> None:
    now = timezone.make_aware(dt.datetime(2026, 11, 23, 7, 0))
    _week_posts(sw, now - dt.timedelta(days=2))
    Subscription.objects.create(space=sw.space, user=sw.contact_c, mode="weekly")
    assert services.send_weekly_digests(now=now) == 0
    assert not OutgoingEmail.objects.exists()


def test_library_use_is_recorded_once_and_not_for_ones_own_item(sw: SpacesWorld) -> None:
    post = _post(sw, is_reusable=True, kind=Post.Kind.OFFER, title="Resepolicy att låna")
    with pytest.raises(ValidationError):
        services.record_library_use(post=post, organisation=sw.world.org_a, by=sw.world.contact_a)
    with pytest.raises(PermissionDenied):
        services.record_library_use(post=post, organisation=sw.org_c, by=sw.world.contact_b)
    services.record_library_use(post=post, organisation=sw.org_c, by=sw.contact_c)
    services.record_library_use(post=post, organisation=sw.org_c, by=sw.contact_c)
    assert LibraryUse.objects.filter(post=post, organisation=sw.org_c).count() == 1


def test_export_contains_posts_comments_and_files(sw: SpacesWorld) -> None:
    import io
    import json
    import zipfile

    post = _post(sw, upload=SimpleUploadedFile("plan.pdf", PDF))
    services.add_comment(post=post, by=sw.world.contact_b, body="Bra!")
    services.hide_post(post=post, by=sw.world.office, reason="Test")
    with pytest.raises(PermissionDenied):
        services.export_space(space=sw.space, by=sw.world.contact_a)
    archive = zipfile.ZipFile(io.BytesIO(services.export_space(space=sw.space, by=sw.world.office)))
    data = json.loads(archive.read("content.json"))
    exported = data["posts"][0]
    assert exported["title"] == post.title
    assert exported["hidden_reason"] == "Test"
    assert exported["comments"][0]["body"] == "Bra!"
    assert archive.read(exported["files"][0]["path"]) == PDF


def test_a_hidden_post_takes_no_comments_and_leaves_the_library(sw: SpacesWorld) -> None:
    post = _post(sw, is_reusable=True, kind=Post.Kind.TIP, title="Tips för biblioteket")
    services.hide_post(post=post, by=sw.world.office, reason="Upphovsrätt")
    with pytest.raises(ValidationError):
        services.add_comment(post=post, by=sw.world.contact_b, body="Hej")
    assert post.comments.count() == 0
    assert not selectors.list_library(visible_to=sw.contact_c).filter(pk=post.pk).exists()
