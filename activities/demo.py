"""Demo activities and meetings for ``manage.py load_demo_data``: ~20 activity cards in varied
states (on track, at risk, late, stale, without a lead), milestones, working groups, and ~15
meetings of many kinds with attendance (an intro meeting among them). Idempotent: a second run
adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.utils import timezone

from accounts.models import User
from activities.models import (
    Activity,
    ActivityPerson,
    Lifecycle,
    Meeting,
    MeetingAttendance,
    Milestone,
    Participation,
    StatusUpdate,
)
from partners.models import Organisation
from roadmap.models import Challenge, Cluster, Goal

MARKER = "(demo)"

# title, kind, lifecycle, start offset (days from today), length (days), challenge numbers,
# learning & sharing, shared with all partners, has a lead, state of milestones
DEMO_ACTIVITIES: list[tuple[str, str, str, int, int, list[int], bool, bool, bool, str]] = [
    ("Cykelpendling hela året", "initiative", "ongoing", -200, 400, [1], False, True, True, "good"),
    (
        "Gemensam resepolicy för partner",
        "investigation",
        "ongoing",
        -120,
        240,
        [3],
        False,
        True,
        True,
        "overdue",
    ),
    (
        "Fossilfri godstransport i centrum",
        "external_project",
        "ongoing",
        -300,
        600,
        [4, 5],
        False,
        False,
        True,
        "behind",
    ),
    (
        "Klimatsmarta material i nybyggen",
        "investigation",
        "planned",
        30,
        300,
        [6],
        False,
        True,
        True,
        "good",
    ),
    (
        "Lågenergihus: studiecirkel",
        "meeting_event",
        "ongoing",
        -60,
        120,
        [7],
        True,
        True,
        True,
        "good",
    ),
    (
        "Elektrifierade arbetsmaskiner, pilot",
        "external_project",
        "ongoing",
        -400,
        380,
        [8],
        False,
        False,
        True,
        "late",
    ),
    (
        "Energieffektivisering i flerbostadshus",
        "initiative",
        "ongoing",
        -90,
        500,
        [9],
        False,
        False,
        True,
        "good",
    ),
    (
        "Samnyttjande av lokaler",
        "consultancy",
        "planned",
        -20,
        200,
        [10],
        False,
        False,
        True,
        "none",
    ),
    (
        "Solceller på partnernas tak",
        "initiative",
        "idea",
        60,
        365,
        [12],
        False,
        True,
        False,
        "none",
    ),
    (
        "Resursbank för byggmaterial",
        "initiative",
        "ongoing",
        -150,
        330,
        [13],
        False,
        True,
        True,
        "overdue_long",
    ),
    (
        "Mindre engångsplast på evenemang",
        "joint_communication",
        "completed",
        -400,
        200,
        [14],
        False,
        True,
        True,
        "done",
    ),
    (
        "Delningstjänst för elcyklar",
        "initiative",
        "ongoing",
        -30,
        300,
        [15],
        False,
        False,
        False,
        "good",
    ),
    (
        "Fossilfria placeringar: kunskapsdag",
        "meeting_event",
        "planned",
        45,
        1,
        [16],
        True,
        True,
        True,
        "none",
    ),
    (
        "Klimatsmart mat i skolor",
        "initiative",
        "ongoing",
        -250,
        500,
        [17],
        False,
        True,
        True,
        "good",
    ),
    ("Matsvinnsveckan", "joint_communication", "ongoing", -10, 40, [18], False, True, True, "good"),
    (
        "Debattartikel om klimatbudget",
        "joint_communication",
        "cancelled",
        -200,
        60,
        [21],
        True,
        True,
        True,
        "none",
    ),
    (
        "Ekosystemtjänster i stadsplaneringen",
        "investigation",
        "ongoing",
        -500,
        700,
        [20],
        False,
        False,
        True,
        "stale",
    ),
    (
        "Utbildning för partnernas chefer",
        "meeting_event",
        "ongoing",
        -40,
        200,
        [21],
        True,
        True,
        True,
        "good",
    ),
    (
        "Hållbart byggande och förvaltande: nätverk",
        "initiative",
        "ongoing",
        -100,
        600,
        [],
        False,
        True,
        True,
        "good",
    ),
    (
        "Gödselförsök med lokala lantbrukare",
        "external_project",
        "planned",
        10,
        540,
        [19],
        False,
        False,
        True,
        "none",
    ),
]

DEMO_MEETINGS: list[tuple[str, str, int, str]] = [
    # title, kind, day offset from today, status
    ("Strategisk grupp: inför partnerskapsdagen", "strategic_group", -75, "held"),
    ("Partnerskapsdag våren", "partnership_day", -60, "held"),
    ("Strategisk grupp: efter partnerskapsdagen", "strategic_group", -45, "held"),
    ("Klimattoppmöte", "climate_summit", 20, "planned"),
    ("Partnerskapsdag hösten", "partnership_day", 20, "planned"),
    ("Gruppering utmaning 9: energieffektivisering", "grouping", -30, "held"),
    ("Gruppering utmaning 1: hållbart resande", "grouping", 14, "planned"),
    ("Arbetsgruppsmöte: resursbank", "working_group", -12, "held"),
    ("Intromöte för nya partner", "intro", -25, "held"),
    ("Studiebesök: växthuslunch", "site_visit", -8, "held"),
    ("Speed-dating mellan partner", "speed_dating", 35, "planned"),
    ("Seminarium: klimatbudget för nybörjare", "seminar", -100, "held"),
    ("Fördjupningsseminarium: cirkulärt byggande", "seminar", 50, "planned"),
    ("Träff med hotellnätverket", "other_network", -5, "held"),
    ("Arbetsgruppsmöte: cykelpendling", "working_group", 7, "cancelled"),
]


def _milestones(
    activity: Activity, state: str, today: dt.date, rng: random.Random
) -> list[Milestone]:
    start, end = activity.start_date, activity.end_date
    span = (end - start).days
    dates = [start + dt.timedelta(days=span * k // 5) for k in (1, 2, 3, 4)]
    titles = ["Kartläggning klar", "Plan beslutad", "Pilot genomförd", "Utvärdering klar"]
    rows = []
    for due, title in zip(dates, titles, strict=True):
        done: dt.date | None = None
        if due < today:
            done = due
        if state == "overdue" and due < today and due > today - dt.timedelta(days=30):
            done = None
        if state == "overdue_long" and due < today - dt.timedelta(days=31):
            done = None
        if state == "behind" and due < today:
            done = None if rng.random() < 0.5 else due
        if state == "done":
            done = min(due, today)
        rows.append(Milestone(activity=activity, title=title, due_date=due, done_on=done))
    if state == "overdue" and not any(r.done_on is None and r.due_date < today for r in rows):
        # Make sure one milestone is a little overdue.
        rows[-1].due_date = max(start, today - dt.timedelta(days=5))
        rows[-1].done_on = None
    return rows


def _create_meetings(
    rng: random.Random,
    orgs: list[Organisation],
    activities: list[Activity],
    challenges: dict[int, Challenge],
    now: dt.datetime,
) -> list[Meeting]:
    """The demo meetings, some held (with attendance), some planned."""
    meetings = []
    for title, kind, offset, status in DEMO_MEETINGS:
        starts = (now + dt.timedelta(days=offset)).replace(
            hour=13, minute=0, second=0, microsecond=0
        )
        meeting = Meeting.objects.create(
            title=f"{title} {MARKER}",
            kind=kind,
            status=status,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            place=rng.choice(["Väven, Umeå", "Stadshuset, Umeå", "Digitalt (Teams)"]),
            organiser=rng.choice(orgs) if kind in ("working_group", "site_visit") else None,
        )
        if kind not in ("partnership_day", "climate_summit"):
            meeting.invited_organisations.set(rng.sample(orgs, k=min(len(orgs), 6)))
        if kind == "working_group":
            meeting.activities.set([rng.choice(activities)])
        if kind == "grouping":
            meeting.challenges.set([challenges[9] if "9" in title else challenges[1]])
        if status == "held":
            attendees = rng.sample(orgs, k=min(len(orgs), rng.randint(3, 8)))
            MeetingAttendance.objects.bulk_create(
                [MeetingAttendance(meeting=meeting, organisation=o) for o in attendees]
            )
        meetings.append(meeting)
    return meetings


def create_demo(rng: random.Random, organisations: Sequence[Organisation]) -> str:
    if Activity.objects.filter(title__endswith=MARKER).exists():
        return ""
    today = timezone.localdate()
    now = timezone.now()
    challenges = {c.number: c for c in Challenge.objects.all()}
    goals = list(Goal.objects.all())
    building = Cluster.objects.first()
    orgs = list(organisations)
    office = User.objects.filter(is_office_staff=True, is_active=True).order_by("pk").first()
    activities: list[Activity] = []
    for (
        title,
        kind,
        lifecycle,
        offset,
        length,
        numbers,
        learning,
        shared,
        has_lead,
        state,
    ) in DEMO_ACTIVITIES:
        start = today + dt.timedelta(days=offset)
        activity = Activity.objects.create(
            title=f"{title} {MARKER}",
            kind=kind,
            lifecycle=lifecycle,
            purpose=f"Att tillsammans ta ett konkret steg inom {title.lower()}.",
            goal="Minst fem partner deltar och resultatet delas på en partnerskapsdag.",
            start_date=start,
            end_date=start + dt.timedelta(days=length),
            learning_and_sharing=learning or not numbers,
            is_shared=shared,
            indicators="Antal deltagande partner; delade erfarenheter",
            funding="Egen tid hos partner"
            if kind != "external_project"
            else "Extern projektbidrag",
        )
        activity.challenges.set([challenges[n] for n in numbers if n in challenges])
        if not numbers and building is not None:
            activity.clusters.set([building])
        activity.goals.set(rng.sample(goals, k=min(2, len(goals))))
        team = rng.sample(orgs, k=min(len(orgs), rng.randint(2, 4)))
        Participation.objects.bulk_create(
            [
                Participation(activity=activity, organisation=o, is_lead=has_lead and i == 0)
                for i, o in enumerate(team)
            ]
        )
        lead_contact = team[0].contacts.first()
        if lead_contact is not None:
            ActivityPerson.objects.create(
                activity=activity, contact=lead_contact, role="Sammankallande"
            )
        if state != "none":
            Milestone.objects.bulk_create(_milestones(activity, state, today, rng))
        if lifecycle in (Lifecycle.PLANNED, Lifecycle.ONGOING, Lifecycle.COMPLETED):
            at = now - dt.timedelta(days=90 if state == "stale" else rng.randint(3, 40))
            # Written by a person, as every real status update is (issue 17: the log showed
            # "okänd" for every demo row): the lead's contact if they can log in, else the office.
            author = lead_contact.user if lead_contact and lead_contact.user else office
            StatusUpdate.objects.create(
                activity=activity,
                by=author,
                at=at,
                lifecycle=lifecycle,
                comment="Arbetet går framåt.",
            )
            Activity.objects.filter(pk=activity.pk).update(last_status_update_at=at)
        if state == "stale":
            Activity.objects.filter(pk=activity.pk).update(created_at=now - dt.timedelta(days=400))
        activities.append(activity)

    meetings = _create_meetings(rng, orgs, activities, challenges, now)
    return f"{len(activities)} activities, {len(meetings)} meetings"
