"""Load scenario (issue 19, point 5): the survey deadline's last hour at ten times the real size.

Pacing (the arithmetic is in docs/benchmarks.md, written by load/check.py): 550 partner contacts
fill in their survey during the last hour, each in a session of about ten minutes, typing a figure
every 15–25 s (the form autosaves 0.8 s after a change: one save per figure). By Little's law
that is 550 × 10 / 60 ≈ 92 contacts at work at any moment, together saving 92 / 20 s ≈ 4.6 times a
second. So ``KF_LOAD_PARTNERS`` (92) Locust users each play one contact at a time with that wait;
when a contact's session ends, the user signs out and takes the next contact (each has its own
login), as new contacts arrive during the hour. The first session of each user starts at a random
point of its ten minutes, as in the middle of the hour.

* Partners open their form, autosave (the JSON request the form's JavaScript sends, with the
  version they were given back) and now and then reopen the form.
* Office staff (3) browse partners, open an organisation, the survey round, and edit one.
* The strategic group (5) watches the dashboard and the follow-up page.

Every partner remembers the last value the server acknowledged for each figure; load/check.py
compares each with the database afterwards (no lost saves).
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
from itertools import count
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped]
from locust import HttpUser, between, events, task

USERS = json.loads(Path(os.environ["KF_LOAD_USERS"]).read_text())
ACKED = Path(os.environ["KF_LOAD_ACKED"])
# (username, field) -> last acknowledged value
_acked: dict[str, dict[str, str]] = {}
_lock = threading.Lock()
_contacts = count()
_office_ids = count()
_strategic_ids = count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SESSION_SAVES = 30  # ten minutes at one save every 20 s
# All users log in first; statistics restart once the last one is in, so the percentiles describe
# the working period, not the ramp of simultaneous first logins.
EXPECTED = int(os.environ.get("KF_LOAD_USERS_N", "100"))
_logged_in = count(1)
_all_in = threading.Event()


def _totp(key_hex: str) -> str:
    from binascii import unhexlify

    from django_otp.oath import totp

    return f"{totp(unhexlify(key_hex), step=30, t0=0, digits=6, drift=0):06d}"


class _Login(HttpUser):
    abstract = True

    def login(self, username: str, totp_key: str | None = None) -> None:
        self.client.cookies.clear()
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
        """Call at the end of on_start: wait for everyone, then start measuring.

        Once all are in, each user's first step comes after a random part of its usual wait,
        as for someone met in the middle of the hour. Released together, the 100 users' first
        requests arrived in the same few milliseconds, a queue of about 25 per gunicorn worker
        that no hour of real contacts produces (`KF_LOAD_SYNCHRONISED_START=1` keeps that
        burst, as the earlier runs in docs/benchmarks.md had it)."""
        if next(_logged_in) >= EXPECTED:
            self.environment.stats.reset_all()
            _all_in.set()
        while not _all_in.is_set():
            gevent.sleep(0.2)
        if os.environ.get("KF_LOAD_SYNCHRONISED_START") != "1":
            gevent.sleep(random.uniform(0, self.wait_time()))  # noqa: S311  (pacing)

    def csrf(self) -> str:
        return str(self.client.cookies.get("csrftoken", ""))


class Partner(_Login):
    weight = 92
    wait_time = between(15, 25)

    def on_start(self) -> None:
        self.rng = random.Random()  # noqa: S311  (pacing, not secrets)
        # The first session is met at a random point of its ten minutes.
        self.next_contact(saves_left=self.rng.randint(1, SESSION_SAVES))
        self.ready()

    def next_contact(self, saves_left: int = SESSION_SAVES) -> None:
        partners = USERS["partners"]
        self.me = partners[next(_contacts) % len(partners)]
        self.saves_left = saves_left
        self.login(self.me["username"])
        self.url = f"{self.me['form_url']}?section={self.me['section']}"
        self.versions = self._versions()
        self.value = 1000

    def _versions(self) -> dict[str, str]:
        page = self.client.get(self.url, name="survey form")
        versions = {}
        for field in self.me["fields"]:
            found = re.search(rf'name="{re.escape(field)}__version" value="(\d+)"', page.text)
            versions[field] = found.group(1) if found else "0"
        return versions

    @task(6)
    def autosave(self) -> None:
        if self.saves_left <= 0:
            self.client.post(
                "/accounts/logout/",
                {"csrfmiddlewaretoken": self.csrf()},
                headers={"X-CSRFToken": self.csrf()},
                name="logout",
            )
            self.next_contact()
            return
        self.saves_left -= 1
        self.value += 1
        field = self.rng.choice(self.me["fields"])
        with self.client.post(
            self.me["form_url"],
            {
                "section": self.me["section"],
                field: str(self.value),
                f"{field}__present": "1",
                f"{field}__version": self.versions[field],
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
            self.versions[field] = str(data["versions"].get(field, self.versions[field]))
            with _lock:
                _acked.setdefault(self.me["username"], {})[field] = str(self.value)

    @task(1)
    def reopen_form(self) -> None:
        self.versions = self._versions()


class Office(_Login):
    weight = 3
    fixed_count = 3
    wait_time = between(3, 8)

    def on_start(self) -> None:
        me = USERS["office"][next(_office_ids) % len(USERS["office"])]
        self.login(me["username"], me["key"])
        self.rng = random.Random()  # noqa: S311  (pacing, not secrets)
        self.ready()

    def _pk(self) -> int:
        return int(self.rng.choice(USERS["organisation_ids"]))

    @task(3)
    def browse(self) -> None:
        self.client.get("/partners/", name="partner list")
        self.client.get(f"/partners/{self._pk()}/", name="organisation page")

    @task(1)
    def survey_round(self) -> None:
        self.client.get(f"/surveys/rounds/{USERS['round']}/", name="survey round (office)")

    @task(1)
    def edit(self) -> None:
        pk = self._pk()
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
    fixed_count = 5
    wait_time = between(5, 10)

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
