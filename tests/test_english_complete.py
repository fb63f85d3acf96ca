"""English is complete, data included (issue 17, point 4): the main pages of every demo role,
rendered in English, show no Swedish except what people typed (names, titles, texts).

What people typed is every value of a free-text field of the apps' models, except the fields
that have an English sibling (``name_sv`` beside ``name_en``, ``text_sv`` beside ``text_en``):
those must show their English. Sectors and units are checked too: they come from reference data
with English names. Swedish is recognised by å, ä, ö and by common Swedish words."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.test import Client

from tests.fixtures import client_for

pytestmark = pytest.mark.django_db

USER_APPS = ("accounts", "partners", "activities", "surveys", "reporting", "spaces", "audit")
# Free-text fields that are not typed by people but come with an English name elsewhere.
CHECKED_FIELDS = {("partners", "organisation", "sector")}
# Names, not language: the partnership, the city and the region.
PROPER_NOUNS = ("Umeå klimatfärdplan", "Umeå", "Västerbotten", "Klimatfärdplan")
SWEDISH_WORDS = re.compile(
    r"\b(och|att|för|inte|eller|från|till|med|som|saknas|alla|visa|spara|ändra|sök|ny|nytt|"
    r"utkast|inskickad|godkänd|klimatutmaning\w*|utsläpp|enkät\w*|år|organisationer|"
    r"fråga|frågor|svar|avsiktsförklaring\w*|åtagande\w*|aktivitet\w*|möte\w*)\b",
    re.IGNORECASE,
)
SWEDISH_LETTERS = re.compile("[åäöÅÄÖ]")


class _Text(HTMLParser):
    """The text a reader meets: text nodes and the labels of attributes (not scripts, styles or
    the hidden language switch's own language names)."""

    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def _typed_values() -> list[str]:
    """Every value people typed into a free-text field, longest first."""
    values: set[str] = set()
    for app in USER_APPS:
        for model in apps.get_app_config(app).get_models():
            names = {f.name for f in model._meta.get_fields()}
            fields = [
                f.name
                for f in model._meta.get_fields()
                if isinstance(f, models.CharField | models.TextField)
                and not f.choices
                and (app, model._meta.model_name, f.name) not in CHECKED_FIELDS
                and not (f.name.endswith("_sv") and f"{f.name[:-3]}_en" in names)
            ]
            if not fields:
                continue
            for row in model.objects.values_list(*fields):
                for value in row:
                    for line in str(value or "").splitlines():
                        # Markdown bodies reach the page as text nodes of their lines.
                        text = " ".join(re.sub(r"[*_#>\[\]()`-]", " ", line).split())
                        if len(text) >= 3:
                            values.add(text)
                    if value and len(str(value)) >= 2:
                        values.add(" ".join(str(value).split()))
    return sorted(values, key=len, reverse=True)


def _swedish(text: str, typed: list[str], typed_blob: str) -> str:
    """What is left of ``text`` that reads as Swedish once typed values are taken out."""
    if text in typed_blob or (text.endswith("…") and text[:-1] in typed_blob):
        return ""  # typed text, whole or cut short
    if not (SWEDISH_LETTERS.search(text) or SWEDISH_WORDS.search(text)):
        return ""
    for value in typed:
        if value in text:
            text = text.replace(value, " ")
    for noun in PROPER_NOUNS:
        text = text.replace(noun, " ")
    text = text.strip(" .,:;·–-()/")
    if SWEDISH_LETTERS.search(text) or SWEDISH_WORDS.search(text):
        return text
    return ""


def _pages(role: str) -> list[str]:
    from activities.models import Activity, Meeting
    from partners.models import Organisation
    from spaces.models import Post, Space
    from surveys.models import Question, Response, SurveyRound

    energy = Organisation.objects.get(name="Umeå Energi AB")
    university = Organisation.objects.get(name="Umeå universitet")
    latest = SurveyRound.objects.order_by("-year").first()
    baseline = SurveyRound.objects.order_by("year").first()
    assert latest is not None
    assert baseline is not None
    activity = Activity.objects.filter(milestones__isnull=False).order_by("pk").first()
    assert activity is not None
    meeting = Meeting.objects.order_by("pk").first()
    assert meeting is not None
    space = Space.objects.filter(posts__isnull=False).order_by("pk").first()
    assert space is not None
    post = Post.objects.order_by("pk").first()
    assert post is not None
    own = Response.objects.get(round=latest, organisation=energy).get_absolute_url()
    common = ["/", "/spaces/", "/roadmap/"]
    shared = [
        *common,
        f"/spaces/{space.pk}/",
        f"/spaces/posts/{post.pk}/",
        f"/partners/{energy.pk}/",
        own,
        # Every section of the questionnaire: choices, scope 3 statuses, Likert labels.
        *(f"{own}?section={section}" for section in Question.Section.values),
        Response.objects.get(round=baseline, organisation=energy).get_absolute_url(),
        f"/activities/{activity.pk}/",
        "/activities/",
        "/activities/meetings/",
    ]
    partner = [*shared, "/surveys/"]
    office = [
        *shared,
        "/partners/",
        f"/partners/{university.pk}/",
        "/partners/matrix/",
        "/partners/groupings/",
        "/partners/groupings/9/",
        "/activities/dashboard/",
        f"/activities/meetings/{meeting.pk}/",
        "/surveys/rounds/",
        f"/surveys/rounds/{latest.pk}/",
        f"/surveys/rounds/{baseline.pk}/",
        Response.objects.get(round=latest, organisation=university).get_absolute_url(),
        "/surveys/followup/",
        "/reports/",
        "/reports/2025/",
    ]
    strategic = [*common, "/activities/", "/activities/dashboard/", "/surveys/followup/"]
    return {"anna": partner, "kansliet": office, "strategi": strategic}[role]


def test_english_pages_show_no_swedish_but_what_people_typed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from accounts.models import User

    call_command("load_demo_data")
    capsys.readouterr()
    typed = _typed_values()
    typed_blob = "\n".join(typed)
    found: dict[str, list[str]] = {}
    for username in ("kansliet", "strategi", "anna"):
        client: Client = client_for(User.objects.get(username=username))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for url in _pages(username):
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            assert response.headers["Content-Language"] == "en", url
            parser = _Text()
            parser.feed(response.content.decode())
            swedish = [s for s in (_swedish(p, typed, typed_blob) for p in parser.parts) if s]
            if swedish:
                found[f"{username} {url}"] = sorted(set(swedish))[:15]
    assert not found, "Swedish in English pages:\n" + "\n".join(
        f"{page}: {texts}" for page, texts in found.items()
    )


def test_the_check_finds_swedish_that_nobody_typed() -> None:
    """The check itself: Swedish UI text is found; a typed Swedish name is not."""
    typed = ["Björkbackens Fastigheter AB"]
    blob = "\n".join(typed)
    assert _swedish("Spara utkast", typed, blob)
    assert _swedish("Instämmer helt", typed, blob)
    assert not _swedish("Björkbackens Fastigheter AB", typed, blob)
    assert not _swedish("Saved by Björkbackens Fastigheter AB", typed, blob)
    assert not _swedish("Umeå klimatfärdplan", typed, blob)
    assert not _swedish("Save draft", typed, blob)
