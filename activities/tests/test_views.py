"""Pages per role: what each sees, what each may change, and what bad input does (nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activities.models import (
    PURPOSE_MAX,
    Activity,
    Meeting,
    MeetingAttendance,
    Milestone,
    StatusUpdate,
)
from activities.tests.factories import MeetingFactory, MilestoneFactory, activity_with_team
from roadmap.models import Challenge
from tests.fixtures import client_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def three(world):
    """Three activities of mixed kinds: A's ongoing initiative, B's investigation (shared), and
    B's consultancy with an overdue milestone."""
    a = activity_with_team(world.org_a, title="Alfas initiativ", kind=Activity.Kind.INITIATIVE)
    a.challenges.set([Challenge.objects.get(number=1)])
    b = activity_with_team(
        world.org_b, title="Betas utredning", kind=Activity.Kind.INVESTIGATION, is_shared=True
    )
    c = activity_with_team(
        world.org_b,
        world.org_a,
        lead=world.org_b,
        title="Betas uppdrag",
        kind=Activity.Kind.CONSULTANCY,
    )
    MilestoneFactory(activity=c, due_date=TODAY() - dt.timedelta(days=2))
    c.challenges.set(Challenge.objects.filter(number__in=[2, 3]))
    return a, b, c


def snapshot():
    return (
        list(Activity.objects.order_by("pk").values()),
        list(Milestone.objects.order_by("pk").values()),
        list(StatusUpdate.objects.order_by("pk").values()),
    )


# --- who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("office", {"Alfas initiativ", "Betas utredning", "Betas uppdrag"}),
        ("strategic", {"Alfas initiativ", "Betas utredning", "Betas uppdrag"}),
        ("contact_a", {"Alfas initiativ", "Betas utredning", "Betas uppdrag"}),
        ("contact_b", {"Betas utredning", "Betas uppdrag"}),
    ],
)
def test_activity_list_shows_each_role_its_activities(world, three, role, expected):
    response = client_for(getattr(world, role)).get(reverse("activities:activity_list"))
    assert response.status_code == 200
    assert {a.title for a in response.context["activities"]} == expected


def test_a_partner_contact_cannot_open_another_partners_unshared_activity(world, three):
    a, _b, _c = three
    response = client_for(world.contact_b).get(a.get_absolute_url())
    assert response.status_code == 404


def test_the_anonymous_visitor_is_sent_to_the_login_page(world, three):
    response = client_for(None).get(reverse("activities:activity_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_activity_list_runs_a_constant_number_of_queries(
    world, three, django_assert_max_num_queries
):
    client = client_for(world.contact_a)
    url = reverse("activities:activity_list")
    client.get(url)  # warm-up: session, caches
    # 1 session; 2 user; 3 the user's organisations (policy); 4 count for the paginator;
    # 5 the page of activities with lead, team size and milestone facts (subqueries);
    # 6 their challenges; 7–9 the filter form's focus areas, challenges and organisations.
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200
    for i in range(4):
        extra = activity_with_team(world.org_a, world.org_b, kind=Activity.Kind.JOINT_COMMUNICATION)
        MilestoneFactory(activity=extra)
        extra.challenges.set([Challenge.objects.get(number=5 + i)])
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200
    # A signal filter adds one: the facts of the followed-up candidates, for the rule in Python.
    with django_assert_max_num_queries(10):
        assert client.get(url, {"signal": "on_track"}).status_code == 200


def test_the_dashboard_is_for_office_and_strategic_group(world, three):
    url = reverse("activities:dashboard")
    assert client_for(world.office).get(url).status_code == 200
    response = client_for(world.strategic).get(url)
    assert response.status_code == 200
    assert response.context["data"].total == 3
    assert "Betas uppdrag" in response.content.decode()  # at risk: in "needs attention"
    assert client_for(world.contact_a).get(url).status_code == 403


def test_the_dashboard_is_read_only_for_the_strategic_group(world, three):
    html = client_for(world.strategic).get(reverse("activities:dashboard")).content.decode()
    assert reverse("activities:activity_create") not in html
    assert '<form method="post"' not in html.split("<main", 1)[1]


def test_the_dashboard_runs_a_constant_number_of_queries(
    world, three, django_assert_max_num_queries
):
    client = client_for(world.strategic)
    url = reverse("activities:dashboard") + "?kind=consultancy"
    client.get(url)
    # 1 session; 2 user; 3–7 the dashboard selector (see test_selectors: open activities with
    # their facts, counts by kind and lifecycle, focus areas, uncovered challenges, meetings);
    # 8–10 the filter choices (focus areas, challenges, organisations); 11 the user's
    # organisations (navigation).
    with django_assert_max_num_queries(11):
        assert client.get(url).status_code == 200
    for _ in range(3):
        activity_with_team(world.org_a, kind=Activity.Kind.CONSULTANCY)
    with django_assert_max_num_queries(11):
        response = client.get(url)
    assert response.context["data"].total == 4


def test_dashboard_filters_by_organisation(world, three):
    url = reverse("activities:dashboard") + f"?organisation={world.org_a.pk}"
    data = client_for(world.office).get(url).context["data"]
    assert data.total == 2


# --- status and milestones: working-group members, not others ------------------------------------


def test_a_working_group_member_updates_the_status(world, three):
    a, _b, _c = three
    response = client_for(world.contact_a2).post(
        reverse("activities:activity_status", args=[a.pk]),
        {"lifecycle": "completed", "comment": "Klart och utvärderat."},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.lifecycle == "completed"
    log = StatusUpdate.objects.get(activity=a)
    assert (log.by, log.comment) == (world.contact_a2, "Klart och utvärderat.")


@pytest.mark.parametrize("role", ["strategic", "contact_b"])
def test_others_may_not_update_status_and_nothing_changes(world, three, role):
    a, b, _c = three
    target = b if role == "strategic" else a  # contact_b cannot even see A's card
    before = snapshot()
    response = client_for(getattr(world, role)).post(
        reverse("activities:activity_status", args=[target.pk]),
        {"lifecycle": "cancelled", "comment": "Nej"},
    )
    assert response.status_code in (403, 404)
    assert snapshot() == before


def test_a_reader_of_a_shared_activity_may_not_update_it(world, three):
    _a, b, _c = three
    before = snapshot()
    response = client_for(world.contact_a).post(
        reverse("activities:activity_status", args=[b.pk]), {"lifecycle": "cancelled"}
    )
    assert response.status_code == 403
    assert snapshot() == before
    page = client_for(world.contact_a).get(b.get_absolute_url())
    assert page.status_code == 200
    assert not page.context["can_update_status"]


def test_a_member_adds_a_milestone_and_a_date_outside_the_timeline_keeps_the_input(world, three):
    a, _b, _c = three
    client = client_for(world.contact_a)
    url = reverse("activities:milestone_create", args=[a.pk])
    response = client.post(
        url, {"title": "Efter slutet", "due_date": (a.end_date + dt.timedelta(days=3)).isoformat()}
    )
    assert response.status_code == 200
    assert "inom aktivitetens tidplan" in response.content.decode()
    assert 'value="Efter slutet"' in response.content.decode()
    assert Milestone.objects.filter(activity=a).count() == 0
    response = client.post(url, {"title": "Pilot", "due_date": a.start_date.isoformat()})
    assert response.status_code == 302
    assert Milestone.objects.get(activity=a).title == "Pilot"


def test_a_member_marks_a_milestone_done(world, three):
    a, _b, _c = three
    milestone = MilestoneFactory(activity=a, due_date=TODAY())
    response = client_for(world.contact_a).post(
        reverse("activities:milestone_update", args=[milestone.pk]),
        {"title": milestone.title, "due_date": TODAY().isoformat(), "done_on": TODAY().isoformat()},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == TODAY()


def test_the_strategic_group_cannot_delete_a_milestone(world, three):
    _a, _b, c = three
    milestone = c.milestones.get()
    response = client_for(world.strategic).post(
        reverse("activities:milestone_delete", args=[milestone.pk])
    )
    assert response.status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


# --- creating and editing the card (office) -----------------------------------------------------


def form_data(world, **overrides):
    data = {
        "title": "Solceller på taken",
        "kind": "initiative",
        "purpose": "Mer förnybar el.",
        "goal": "1 MW installerat.",
        "start_date": TODAY().isoformat(),
        "end_date": (TODAY() + dt.timedelta(days=200)).isoformat(),
        "lifecycle": "planned",
        "challenges": [Challenge.objects.get(number=12).pk],
        "organisations": [world.org_a.pk, world.org_b.pk],
        "lead_organisation": world.org_a.pk,
        "links": "https://example.org/sol",
    }
    data.update(overrides)
    return data


def test_the_office_creates_an_activity(world):
    response = client_for(world.office).post(
        reverse("activities:activity_create"), form_data(world)
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == activity.get_absolute_url()
    assert activity.participations.get(is_lead=True).organisation == world.org_a
    assert activity.link_list == ["https://example.org/sol"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"end_date": (TODAY() - dt.timedelta(days=1)).isoformat()},
            "Slutdatum kan inte vara före startdatum.",
        ),
        ({"organisations": [], "lead_organisation": None}, None),  # allowed: team comes later
        (
            {"organisations": [], "lead_organisation": "org_b"},
            "Den ledande organisationen måste ingå i arbetsgruppen.",
        ),
        ({"purpose": "x" * (PURPOSE_MAX + 1)}, f"som mest {PURPOSE_MAX} tecken"),
        ({"links": "inte en länk"}, "ingen giltig webbadress"),
        ({"challenges": []}, "Koppla aktiviteten till minst en klimatutmaning"),
    ],
)
def test_bad_input_on_the_activity_form_keeps_what_was_typed(world, overrides, message):
    if overrides.get("lead_organisation") == "org_b":
        overrides = {**overrides, "lead_organisation": world.org_b.pk}
    if overrides.get("lead_organisation", "") is None:
        overrides = {**overrides, "lead_organisation": ""}
    response = client_for(world.office).post(
        reverse("activities:activity_create"),
        form_data(world, title="Mitt skrivna namn", **overrides),
    )
    if message is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Mitt skrivna namn"' in html
    assert Activity.objects.count() == 0


def test_partner_contacts_and_the_strategic_group_cannot_create_activities(world):
    for user in (world.contact_a, world.strategic):
        response = client_for(user).post(reverse("activities:activity_create"), form_data(world))
        assert response.status_code == 403
    assert Activity.objects.count() == 0


def test_an_edit_from_a_stale_form_is_refused_with_a_message(world, three):
    a, _b, _c = three
    client = client_for(world.office)
    url = reverse("activities:activity_update", args=[a.pk])
    stale = a.version
    Activity.objects.filter(pk=a.pk).update(version=stale + 1, title="Ändrad av någon annan")
    response = client.post(url, form_data(world, title="Min version", version=stale))
    assert response.status_code == 200
    assert "Någon annan har sparat ändringar" in response.content.decode()
    assert Activity.objects.get(pk=a.pk).title == "Ändrad av någon annan"


def test_an_override_without_a_reason_is_refused_and_keeps_the_choice(world, three):
    a, _b, _c = three
    url = reverse("activities:activity_signal", args=[a.pk])
    response = client_for(world.office).post(url, {"signal": "late", "reason": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skriv en motivering" in html
    assert '<option value="late" selected>' in html
    a.refresh_from_db()
    assert a.signal_override == ""


def test_the_office_overrides_the_signal_with_a_reason(world, three):
    a, _b, _c = three
    url = reverse("activities:activity_signal", args=[a.pk])
    client_for(world.office).post(
        url, {"signal": "late", "reason": "Leverantören har gått i konkurs."}
    )
    page = client_for(world.strategic).get(a.get_absolute_url())
    assert "Leverantören har gått i konkurs." in page.content.decode()
    assert page.context["activity"].signal == "late"


def test_a_working_group_member_may_not_override_the_signal(world, three):
    a, _b, _c = three
    response = client_for(world.contact_a).post(
        reverse("activities:activity_signal", args=[a.pk]),
        {"signal": "on_track", "reason": "Vi tycker det"},
    )
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.signal_override == ""


# --- meetings ------------------------------------------------------------------------------------


def meeting_data(**overrides):
    start = timezone.localtime() + dt.timedelta(days=3)
    data = {
        "kind": "site_visit",
        "title": "Växthuslunch",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Sävargården",
        "status": "planned",
    }
    data.update(overrides)
    return data


def test_the_office_creates_a_meeting_and_records_attendance(world):
    client = client_for(world.office)
    response = client.post(
        reverse("activities:meeting_create"), meeting_data(invited_organisations=[world.org_a.pk])
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    response = client.post(
        reverse("activities:meeting_attendance", args=[meeting.pk]),
        {"organisations": [world.org_a.pk], "contacts": [world.contact_a.contact_person.pk]},
    )
    assert response.status_code == 302
    assert list(MeetingAttendance.objects.values_list("organisation_id", "contact_id")) == [
        (world.org_a.pk, world.contact_a.contact_person.pk)
    ]


def test_a_meeting_ending_before_it_starts_keeps_the_input(world):
    start = timezone.localtime() + dt.timedelta(days=3)
    response = client_for(world.office).post(
        reverse("activities:meeting_create"),
        meeting_data(ends_at=(start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 200
    assert "Träffen kan inte sluta innan den börjar." in response.content.decode()
    assert 'value="Växthuslunch"' in response.content.decode()
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize("role", ["strategic", "contact_a"])
def test_only_the_office_manages_meetings(world, role):
    meeting = MeetingFactory(kind=Meeting.Kind.PARTNERSHIP_DAY)
    client = client_for(getattr(world, role))
    assert client.post(reverse("activities:meeting_create"), meeting_data()).status_code == 403
    response = client.post(
        reverse("activities:meeting_attendance", args=[meeting.pk]),
        {"organisations": [world.org_a.pk]},
    )
    assert response.status_code == 403
    assert Meeting.objects.count() == 1
    assert MeetingAttendance.objects.count() == 0


def test_meeting_list_per_role(world):
    MeetingFactory(kind=Meeting.Kind.CLIMATE_SUMMIT, title="Klimattoppmöte")
    MeetingFactory(kind=Meeting.Kind.STRATEGIC_GROUP, title="Strategimöte")

    def titles(user):
        return {
            m.title
            for m in client_for(user).get(reverse("activities:meeting_list")).context["meetings"]
        }

    assert titles(world.contact_a) == {"Klimattoppmöte"}
    assert titles(world.strategic) == {"Klimattoppmöte", "Strategimöte"}


def test_the_meeting_list_runs_a_constant_number_of_queries(world, django_assert_num_queries):
    client = client_for(world.contact_a)
    url = reverse("activities:meeting_list")
    MeetingFactory(kind=Meeting.Kind.CLIMATE_SUMMIT, organiser=world.org_a)
    client.get(url)
    # 1 session; 2 user; 3 the user's organisations; 4 count; 5 the page with organisers and
    # attendance counts.
    with django_assert_num_queries(5):
        client.get(url)
    for kind in (Meeting.Kind.PARTNERSHIP_DAY, Meeting.Kind.SEMINAR, Meeting.Kind.INTRO):
        m = MeetingFactory(kind=kind, organiser=world.org_b)
        m.invited_organisations.set([world.org_a])
    with django_assert_num_queries(5):
        assert len(client.get(url).context["meetings"]) == 4


def test_the_dashboard_timeline_has_a_bar_and_a_table_row_per_activity(world, three):
    html = client_for(world.office).get(reverse("activities:dashboard")).content.decode()
    gantt = html.split('data-testid="gantt"', 1)[1].split("</svg>", 1)[0]
    table = html.split('data-testid="timeline-table"', 1)[1].split("</table>", 1)[0]
    assert gantt.count("<rect") == 3
    for title in ("Alfas initiativ", "Betas utredning", "Betas uppdrag"):
        assert title in gantt
        assert title in table


def test_members_upload_attachments_and_only_readers_download_them(world, three):
    a, _b, _c = three
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.7\nplan", content_type="application/pdf")
    response = client_for(world.contact_a).post(
        reverse("activities:attachment_create", args=[a.pk]), {"title": "Plan", "file": upload}
    )
    assert response.status_code == 302
    attachment = a.attachments.get()
    url = reverse("activities:attachment_download", args=[attachment.pk])
    download = client_for(world.strategic).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.7")
    assert client_for(world.contact_b).get(url).status_code == 404


def test_a_forbidden_file_type_is_refused_on_the_form(world, three):
    a, _b, _c = three
    upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client_for(world.office).post(
        reverse("activities:attachment_create", args=[a.pk]), {"title": "Program", "file": upload}
    )
    assert response.status_code == 200
    assert "Filtypen är inte tillåten" in response.content.decode()
    assert 'value="Program"' in response.content.decode()
    assert a.attachments.count() == 0


def test_needs_attention_shows_the_first_rows_and_links_to_the_rest(world):
    for i in range(12):
        activity_with_team(
            world.org_a,
            title=f"Sen {i:02d}",
            start_date=TODAY() - dt.timedelta(days=100),
            end_date=TODAY() - dt.timedelta(days=1 + i),
        )
    html = client_for(world.office).get(reverse("activities:dashboard")).content.decode()
    late = html.split('data-testid="attention-late"', 1)[1].split("</section>", 1)[0]
    assert "(12)" in late
    assert late.count("<li>") == 10
    assert f'href="{reverse("activities:activity_list")}?signal=late"' in late
