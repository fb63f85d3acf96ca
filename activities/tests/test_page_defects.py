"""Issue 17, point 2: the dashboard timeline's years, the status log's author and the printed
card's use of the page."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageOps
from pypdf import PdfReader

from activities.demo import create_demo
from activities.models import Activity, Milestone, StatusUpdate
from activities.tests.factories import activity_with_team
from partners.tests.factories import OrganisationFactory
from roadmap.models import Challenge
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db


# --- the dashboard's timeline ----------------------------------------------------------------


def test_the_dashboard_timeline_labels_each_year_above_the_bars(world: World) -> None:
    today = timezone.localdate()
    activity_with_team(
        world.org_a,
        title="Över årsskiftet",
        lifecycle=Activity.Lifecycle.ONGOING,
        start_date=dt.date(today.year, 3, 1),
        end_date=dt.date(today.year + 2, 6, 30),
    )
    html = client_for(world.office).get(reverse("activities:dashboard")).content.decode()
    gantt = html.split('data-testid="gantt"', 1)[1].split("</svg>", 1)[0]
    labels = re.findall(r'<text [^>]*class="kf-gantt-year-label"[^>]*>(\d{4})</text>', gantt)
    assert labels == [str(today.year), str(today.year + 1), str(today.year + 2)]
    # The labels sit in a strip above the first bar, so no bar hides them.
    (bar_y,) = (int(y) for y in re.findall(r'<rect [^>]*y="(\d+)"', gantt))
    label_ys = {int(y) for y in re.findall(r'<text [^>]*y="(\d+)"', gantt)}
    assert max(label_ys) < bar_y
    # Numbers in SVG attributes never take the language's decimal comma.
    assert not re.search(r'x="\d+,\d+%"', gantt)


def test_a_year_line_close_to_the_next_one_does_not_overlap_its_label(world: World) -> None:
    today = timezone.localdate()
    activity_with_team(
        world.org_a,
        title="Start i december",
        start_date=dt.date(today.year - 1, 12, 28),
        end_date=dt.date(today.year + 1, 1, 31),
    )
    html = client_for(world.office).get(reverse("activities:dashboard")).content.decode()
    gantt = html.split('data-testid="gantt"', 1)[1].split("</svg>", 1)[0]
    labels = re.findall(r'class="kf-gantt-year-label">(\d{4})<', gantt)
    # Four days of the old year are too narrow for "2025": the new years are labelled.
    assert labels == [str(today.year), str(today.year + 1)]


# --- the status log's author -----------------------------------------------------------------


def _log(html: str) -> str:
    section = html.split('data-testid="status-log"', 1)[1].split("</ol>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", section))


def test_the_status_log_names_the_person_who_wrote_each_update(world: World) -> None:
    activity = activity_with_team(world.org_a, title="Loggad")
    response = client_for(world.contact_a).post(
        reverse("activities:activity_status", args=[activity.pk]),
        {"lifecycle": Activity.Lifecycle.ONGOING, "comment": "Vi har kommit igång."},
    )
    assert response.status_code == 302
    log = _log(client_for(world.office).get(activity.get_absolute_url()).content.decode())
    assert world.contact_a.get_full_name() in log
    assert "okänd" not in log


def test_the_demo_status_updates_name_a_person(world: World) -> None:
    organisations = [world.org_a, world.org_b, *OrganisationFactory.create_batch(4)]
    create_demo(random.Random(3), organisations)
    updates = StatusUpdate.objects.all()
    assert updates.exists()
    assert not updates.filter(by__isnull=True).exists()
    activity = updates[0].activity
    log = _log(client_for(world.office).get(activity.get_absolute_url()).content.decode())
    assert "okänd" not in log


# --- the printed card ------------------------------------------------------------------------

# "Skifta till hållbar lastbilsflotta samt energieffektivisera lastbilstransporter"
LONG_CHALLENGE = 5


def _rendered_card(world: World, tmp_path: Path) -> tuple[str, Image.Image]:
    start = timezone.localdate() - dt.timedelta(days=60)
    activity = activity_with_team(
        world.org_a,
        world.org_b,
        title="Samåkning till jobbet",
        purpose="Att fler anställda samåker eller cyklar till jobbet.",
        goal="Tio procent färre bilresor till arbetsplatserna på ett år.",
        start_date=start,
        end_date=start + dt.timedelta(days=365),
    )
    activity.challenges.set(Challenge.objects.filter(number__in=[1, LONG_CHALLENGE]))
    for months in (2, 6):
        Milestone.objects.create(
            activity=activity,
            title=f"Uppföljning efter {months} månader",
            due_date=start + dt.timedelta(days=30 * months),
        )
    response = client_for(world.office).get(
        reverse("activities:activity_card_pdf", args=[activity.pk])
    )
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    source = tmp_path / "card.pdf"
    source.write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-singlefile", str(source), str(tmp_path / "card")],
        check=True,
        timeout=60,
    )
    return text, Image.open(tmp_path / "card.png").convert("L")


def test_the_printed_card_uses_the_whole_page_and_wraps_challenge_names(
    world: World, tmp_path: Path
) -> None:
    text, page = _rendered_card(world, tmp_path)
    long_name = Challenge.objects.get(number=LONG_CHALLENGE).name
    # The whole name, wrapped over lines if need be, never cut with "…".
    assert long_name in text
    assert "…" not in text
    # The card covers the page: its ink spans at least 85 % of the page's width and height
    # inside the margins (the page number in the bottom margin is left out of the measure).
    width, height = page.size
    margin_bottom = round(height * 20 / 297)  # the bottom margin, 20 mm of 297
    ink = ImageOps.invert(page.crop((0, 0, width, height - margin_bottom)))
    bbox = ink.point(lambda v: 255 if v > 40 else 0).getbbox()
    assert bbox is not None
    left, top, right, bottom = bbox
    usable_height = height - margin_bottom - top
    assert (right - left) / width >= 0.85 * 184 / 210
    assert (bottom - top) / usable_height >= 0.85
