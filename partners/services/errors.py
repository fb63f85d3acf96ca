"""Messages shared with the tests (HackSoft style) and the concurrent-edit error."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# Message constants shared with the tests (HackSoft style). Marked with gettext_noop so that
# makemessages finds them; they are translated where they are raised (``_(MSG_...)``).
MSG_TOO_FEW_CHALLENGES = gettext_noop(
    "En bekräftad åtagandeuppsättning behöver minst %(min)s klimatutmaningar; "
    "nu är %(count)s valda. Spara som utkast eller välj fler."
)
MSG_CONCURRENT_EDIT = gettext_noop(
    "Någon annan har ändrat uppgifterna sedan du öppnade sidan. "
    "Ladda om sidan och gör dina ändringar igen."
)
MSG_DUPLICATE_NUMBER = gettext_noop(
    "Det finns redan en organisation med organisationsnumret %(number)s."
)
MSG_ALREADY_CONTACT = gettext_noop("%(email)s är redan kontaktperson för %(organisation)s.")
MSG_PERIOD_CLOSED = gettext_noop("Perioden %(period)s är stängd för ändringar.")


class ConcurrentEditError(ValidationError):
    """Raised when the row changed since the form was opened (optimistic locking)."""

    def __init__(self) -> None:
        super().__init__(_(MSG_CONCURRENT_EDIT), code="concurrent_edit")
