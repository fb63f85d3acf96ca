"""What the services of the activities app share: the messages their ValidationErrors carry,
the concurrent-edit error, the card's version and the staleness limit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import (
    Activity,
)

if TYPE_CHECKING:
    pass

# Messages shared with the tests (HackSoft's habit): the user sees exactly these.

CONCURRENT_EDIT = _(
    "Någon annan har sparat ändringar under tiden. Ladda om sidan och gör dina ändringar igen."
)
END_BEFORE_START = _("Slutdatum kan inte vara före startdatum.")
LEAD_NOT_IN_TEAM = _("Den ledande organisationen måste ingå i arbetsgruppen.")
MILESTONE_OUTSIDE = _("Delmålets datum måste ligga inom aktivitetens tidplan (%(start)s–%(end)s).")
MILESTONES_OUTSIDE = _(
    "Delmålen %(titles)s ligger utanför den nya tidplanen. Flytta dem först eller välj andra datum."
)
TOO_MANY_MILESTONES = _("En aktivitet kan ha högst %(max)d delmål (kortet ska rymmas på en sida).")
TOO_MANY_PARTICIPANTS = _("Högst %(max)d organisationer får plats i arbetsgruppen på kortet.")
TOO_MANY_PEOPLE = _("Högst %(max)d namngivna personer får plats på kortet.")
TOO_MANY_CHALLENGES = _("Högst %(max)d klimatutmaningar får plats på kortet.")
TOO_MANY_LINKS = _("Högst %(max)d länkar får plats på kortet.")
TOO_MANY_ATTACHMENTS = _("Högst %(max)d bilagor per aktivitet.")
NO_LINK_TO_ROADMAP = _(
    "Koppla aktiviteten till minst en klimatutmaning eller ett kluster, "
    "eller markera att den hör till lärande och erfarenhetsutbyte."
)
DONE_IN_FUTURE = _("Ett delmål kan inte vara klart ett datum som inte har kommit än.")
OVERRIDE_NEEDS_REASON = _("Skriv en motivering när du ändrar uppföljningssignalen manuellt.")
PERSON_NOT_IN_TEAM = _("Personen måste vara kontaktperson hos en organisation i arbetsgruppen.")
FILE_TOO_LARGE = _("Filen är för stor (högst %(mb)d MB).")
FILE_TYPE_NOT_ALLOWED = _("Filtypen är inte tillåten. Tillåtna: %(types)s.")
MEETING_END_BEFORE_START = _("Träffen kan inte sluta innan den börjar.")
NOT_YOUR_ORGANISATION = _("Du kan bara föreslå aktiviteter för din egen organisation.")
PROPOSAL_CLOSED = _("Förslaget är redan godkänt och kan inte längre ändras som förslag.")
RETURN_NEEDS_COMMENT = _("Skriv vad som ska ändras när du skickar tillbaka förslaget.")
PROPOSAL_APPROVED_LOG = _("Kansliet godkände förslaget.")
PROPOSAL_RETURNED_LOG = _("Kansliet skickade tillbaka förslaget:")
ANSWER_CLOSED = _("Du är inte längre inbjuden till träffen, eller så är den inställd.")
PERSON_WITHOUT_ORGANISATION = _("Personen hör inte till någon organisation just nu.")
ANSWER_SALT = "activities.meeting-answer"

ALLOWED_UPLOAD_SUFFIXES = (".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".png", ".jpg")
# The first bytes of each allowed type: the extension alone is not trusted (security.md, V5).
_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
}


class ConcurrentEditError(ValidationError):
    def __init__(self) -> None:
        super().__init__(CONCURRENT_EDIT, code="concurrent_edit")


def _bump_version(activity: Activity) -> None:
    """Any change that shows on the card invalidates open edit forms of it."""
    Activity.objects.filter(pk=activity.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    activity.version += 1


def stale_days() -> int:
    return int(getattr(settings, "ACTIVITY_STALE_DAYS", 60))
