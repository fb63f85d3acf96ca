"""A mail backend for fault tests: announces a send, waits KF_MAIL_DELAY seconds (first try only), then records
the delivery as a file in KF_MAIL_DIR (so a test can count deliveries across processes)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        folder = Path(os.environ["KF_MAIL_DIR"])
        for message in email_messages:
            first_attempt = not list(folder.glob("started-*"))
            (folder / f"started-{os.getpid()}-{uuid.uuid4().hex}").write_text(message.subject)
            if first_attempt:  # only the first try is slow: the one the test kills
                time.sleep(float(os.environ.get("KF_MAIL_DELAY", "0")))
            (folder / f"delivered-{uuid.uuid4().hex}").write_text(message.subject)
        return len(email_messages)
