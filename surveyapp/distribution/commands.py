"""The command line of distribution: ``roster``, ``sample``, ``codes`` and ``campaign access``."""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from surveyapp.cli.helpers import campaign_or_fail, transactional
from surveyapp.distribution.cards import cards_pdf
from surveyapp.distribution.codes import code_cards
from surveyapp.distribution.crosscheck import cross_check_sheets, cross_check_xlsx
from surveyapp.distribution.messages import REFUSALS, problem_text, row_error_text
from surveyapp.distribution.roster import delete_roster, import_roster
from surveyapp.distribution.sampling import DrawRule, draw_sample
from surveyapp.distribution.services import CARD_HINT, set_access
from surveyapp.exports.cells import safe_cell
from surveyapp.imports.reading import read_file
from surveyapp.models import ACCESS_MODES

F = TypeVar("F", bound=Callable[..., Any])
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)


def distribution_command(command: F) -> F:
    """Run in English, in one transaction, turning the feature's errors into clear messages."""

    in_transaction = transactional(command)

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with force_locale("en"):
            try:
                return in_transaction(*args, **kwargs)
            except REFUSALS as error:
                raise click.ClickException(problem_text(error)) from error

    return wrapper  # type: ignore[return-value]


@click.group("roster")
def roster_group() -> None:
    """Import, cross-check and delete beneficiary rosters."""


@roster_group.command("import")
@click.argument("slug")
@click.argument("path", type=FILE)
@click.option("--keep-contacts", is_flag=True, help="Keep names and phones (encrypted) for interviews.")
@with_appcontext
@distribution_command
def roster_import(slug: str, path: Path, keep_contacts: bool) -> None:
    """Import a roster (CSV or XLSX) for a campaign: every row is checked, all or nothing."""
    checked = import_roster(campaign_or_fail(slug), read_file(path), keep_contacts=keep_contacts)
    if checked.errors:
        for error in checked.errors:
            click.echo(row_error_text(error), err=True)
        raise click.ClickException(f"{len(checked.errors)} rows have errors; nothing was imported")
    click.echo(f"roster of {slug}: {len(checked.people)} people imported")


@roster_group.command("delete")
@click.argument("slug")
@with_appcontext
@distribution_command
def roster_delete(slug: str) -> None:
    """Delete a campaign's roster, its sample and its codes completely."""
    people = delete_roster(campaign_or_fail(slug))
    click.echo(f"roster of {slug} deleted: {people} people")


@roster_group.command("crosscheck")
@click.argument("file_a", type=FILE)
@click.argument("file_b", type=FILE)
@click.option("-o", "--output", required=True, type=OUTPUT, help="The XLSX file to write.")
@with_appcontext
@distribution_command
def roster_crosscheck(file_a: Path, file_b: Path, output: Path) -> None:
    """Match two lists by ID number: who is on both, on one only, and where they conflict."""
    if output.suffix.lower() != ".xlsx":
        raise click.ClickException("the output file must end in .xlsx")
    report = cross_check_sheets(read_file(file_a), read_file(file_b))
    cross_check_xlsx(report, str(output))
    counts = report.counts()
    click.echo(f"on both lists: {counts['both']}")
    click.echo(f"on list A only: {counts['a_only']}")
    click.echo(f"on list B only: {counts['b_only']}")
    click.echo(f"in conflict (standard or payment method): {counts['conflicts']}")
    if counts["skipped_a"] or counts["skipped_b"]:
        click.echo(
            f"rows left out: {counts['skipped_a']} of A, {counts['skipped_b']} of B (see the workbook)"
        )
    click.echo(f"written to {output}")


@click.group("sample")
def sample_group() -> None:
    """Draw the sample of a campaign's roster."""


@sample_group.command("draw")
@click.argument("slug")
@click.option("--per-county", type=click.IntRange(min=1), help="The same number of people from each county.")
@click.option("--fraction", type=click.FloatRange(0, 1, min_open=True), help="The same share of each county.")
@click.option("--seed", required=True, type=click.IntRange(min=0), help="Any whole number; record it.")
@click.option("--by-township", is_flag=True, help="Strata are townships within counties.")
@with_appcontext
@distribution_command
def sample_draw(
    slug: str, per_county: int | None, fraction: float | None, seed: int, by_township: bool
) -> None:
    """Draw a stratified random sample and give each sampled person a personal code."""
    if (per_county is None) == (fraction is None):
        raise click.UsageError("give exactly one of --per-county N and --fraction F")
    rule = DrawRule(seed=seed, per_stratum=per_county, fraction=fraction, by_township=by_township)
    made = draw_sample(campaign_or_fail(slug), rule)
    click.echo(f"sample of {slug}: {made} people drawn with seed {seed}; each has a personal code")


@click.group("codes")
def codes_group() -> None:
    """Personal codes."""


@codes_group.command("export")
@click.argument("slug")
@click.option("-o", "--output", required=True, type=OUTPUT, help="A .csv list or .pdf cards.")
@with_appcontext
@distribution_command
def codes_export(slug: str, output: Path) -> None:
    """Write the codes as CSV (code, county, township, address) or as A4 PDF cards."""
    campaign = campaign_or_fail(slug)
    suffix = output.suffix.lower()
    if suffix == ".csv":
        count = 0
        with output.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["code", "county", "township", "address"])
            for card in code_cards(campaign):
                writer.writerow(
                    [safe_cell(card.code), safe_cell(card.county), safe_cell(card.township), card.address]
                )
                count += 1
    elif suffix == ".pdf":
        cards = list(code_cards(campaign))
        with force_locale("zh_Hans_CN"):
            output.write_bytes(cards_pdf(cards, campaign.questionnaire_version.title, str(CARD_HINT)))
        count = len(cards)
    else:
        raise click.ClickException("the output file must end in .csv or .pdf")
    click.echo(f"{output}: {count} codes")


@click.command("access")
@click.argument("slug")
@click.argument("mode", type=click.Choice(ACCESS_MODES))
@with_appcontext
@distribution_command
def campaign_access(slug: str, mode: str) -> None:
    """Who may answer: anyone with the address, only personal codes, or both."""
    set_access(campaign_or_fail(slug), mode)
    click.echo(f"campaign {slug}: access {mode}")


DISTRIBUTION_COMMANDS: list[click.Command] = [roster_group, sample_group, codes_group]
