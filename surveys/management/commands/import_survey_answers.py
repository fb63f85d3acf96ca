"""``manage.py import_survey_answers --round <reporting year> FILE [--approve]``: the office's
import of a round's long file from the command line (the same service as the import page), and
``--template`` to write the empty long file to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.context import acting_as
from surveys import importing, selectors
from surveys.models import SurveyRound


class Command(BaseCommand):
    help = (
        "Import a survey round's answers from its long export (CSV or XLSX): all rows or none, "
        "every bad row named. A missing round for the reporting year is created from the latest "
        "round's questions (a baseline round when the file holds two years). --template writes "
        "the empty long file instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--round", type=int, required=True, dest="reporting_year", help="redovisningsår"
        )
        parser.add_argument("file", help="the long file to import (or to write, with --template)")
        parser.add_argument(
            "--approve",
            action="store_true",
            help="approve the imported responses (when migrating history)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only show what the import would change"
        )
        parser.add_argument(
            "--user", default="", help="username of the office member doing the import"
        )
        parser.add_argument(
            "--template",
            action="store_true",
            help="write the empty long file (.csv or .xlsx by the file's extension)",
        )
        parser.add_argument(
            "--organisation",
            action="append",
            default=[],
            help="with --template: an organisation number to include (default: every active "
            "partner); repeat for several",
        )
        parser.add_argument(
            "--years",
            default="",
            help="with --template, for a round that does not exist yet: the data years, "
            "e.g. 2022,2023 for a baseline round",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        by = None
        if options["user"]:
            from accounts.models import User

            by = User.objects.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f"No user {options['user']!r}.")
        with acting_as(by):
            if options["template"]:
                self._template(options, by)
            else:
                self._import(options, by)

    def _round(self, reporting_year: int, years: list[int], by: Any) -> SurveyRound:
        try:
            survey_round, created = importing.ensure_round(
                reporting_year=reporting_year, years=years, by=by
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if created:
            self.stdout.write(
                f"Created the round {survey_round.name} (data years "
                f"{', '.join(str(y) for y in survey_round.years())})."
            )
        return survey_round

    def _import(self, options: dict[str, Any], by: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        content = path.read_bytes()
        try:
            years = importing.file_years(content)
        except importing.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if options["dry_run"]:
            survey_round = SurveyRound.objects.filter(
                reporting_year=options["reporting_year"]
            ).first()
            if survey_round is None:
                raise CommandError("No round for that reporting year (an import creates it).")
            result = importing.plan_import(survey_round, content, approve=options["approve"])
        else:
            survey_round = self._round(options["reporting_year"], years, by)
            result = importing.import_long(survey_round, content, approve=options["approve"], by=by)
        for error in result.errors:
            self.stderr.write(f"Row {error.row}: {error.message}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} bad rows: nothing was imported.")
        for plan in result.organisations:
            self.stdout.write(
                f"{plan.organisation.organisation_number} {plan.organisation.name}: "
                f"{len(plan.new)} new, {len(plan.changed)} changed, {plan.unchanged} unchanged"
                + (", approved" if plan.approve else "")
            )
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{verb} {result.row_count} rows into {survey_round.name}: "
            f"{result.count('new')} new and {result.count('changed')} changed answers, "
            f"{result.count('unchanged')} unchanged; {result.count('approved')} responses approved."
        )

    def _template(self, options: dict[str, Any], by: Any) -> None:
        from partners.models import Organisation
        from partners.validators import normalise_organisation_number

        reporting_year = options["reporting_year"]
        survey_round = SurveyRound.objects.filter(reporting_year=reporting_year).first()
        if survey_round is None:
            years = [int(y) for y in options["years"].replace(";", ",").split(",") if y.strip()]
            survey_round = self._round(reporting_year, years, by)
        if options["organisation"]:
            try:
                numbers = [normalise_organisation_number(n) for n in options["organisation"]]
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            organisations = list(
                Organisation.objects.filter(organisation_number__in=numbers).order_by("name")
            )
            missing = set(numbers) - {o.organisation_number for o in organisations}
            if missing:
                raise CommandError(f"Unknown organisation numbers: {', '.join(sorted(missing))}")
        else:
            organisations = list(selectors.expected_organisations())
        path = Path(options["file"])
        file_format = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
        path.write_bytes(
            importing.write_template(survey_round, organisations, file_format=file_format)
        )
        self.stdout.write(
            f"Wrote {path}: {len(organisations)} organisations, round {survey_round.name}."
        )
