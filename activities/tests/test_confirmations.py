"""Where work is lost, the app asks first (issue 18, point 6): deleting a milestone or an
attachment shows what will be lost and deletes only on the confirming POST."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from activities.models import Attachment, Milestone
from activities.tests.factories import MilestoneFactory, activity_with_team
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db


def test_deleting_a_milestone_asks_first(world):
    activity = activity_with_team(world.org_a)
    milestone = MilestoneFactory(activity=activity, title="Enkät till medlemmarna")
    client = client_for(world.contact_a)
    detail = client.get(activity.get_absolute_url()).content.decode()
    url = reverse("activities:milestone_delete", args=[milestone.pk])
    # The card's "Ta bort" is a link to the question, not a form that deletes at once.
    assert f'href="{url}"' in detail
    assert f'action="{url}"' not in detail
    page = client.get(url)
    assert page.status_code == 200
    assert "Ta bort delmålet ”Enkät till medlemmarna”?" in page.content.decode()
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    assert client.post(url).status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_deleting_an_attachment_asks_first_and_then_removes_it(world):
    activity = activity_with_team(world.org_a)
    attachment = Attachment(activity=activity, title="Budget 2027")
    attachment.file.save("budget.pdf", ContentFile(b"%PDF-1.4 budget\n"), save=False)
    attachment.save()
    client = client_for(world.contact_a)
    url = reverse("activities:attachment_delete", args=[attachment.pk])
    assert f'href="{url}"' in client.get(activity.get_absolute_url()).content.decode()
    page = client.get(url)
    assert "Ta bort bilagan ”Budget 2027”?" in page.content.decode()
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    # Another organisation's contact cannot delete it (it does not see the card).
    assert client_for(world.contact_b).post(url).status_code == 404
    assert client.post(url).status_code == 302
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
