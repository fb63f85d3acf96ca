"""Load scenario (issue 7, LOAD-1): the survey's last days.

* 55 partners fill in the survey at once: each opens its form and autosaves a figure every few
  seconds (the JSON autosave the form's JavaScript uses), with the version it was given back.
* Office staff (3) browse partners, open organisations and edit one (GET + POST the form).
* The strategic group (5) watches the dashboard and the follow-up page.

Every partner remembers the last value the server acknowledged; load/check.py compares those
with the database afterwards (no lost saves). Run with load/run.sh (``make load``).
"""

from __future__ import annotations

import json
import os
import re
import threading
from itertools import count
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped]
from locust import HttpUser, between, events, task

USERS = json.loads(Path(os.environ["KF_LOAD_USERS"]).read_text())
ACKED = Path(os.environ["KF_LOAD_ACKED"])
_acked: dict[str, str] = {}
_lock = threading.Lock()
_partner_ids = count()
_office_ids = count()
_strategic_ids = count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# All users log in first (Argon2 on purpose costs CPU); statistics restart once the last one is
# in, so the percentiles describe the working period, not the morning's logins.
EXPECTED = int(os.environ.get("KF_LOAD_USERS_N", "63"))
_logged_in = count(1)
_all_in = threading.Event()


def _totp(key_hex: str) -> str:
    from binascii import unhexlify

    from django_otp.oath import totp

    return f"{totp(unhexlify(key_hex), step=30, t0=0, digits=6, drift=0):06d}"


class _Login(HttpUser):
    abstract = True

    def login(self, username: str, totp_key: str | None = None) -> None:
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        response = self.client.post(
            "/accounts/login/",
            {"username": username, "password": USERS["password"], "csrfmiddlewaretoken": token},
            name="login",
        )
        if totp_key and "/security/2fa/" in response.url:
            token = CSRF.search(response.text).group(1)  # type: ignore[union-attr]
            self.client.post(
                response.url,
                {"token": _totp(totp_key), "csrfmiddlewaretoken": token},
                name="2fa verify",
            )

    def ready(self) -> None:
        """Call at the end of on_start: wait for everyone, then start measuring."""
        if next(_logged_in) >= EXPECTED:
            self.environment.stats.reset_all()
            _all_in.set()
        while not _all_in.is_set():
            gevent.sleep(0.2)

    def csrf(self) -> str:
        return str(self.client.cookies.get("csrftoken", ""))


class Partner(_Login):
    weight = 55
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.me = USERS["partners"][next(_partner_ids) % len(USERS["partners"])]
        self.login(self.me["username"])
        self.url = f"{self.me['form_url']}?section={self.me['section']}"
        self.version = self._version()
        self.value = 1000
        self.ready()

    def _version(self) -> str:
        page = self.client.get(self.url, name="survey form")
        found = re.search(
            rf'name="{re.escape(self.me["field"])}__version" value="(\d+)"', page.text
        )
        return found.group(1) if found else "0"

    @task(5)
    def autosave(self) -> None:
        self.value += 1
        field = self.me["field"]
        with self.client.post(
            self.me["form_url"],
            {
                "section": self.me["section"],
                field: str(self.value),
                f"{field}__present": "1",
                f"{field}__version": self.version,
            },
            headers={
                "Accept": "application/json",
                "X-CSRFToken": self.csrf(),
                "Referer": self.host,
            },
            name="survey autosave",
            catch_response=True,
        ) as response:
            try:
                data: dict[str, Any] = response.json()
            except ValueError:
                response.failure(f"not JSON: {response.status_code}")
                return
            if (
                response.status_code != 200
                or not data.get("ok")
                or field not in data.get("saved", [])
            ):
                response.failure(f"not saved: {response.status_code} {str(data)[:200]}")
                return
            self.version = str(data["versions"].get(field, self.version))
            with _lock:
                _acked[self.me["username"]] = str(self.value)

    @task(1)
    def reopen_form(self) -> None:
        self.version = self._version()


class Office(_Login):
    weight = 3
    wait_time = between(1, 3)

    def on_start(self) -> None:
        me = USERS["office"][next(_office_ids) % len(USERS["office"])]
        self.login(me["username"], me["key"])
        self.organisations = [o["pk"] for o in USERS["organisation_ids"]]
        self.ready()

    @task(3)
    def browse(self) -> None:
        self.client.get("/partners/", name="partner list")
        pk = self.organisations[hash(self) % len(self.organisations)]
        self.client.get(f"/partners/{pk}/", name="organisation page")

    @task(1)
    def survey_round(self) -> None:
        self.client.get(f"/surveys/rounds/{USERS['round'][0]['pk']}/", name="survey round (office)")

    @task(1)
    def edit(self) -> None:
        pk = self.organisations[(hash(self) + 1) % len(self.organisations)]
        page = self.client.get(f"/partners/{pk}/edit/", name="organisation form")
        fields = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', page.text))
        fields["city"] = "Umeå"
        with self.client.post(
            f"/partners/{pk}/edit/", fields, name="organisation save", catch_response=True
        ) as response:
            if response.status_code >= 500:
                response.failure(str(response.status_code))


class Strategic(_Login):
    weight = 5
    wait_time = between(2, 6)

    def on_start(self) -> None:
        me = USERS["strategic"][next(_strategic_ids) % len(USERS["strategic"])]
        self.login(me["username"])
        self.ready()

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/activities/dashboard/", name="dashboard")

    @task(1)
    def followup(self) -> None:
        self.client.get("/surveys/followup/", name="follow-up")


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def _write_acked(environment: Any, **kwargs: Any) -> None:
    ACKED.write_text(json.dumps(_acked, indent=2))
