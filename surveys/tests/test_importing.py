"""Import of a round's long file (issue 16, point 8a): preview, every bad row named, all or
nothing, idempotent, CSV and XLSX round-trips of the export, the command and the office page."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from outbox.models import OutgoingEmail
from partners.tests.factories import OrganisationFactory
from surveys import exports, importing, services
from surveys.models import Answer, Question, Response, ResponseEvent, SurveyRound
from surveys.tests.helpers import fill_and_submit
from tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db

HEADER = ";".join(importing.COLUMNS)  # the long export's columns


@pytest.fixture
def survey_round(world: World) -> SurveyRound:
    """The 2024 survey: reporting year 2023, the default questionnaire."""
    return services.create_round(
        year=2024, opens_on=date(2024, 1, 15), closes_on=date(2099, 3, 31), by=world.office
    )


def _csv(*rows: str, bom: bool = True) -> bytes:
    """A `;` file as Excel writes it with Swedish settings (BOM, decimal comma)."""
    text = "\n".join([HEADER, *rows]) + "\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def _row(org: Any, field: str, *, value: str = "", choice: str = "", text: str = "") -> str:
    key = field.split("__")[0]
    year = field.split("__")[1] if "__" in field else "2023"
    return (
        f"{org.name};{org.organisation_number};;;{key};{field};{year};;;{value};{choice};{text};;"
    )


def _state() -> tuple[Any, ...]:
    """Everything an import could write: answers with versions, responses, events."""
    return (
        list(
            Answer.objects.order_by("pk").values_list(
                "response__organisation_id", "field_name", "raw", "value", "choice", "version"
            )
        ),
        list(Response.objects.order_by("pk").values_list("organisation_id", "state", "version")),
        ResponseEvent.objects.count(),
    )


def _value(org: Any, field: str) -> Decimal | None:
    return Answer.objects.get(response__organisation=org, field_name=field).value


# --- the service -----------------------------------------------------------------------------


def test_import_writes_answers_and_is_idempotent(world: World, survey_round: SurveyRound) -> None:
    content = _csv(
        _row(world.org_a, "scope1_total__2023", value="1 234,5"),
        _row(world.org_a, "scope2_market__2023", value="40"),
        _row(world.org_a, "consolidation_approach", choice="operational_control"),
        _row(world.org_b, "scope1_total__2023", value="250.125"),
        _row(world.org_b, "enabling_1", choice="4"),
    )
    plan = importing.plan_import(survey_round, content, approve=False)
    assert plan.ok
    assert plan.row_count == 5
    assert [len(o.new) for o in plan.organisations] == [3, 2]  # Alfa, Beta by name
    assert Answer.objects.count() == 0  # a plan writes nothing

    result = importing.import_long(survey_round, content, approve=False, by=world.office)
    assert result.applied
    assert result.count("new") == 5
    assert _value(world.org_a, "scope1_total__2023") == Decimal("1234.5")
    assert _value(world.org_b, "scope1_total__2023") == Decimal("250.125")
    assert Answer.objects.get(field_name="enabling_1").choice == "4"
    # Without --approve the responses are drafts the organisations can still edit and submit.
    assert set(Response.objects.values_list("state", flat=True)) == {Response.State.DRAFT}
    assert ResponseEvent.objects.filter(kind=ResponseEvent.Kind.SAVED).count() == 2

    before = _state()
    again = importing.import_long(survey_round, content, approve=False, by=world.office)
    assert again.applied
    assert again.count("new") == 0
    assert again.count("unchanged") == 5
    assert _state() == before  # no new versions, no events


def test_number_written_another_way_is_unchanged(world: World, survey_round: SurveyRound) -> None:
    importing.import_long(
        survey_round,
        _csv(_row(world.org_a, "scope1_total__2023", value="1234,5")),
        approve=False,
    )
    before = _state()
    result = importing.import_long(
        survey_round,
        _csv(_row(world.org_a, "scope1_total__2023", value="1234.500"), bom=False).replace(
            b";", b","
        ),
        approve=False,
    )
    assert result.applied
    assert result.count("unchanged") == 1
    assert _state() == before


def test_bad_rows_are_named_and_nothing_is_written(world: World, survey_round: SurveyRound) -> None:
    unknown = OrganisationFactory.build().organisation_number  # valid, but not in the database
    content = _csv(
        _row(world.org_a, "scope1_total__2023", value="100"),  # row 2: good
        _row(world.org_a, "scope1_total__2021", value="90"),  # 3: year not in the round
        _row(world.org_a, "scope1_totl__2023", value="100"),  # 4: no such question
        _row(world.org_a, "scope2_market__2023", value="-5"),  # 5: negative
        _row(world.org_a, "scope2_location__2023", value="mycket"),  # 6: not a number
        _row(world.org_a, "consolidation_approach", choice="by_feel"),  # 7: not a choice
        _row(world.org_a, "go_share_pct__2023", value="120"),  # 8: above the max (100 %)
        f"X;{unknown};;;scope1_total;scope1_total__2023;2023;;;5;;;;",  # 9: unknown org
        _row(world.org_a, "scope1_total__2023", value="100"),  # 10: the same field again
    )
    result = importing.import_long(survey_round, content, approve=True, by=world.office)
    assert not result.applied
    errors = {e.row: e.message for e in result.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "2021" in errors[3]
    assert "ingår inte i omgången" in errors[3]
    assert "okänd fråga 'scope1_totl'" in errors[4]
    assert "negativt" in errors[5]
    assert "Ange ett tal" in errors[6]
    assert "Välj ett av alternativen" in errors[7]
    assert "orimligt stort" in errors[8]
    assert "okänt organisationsnummer" in errors[9]
    assert "rad 2" in errors[10]
    assert Answer.objects.count() == 0
    assert Response.objects.count() == 0


def test_a_rule_across_fields_names_the_row(world: World, survey_round: SurveyRound) -> None:
    """Scope 1's breakdown must sum to its total (±0.5 t), as on the form."""
    result = importing.import_long(
        survey_round,
        _csv(
            _row(world.org_a, "scope1_total__2023", value="100"),
            _row(world.org_a, "scope1_stationary__2023", value="80"),
            _row(world.org_a, "scope1_mobile__2023", value="30"),
        ),
        approve=False,
    )
    assert not result.applied
    assert [(e.row, "summerar till 110" in e.message) for e in result.errors] == [(2, True)]
    assert Answer.objects.count() == 0


def test_approve_approves_through_the_service_and_triggers_recompute(
    world: World, survey_round: SurveyRound, monkeypatch: pytest.MonkeyPatch
) -> None:
    recomputes: list[int] = []
    monkeypatch.setattr(services, "schedule_recompute", lambda: recomputes.append(1))
    # approve_response looks the helper up in its own module of the services package
    monkeypatch.setattr(services.responses, "schedule_recompute", lambda: recomputes.append(1))
    content = _csv(
        _row(world.org_a, "scope1_total__2023", value="100"),
        _row(world.org_b, "scope1_total__2023", value="200"),
    )
    result = importing.import_long(survey_round, content, approve=True, by=world.office)
    assert result.applied
    assert result.count("approved") == 2
    responses = Response.objects.filter(round=survey_round)
    assert {r.state for r in responses} == {Response.State.APPROVED}
    assert {r.approved_by for r in responses} == {world.office}
    assert len(recomputes) == 2  # approve_response schedules it for each response
    kinds = list(
        ResponseEvent.objects.filter(response__organisation=world.org_a)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["saved", "submitted", "approved"]

    before = _state()
    assert importing.import_long(survey_round, content, approve=True).applied
    assert _state() == before
    assert len(recomputes) == 2


def test_a_failure_while_writing_leaves_nothing_written(
    world: World, survey_round: SurveyRound, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All or nothing also once writing has begun: the first organisation's answers are rolled
    back when the second one's approval fails."""
    approve = services.approve_response
    approved: list[Any] = []

    def approve_once(*, response: Response, by: Any) -> Response:
        if approved:
            raise ValidationError("Bara inskickade svar kan godkännas.")
        approved.append(response)
        return approve(response=response, by=by)

    monkeypatch.setattr(services, "approve_response", approve_once)
    content = _csv(
        _row(world.org_a, "scope1_total__2023", value="100"),
        _row(world.org_b, "scope1_total__2023", value="200"),
    )
    result = importing.import_long(survey_round, content, approve=True, by=world.office)
    assert len(approved) == 1  # the first organisation was written and approved …
    assert not result.applied
    assert "Bara inskickade svar kan godkännas" in result.errors[-1].message
    assert _state() == ([], [], 0)  # … and rolled back with the rest


def test_changed_value_reopens_quietly_and_approves_again(
    world: World, survey_round: SurveyRound
) -> None:
    fill_and_submit(survey_round, world.org_a, world.contact_a)
    response = Response.objects.get(organisation=world.org_a)
    services.approve_response(response=response, by=world.office)
    exported, _type = exports.export_round(survey_round, layout="long", file_format="csv")
    row = "scope1_total__2023,2023,,t CO2e,100.000,,100,"  # value, choice, text (as typed)
    assert row in exported.decode("utf-8-sig")
    edited = exported.decode("utf-8-sig").replace(row, "scope1_total__2023,2023,,t CO2e,95,,,")
    mails = OutgoingEmail.objects.count()
    plan = importing.plan_import(survey_round, edited.encode(), approve=True)
    assert plan.ok, plan.errors
    (org_plan,) = plan.organisations
    assert [(c.field_name, c.old, c.new) for c in org_plan.changed] == [
        ("scope1_total__2023", "100", "95")
    ]
    assert org_plan.reopens
    assert org_plan.approve

    result = importing.import_long(survey_round, edited.encode(), approve=True, by=world.office)
    assert result.applied
    answer = Answer.objects.get(response=response, field_name="scope1_total__2023")
    assert (answer.value, answer.version) == (Decimal("95"), 2)
    response.refresh_from_db()
    assert response.state == Response.State.APPROVED
    last = list(
        ResponseEvent.objects.filter(response=response).order_by("-pk").values_list("kind")[:4]
    )
    assert [k for (k,) in reversed(last)] == ["reopened", "saved", "submitted", "approved"]
    assert OutgoingEmail.objects.count() == mails  # the office's own change mails nobody


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_round_trip_changes_nothing(
    world: World, survey_round: SurveyRound, file_format: str
) -> None:
    """The round's long export, imported back as it is, is all unchanged."""
    fill_and_submit(survey_round, world.org_a, world.contact_a, scope1="1234,567")
    fill_and_submit(survey_round, world.org_b, world.contact_b, scope1="0")
    content, _type = exports.export_round(survey_round, layout="long", file_format=file_format)
    before = _state()
    result = importing.import_long(survey_round, content, approve=False, by=world.office)
    assert result.applied, result.errors
    assert result.count("new") == result.count("changed") == 0
    assert result.count("unchanged") == Answer.objects.count()
    assert _state() == before


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_imports_into_a_fresh_round(
    world: World, survey_round: SurveyRound, file_format: str
) -> None:
    """Exported from one install, imported into another: the same figures come back."""
    fill_and_submit(survey_round, world.org_a, world.contact_a, scope1="1234,567")
    content, _type = exports.export_round(survey_round, layout="long", file_format=file_format)
    expected = list(
        Answer.objects.order_by("field_name").values_list("field_name", "value", "choice")
    )
    Response.objects.all().delete()
    result = importing.import_long(survey_round, content, approve=True, by=world.office)
    assert result.applied, result.errors
    assert (
        list(Answer.objects.order_by("field_name").values_list("field_name", "value", "choice"))
        == expected
    )
    assert _value(world.org_a, "scope1_total__2023") == Decimal("1234.567")


def test_the_template_lists_every_input_of_active_partners(
    world: World, survey_round: SurveyRound
) -> None:
    content = importing.write_template(survey_round, [world.org_a], file_format="csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    fields = [r["field"] for r in rows]
    assert "scope1_total__2023" in fields
    assert "enabling_8" in fields
    assert {r["organisation_number"] for r in rows} == {world.org_a.organisation_number}
    assert all(r["value"] == r["choice"] == r["text"] == "" for r in rows)
    # The empty template imports as nothing at all, never as erased answers.
    result = importing.plan_import(survey_round, content, approve=False)
    assert result.row_count == 0
    assert not result.ok


# --- the command -----------------------------------------------------------------------------


def test_command_creates_a_baseline_round_and_approves(world: World, tmp_path: Path) -> None:
    """No round for 2023 yet and the file holds 2022 and 2023: a baseline round is created
    from the default questionnaire, and the imported responses are approved."""
    path = tmp_path / "historik.csv"
    path.write_bytes(
        _csv(
            _row(world.org_a, "scope1_total__2022", value="120"),
            _row(world.org_a, "scope1_total__2023", value="100"),
        )
    )
    out = io.StringIO()
    call_command("import_survey_answers", "--round", "2023", str(path), "--approve", stdout=out)
    survey_round = SurveyRound.objects.get(reporting_year=2023)
    assert survey_round.year == 2024
    assert survey_round.years() == [2022, 2023]
    assert survey_round.questions.filter(key="scope1_total", per_year=True).exists()
    assert Response.objects.get(round=survey_round).state == Response.State.APPROVED
    assert _value(world.org_a, "scope1_total__2022") == Decimal("120")
    assert "1 responses approved" in out.getvalue()


def test_command_copies_the_latest_rounds_questions(world: World, tmp_path: Path) -> None:
    latest = services.create_round(
        year=2025, opens_on=date(2025, 1, 1), closes_on=date(2025, 3, 31), by=world.office
    )
    Question.objects.create(
        round=latest, key="heat_pumps", section="other", kind="integer", text_sv="Värmepumpar"
    )
    path = tmp_path / "2022.csv"
    path.write_bytes(_csv(_row(world.org_a, "heat_pumps", value="3").replace(";2023;", ";2022;")))
    call_command("import_survey_answers", "--round", "2022", str(path), stdout=io.StringIO())
    created = SurveyRound.objects.get(reporting_year=2022)
    assert created.years() == [2022]
    assert created.questions.filter(key="heat_pumps").exists()
    assert _value(world.org_a, "heat_pumps") == Decimal(3)


def test_command_names_bad_rows_and_imports_nothing(
    world: World, survey_round: SurveyRound, tmp_path: Path
) -> None:
    path = tmp_path / "fel.csv"
    path.write_bytes(
        _csv(
            _row(world.org_a, "scope1_total__2023", value="100"),
            _row(world.org_a, "scope2_market__2023", value="-1"),
        )
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_survey_answers", "--round", "2023", str(path), stderr=err)
    assert "Row 3:" in err.getvalue()
    assert Answer.objects.count() == 0


def test_command_template_then_import(
    world: World, survey_round: SurveyRound, tmp_path: Path
) -> None:
    path = tmp_path / "mall.xlsx"
    call_command(
        "import_survey_answers",
        "--round",
        "2023",
        str(path),
        "--template",
        "--organisation",
        world.org_b.organisation_number,
        stdout=io.StringIO(),
    )
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header == importing.COLUMNS
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("field")].value == "scope1_total__2023":
            row[header.index("value")].value = 321.5  # a number cell, as Excel stores it
    workbook.save(path)
    call_command("import_survey_answers", "--round", "2023", str(path), stdout=io.StringIO())
    assert _value(world.org_b, "scope1_total__2023") == Decimal("321.5")
    assert Answer.objects.count() == 1


# --- the office page -------------------------------------------------------------------------


def test_page_previews_then_imports(world: World, survey_round: SurveyRound) -> None:
    client = client_for(world.office)
    upload_url = reverse("surveys:import_upload", kwargs={"pk": survey_round.pk})
    preview_url = reverse("surveys:import_preview", kwargs={"pk": survey_round.pk})
    content = _csv(
        _row(world.org_a, "scope1_total__2023", value="100"),
        _row(world.org_b, "scope1_total__2023", value="200"),
    )
    response = client.post(
        upload_url,
        {"file": SimpleUploadedFile("svar.csv", content, "text/csv"), "approve": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == preview_url
    page = client.get(preview_url).content.decode()
    assert world.org_a.name in page
    assert world.org_b.organisation_number in page
    assert "2 rader med svar: 2 nya och 0 ändrade svar" in page
    assert "2 organisationers svar godkänns" in page
    assert Answer.objects.count() == 0  # the preview writes nothing

    response = client.post(preview_url)  # the kept file, not uploaded again
    assert response.status_code == 302
    assert Response.objects.filter(state=Response.State.APPROVED).count() == 2
    assert client.get(preview_url).status_code == 302  # the file is gone: upload again


def test_page_names_bad_rows(world: World, survey_round: SurveyRound) -> None:
    client = client_for(world.office)
    content = _csv(
        _row(world.org_a, "scope1_total__2023", value="100"),
        _row(world.org_a, "scope2_market__2023", value="-5"),
    )
    client.post(
        reverse("surveys:import_upload", kwargs={"pk": survey_round.pk}),
        {"file": SimpleUploadedFile("svar.csv", content, "text/csv")},
    )
    preview_url = reverse("surveys:import_preview", kwargs={"pk": survey_round.pk})
    page = client.get(preview_url).content.decode()
    assert "Rad 3:" in page
    assert "negativt" in page
    response = client.post(preview_url)
    assert response.status_code == 400
    assert Answer.objects.count() == 0


def test_page_is_for_the_office_only(world: World, survey_round: SurveyRound) -> None:
    url = reverse("surveys:import_upload", kwargs={"pk": survey_round.pk})
    for user in (world.contact_a, world.strategic):
        assert client_for(user).get(url).status_code == 403
    template = client_for(world.office).get(
        reverse("surveys:import_template", kwargs={"pk": survey_round.pk})
    )
    assert template.status_code == 200
    assert world.org_a.organisation_number in template.content.decode("utf-8-sig")
