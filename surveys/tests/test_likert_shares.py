"""The follow-up's Likert table per group: shares out of the organisations that answered, each
organisation counted once per group (survey-and-ghg.md §5: unit of analysis = organisation).

An organisation that adopted two challenges in one focus area sits once in that focus area; it
used to be listed once per challenge (Commitment's default ordering entered the SELECT DISTINCT),
so its answer counted twice while n counted it once: "156 % (n = 16)" on the demo data.
"""

from __future__ import annotations

import re

import pytest

from accounts.tests.factories import UserFactory
from partners.models import Commitment, CommitmentSet, Organisation
from roadmap.models import Challenge
from surveys import figures, selectors
from tests.fixtures import client_for
from tests.test_redteam_figures import load, org, response_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference(reference_data: None) -> None:
    """Only the scenario's organisations are partners."""


def _commit(organisation: Organisation, *challenges: Challenge) -> None:
    commitment_set = CommitmentSet.objects.create(
        organisation=organisation,
        period=selectors.current_period(),
        status=CommitmentSet.Status.CONFIRMED,
    )
    for challenge in challenges:
        Commitment.objects.create(commitment_set=commitment_set, challenge=challenge)


def _scenario() -> tuple[str, str]:
    """Focus area X (two challenges x1, x2), focus area Y (challenge y).
    A1, A2, A3 adopt x1 and x2 (and A1 also y); B1, B2, B3 adopt y.
    Statement answers, round 2023 (data 2022–2023): A1 4, A2 5, A3 2, B1 5, B2 1, B3 3;
    round 2024 (data 2024): A1 1, A2 4, A3 4, B1 5, B2 5, B3 "vet ej"."""
    x1 = Challenge.objects.order_by("focus_area_id", "number").first()
    assert x1 is not None
    x2 = Challenge.objects.filter(focus_area=x1.focus_area).exclude(pk=x1.pk).first()
    y = Challenge.objects.exclude(focus_area=x1.focus_area).first()
    assert x2 is not None
    assert y is not None
    a = [org(f"A{i} Fokus AB", sector="") for i in (1, 2, 3)]
    b = [org(f"B{i} Fokus AB", sector="") for i in (1, 2, 3)]
    for organisation in a:
        _commit(organisation, x1, x2, *([y] if organisation is a[0] else []))
    for organisation in b:
        _commit(organisation, y)
    everyone = [*a, *b]
    data = {2022: {"s1": 10}, 2023: {"s1": 10}}
    load(2023, [2022, 2023], *[response_rows(o, 2023, data, likert=c) for o, c in zip(everyone, "452513", strict=True)])  # fmt: skip
    answers = ["1", "4", "4", "5", "5", "dk"]
    load(2024, [2024], *[response_rows(o, 2024, {2024: {"s1": 9}}, likert=c) for o, c in zip(everyone, answers, strict=True)])  # fmt: skip
    return x1.focus_area.name_sv, y.focus_area.name_sv


def _cells(year: int) -> dict[str, dict[str, object]]:
    frame = figures.likert_by_group(year, "focus_area")
    return {str(r["group"]): r for r in frame[frame["key"] == "enabling_1"].to_dict("records")}


def test_an_organisation_counts_once_per_focus_area_however_many_challenges() -> None:
    """2024, by hand. X: A1 1, A2 4, A3 4 → n = 3, 1: 1/3, 4: 2/3, top-2-box 2/3, median 4.
    Y: A1 1, B1 5, B2 5 (B3 "vet ej" is left out) → n = 3, 1: 1/3, 5: 2/3, top-2-box 2/3,
    median 5. 2023: X: 4, 5, 2 → top-2-box 2/3 (n = 3); Y: A1 4, B1 5, B2 1, B3 3 → 2/4 (n = 4).
    Counting A1–A3 once per challenge would give X 4/3 = 133 % with n = 3."""
    x, y = _scenario()
    cells = _cells(2024)
    assert (cells[x]["n"], cells[y]["n"]) == (3, 3)
    assert cells[x]["top2"] == pytest.approx(2 / 3)
    assert cells[x]["pct_1"] == pytest.approx(1 / 3)
    assert cells[x]["pct_4"] == pytest.approx(2 / 3)
    assert cells[x]["median"] == 4
    assert cells[y]["top2"] == pytest.approx(2 / 3)
    assert cells[y]["pct_1"] == pytest.approx(1 / 3)
    assert cells[y]["pct_5"] == pytest.approx(2 / 3)
    assert cells[y]["median"] == 5
    earlier = _cells(2023)
    assert (earlier[x]["n"], earlier[x]["top2"]) == (3, pytest.approx(2 / 3))
    assert (earlier[y]["n"], earlier[y]["top2"]) == (4, pytest.approx(0.5))


def test_followup_page_shows_the_focus_area_shares_out_of_those_who_answered() -> None:
    """The office's follow-up page, 2024 and 2023, "Per fokusområde", statement 1: the shares
    and n computed by hand in the test above, and no share anywhere in the tables over 100 %."""
    x, y = _scenario()
    office = UserFactory(username="kansli_likert", is_office_staff=True)
    for year, expected in ((2024, {x: "67 % (n = 3)", y: "67 % (n = 3)"}),
                           (2023, {x: "67 % (n = 3)", y: "50 % (n = 4)"})):  # fmt: skip
        page = client_for(office).get(f"/surveys/followup/?year={year}").content.decode()
        table = re.search(r"<caption>Per fokusområde</caption>(.*?)</table>", page, re.S)
        assert table is not None
        groups = re.findall(r'<th scope="col">([^<]*)</th>', table.group(1))[1:]
        first = re.search(r"<tbody>\s*<tr>(.*?)</tr>", table.group(1), re.S)
        assert first is not None
        shown = dict(zip(groups, re.findall(r"<td>([^<]*)</td>", first.group(1)), strict=True))
        assert {g: " ".join(shown[g].split()) for g in (x, y)} == expected
        shares = re.findall(r"(\d+) % \(n = \d+\)", page)
        assert shares
        assert max(int(s) for s in shares) <= 100
