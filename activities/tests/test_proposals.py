"""Partners propose activity cards (issue 18, point 5), thought through as an attacker would: a
partner proposes only for its own organisation, never approves, and cannot change the card as a
proposal once the office has approved it; both sides are told by mail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Activity
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db


def _form(organisation, **overrides) -> dict[str, object]:
    today = timezone.localdate()
    data = {
        "organisation": organisation.pk,
        "title": "Cykelpendling året runt",
        "kind": Activity.Kind.INITIATIVE,
        "purpose": "Fler cyklar till jobbet även på vintern.",
        "goal": "Hundra nya vintercyklister.",
        "start_date": (today + dt.timedelta(days=10)).isoformat(),
        "end_date": (today + dt.timedelta(days=200)).isoformat(),
        "learning_and_sharing": "on",
    }
    data.update(overrides)
    return data


def _propose(world, django_capture_on_commit_callbacks, **overrides) -> Activity:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.contact_a).post(
            reverse("activities:proposal_create"), _form(world.org_a, **overrides)
        )
    assert response.status_code == 302, response.context["form"].errors
    return Activity.objects.get(title=overrides.get("title", "Cykelpendling året runt"))


def test_a_partner_proposes_a_card_for_its_organisation_and_the_office_is_told(
    world, django_capture_on_commit_callbacks
):
    # The "shared" and "lifecycle" a partner might add to the POST are the office's to set.
    activity = _propose(
        world, django_capture_on_commit_callbacks, is_shared="on", lifecycle="ongoing"
    )
    assert activity.proposal_status == Activity.Proposal.PROPOSED
    assert activity.proposer_organisation == world.org_a
    assert activity.lead_organisation == world.org_a
    assert activity.lifecycle == Activity.Lifecycle.IDEA
    assert activity.is_shared is False
    assert activity.created_by == world.contact_a
    (notice,) = mail.outbox
    assert notice.to == [world.office.email]
    assert notice.subject == "Alfa Energi AB föreslår en aktivitet: Cykelpendling året runt"
    assert f"http://127.0.0.1:8000/activities/{activity.pk}/proposal/review/" in notice.body
    # Another organisation's contacts do not see it; its own do.
    assert client_for(world.contact_b).get(activity.get_absolute_url()).status_code == 404
    assert client_for(world.contact_a2).get(activity.get_absolute_url()).status_code == 200


def test_a_partner_cannot_propose_for_another_organisation(world):
    client = client_for(world.contact_a)
    response = client.post(reverse("activities:proposal_create"), _form(world.org_b))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Activity.objects.filter(title="Cykelpendling året runt").exists()
    # Nor through the service directly.
    with pytest.raises(ValidationError):
        services.propose_activity(
            by=world.contact_a,
            organisation=world.org_b,
            title="X",
            kind=Activity.Kind.INITIATIVE,
            purpose="p",
            goal="g",
            start_date=timezone.localdate(),
            end_date=timezone.localdate(),
            learning_and_sharing=True,
        )


def test_a_partner_cannot_approve_its_own_proposal(world, django_capture_on_commit_callbacks):
    activity = _propose(world, django_capture_on_commit_callbacks)
    url = reverse("activities:proposal_review", kwargs={"pk": activity.pk})
    response = client_for(world.contact_a).post(url, {"decision": "approve"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.review_proposal(activity=activity, by=world.contact_a, approve=True)
    activity.refresh_from_db()
    assert activity.proposal_status == Activity.Proposal.PROPOSED


def test_returned_with_a_comment_the_partner_changes_it_and_sends_it_again(
    world, django_capture_on_commit_callbacks
):
    activity = _propose(world, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    office = client_for(world.office)
    url = reverse("activities:proposal_review", kwargs={"pk": activity.pk})
    # Returning needs a comment.
    response = office.post(url, {"decision": "return", "comment": "  "})
    assert response.status_code == 200
    assert "comment" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        office.post(url, {"decision": "return", "comment": "Lägg till ett delmål för vintern."})
    activity.refresh_from_db()
    assert activity.proposal_status == Activity.Proposal.RETURNED
    (returned,) = mail.outbox
    assert returned.to == [world.contact_a.email]
    assert "Lägg till ett delmål för vintern." in returned.body
    assert f"/activities/{activity.pk}/proposal/edit/" in returned.body
    mail.outbox.clear()

    edit = reverse("activities:proposal_update", kwargs={"pk": activity.pk})
    page = client_for(world.contact_a).get(edit)
    assert "Lägg till ett delmål för vintern." in page.content.decode()
    data = _form(world.org_a, title="Cykelpendling hela vintern", version=activity.version)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.contact_a).post(edit, data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Cykelpendling hela vintern"
    assert activity.proposal_status == Activity.Proposal.PROPOSED
    (again,) = mail.outbox
    assert again.subject == "Alfa Energi AB har ändrat sitt förslag: Cykelpendling hela vintern"


def test_after_approval_the_partner_can_no_longer_edit_it_as_a_proposal(
    world, django_capture_on_commit_callbacks
):
    activity = _propose(world, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.office).post(
            reverse("activities:proposal_review", kwargs={"pk": activity.pk}),
            {"decision": "approve", "comment": ""},
        )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.proposal_status == Activity.Proposal.APPROVED
    (approved,) = mail.outbox
    assert approved.subject == "Ert förslag är godkänt: Cykelpendling året runt"
    partner = client_for(world.contact_a)
    edit = reverse("activities:proposal_update", kwargs={"pk": activity.pk})
    assert partner.get(edit).status_code == 403
    response = partner.post(edit, _form(world.org_a, title="Ändrad", version=activity.version))
    assert response.status_code == 403
    assert partner.get(reverse("activities:activity_update", args=[activity.pk])).status_code == 403
    # What working-group members may always do still works: a status update.
    response = partner.post(
        reverse("activities:activity_status", args=[activity.pk]), {"lifecycle": "planned"}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Cykelpendling året runt"
    assert activity.lifecycle == Activity.Lifecycle.PLANNED


def test_another_organisations_contact_cannot_edit_or_see_a_proposal(
    world, django_capture_on_commit_callbacks
):
    activity = _propose(world, django_capture_on_commit_callbacks)
    edit = reverse("activities:proposal_update", kwargs={"pk": activity.pk})
    response = client_for(world.contact_b).post(edit, _form(world.org_b, title="Kapad"))
    assert response.status_code == 404
    activity.refresh_from_db()
    assert activity.title == "Cykelpendling året runt"


def test_the_office_sees_open_proposals_in_a_list(world, django_capture_on_commit_callbacks):
    activity = _propose(world, django_capture_on_commit_callbacks)
    page = client_for(world.office).get(reverse("activities:proposal_list"))
    assert list(page.context["proposals"]) == [activity]
    assert client_for(world.contact_a).get(reverse("activities:proposal_list")).status_code == 403
