"""Messages shared with the tests (HackSoft style) and the concurrent-edit error."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Message constants shared with the tests (HackSoft style).
MSG_TOO_FEW_CHALLENGES = (
    "En bekräftad åtagandeuppsättning behöver minst %(min)s klimatutmaningar; "
    "nu är %(count)s valda. Spara som utkast eller välj fler."
)
MSG_CONCURRENT_EDIT = (
    "Någon annan har ändrat uppgifterna sedan du öppnade sidan. "
    "Ladda om sidan och gör dina ändringar igen."
)
MSG_DUPLICATE_NUMBER = "Det finns redan en organisation med organisationsnumret %(number)s."
MSG_ALREADY_CONTACT = "%(email)s är redan kontaktperson för %(organisation)s."
MSG_PERIOD_CLOSED = "Perioden %(period)s är stängd för ändringar."


class ConcurrentEditError(ValidationError):
    """Raised when the row changed since the form was opened (optimistic locking)."""

    def __init__(self) -> None:
        super().__init__(_(MSG_CONCURRENT_EDIT), code="concurrent_edit")
