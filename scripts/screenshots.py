"""Screenshots of the three home pages and the dashboard, at 1366 px and 390 px (issue 20.7).

    make screenshots                       # migrate, load the demo data, then this script
    .venv/bin/python scripts/screenshots.py [--base-url URL] [--language sv|en] [--axe]

Without ``--base-url`` the script serves the app itself (``manage.py runserver`` on a free port,
against the database the environment names, which must hold the demo data: ``make demo``), signs
in as the demo's partner contact (anna), office (kansliet, with the TOTP code the demo command
prints) and strategic group (strategi), and writes ``docs/screenshots/<page>-<width>.png``
(``<page>-<width>-en.png`` in English). ``--axe`` also runs the accessibility checks of the
browser tests (WCAG 2.1 A/AA, serious and critical findings) on every page and exits 1 on any.

Chromium is Debian's (/usr/bin/chromium), launched as the browser tests launch it.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PYTHON = ROOT / ".venv" / "bin" / "python"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WIDTHS = (1366, 390)
PASSWORDS = {
    "anna": "Demo-partner-2026",
    "kansliet": "Demo-kansliet-2026",
    "strategi": "Demo-strategi-2026",
}
# (file name, user, path)
PAGES = [
    ("home-partner", "anna", "/"),
    ("home-office", "kansliet", "/"),
    ("home-strategic", "strategi", "/"),
    ("dashboard", "strategi", "/activities/dashboard/"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _server(base_url: str | None) -> Iterator[str]:
    """The given server, or one started here for the run (stopped at the end)."""
    if base_url:
        yield base_url.rstrip("/")
        return
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
        [str(PYTHON), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(120):
            try:
                urllib.request.urlopen(f"{url}/accounts/login/", timeout=2)  # noqa: S310 (local)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("The development server did not start within a minute.")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def _otp_code(username: str) -> str:
    found = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [str(PYTHON), "manage.py", "demo_otp_code", username],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return found.stdout.strip().split()[-1]


def _sign_in(browser: Browser, base_url: str, username: str, language: str) -> Page:
    context = browser.new_context(locale="sv-SE" if language == "sv" else "en-GB")
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORDS[username])
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/2fa/" in page.url:  # office staff: the demo device's current code
        page.get_by_label("Engångskod").fill(_otp_code(username))
        page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(f"{base_url}/")
    if language != "sv":
        page.get_by_label("Språk").select_option(language)
        page.get_by_role("button", name="Byt språk").click()
        page.wait_for_load_state()
    return page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running server with the demo data")
    parser.add_argument("--language", choices=["sv", "en"], default="sv")
    parser.add_argument("--axe", action="store_true", help="check each page with axe-core")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (docs/screenshots)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # tests.browser.conftest (the axe check) for --axe
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klimatfardplan.settings")
    args.out.mkdir(parents=True, exist_ok=True)
    check: Callable[[Page], list[str]] | None = None
    if args.axe:  # the browser tests' check (WCAG 2.1 A/AA; serious and critical findings)
        import django

        django.setup()
        from tests.browser import conftest

        check = conftest.blocking_violations
    suffix = "" if args.language == "sv" else f"-{args.language}"
    problems: list[str] = []
    with _server(args.base_url) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages: dict[str, Page] = {}
        for name, username, path in PAGES:
            page = pages.get(username) or _sign_in(browser, base_url, username, args.language)
            pages[username] = page
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{base_url}{path}")
                page.wait_for_load_state("networkidle")
                target = args.out / f"{name}-{width}{suffix}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)  # noqa: T201 (a command-line tool)
                if check is not None:
                    problems += [f"{name} {width}: {v}" for v in check(page)]
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    problems.append(f"{name} {width}: the page scrolls sideways ({scroll} px)")
        browser.close()
    for problem in problems:
        print(problem, file=sys.stderr)  # noqa: T201
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
