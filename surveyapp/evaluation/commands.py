"""Command-line tools for evaluators: weight schemes, importing responses, reports."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy.exc import SQLAlchemyError

from surveyapp.cli.helpers import campaign_or_fail, transactional
from surveyapp.exports.statistical import FORMATS as STATISTICAL_FORMATS
from surveyapp.exports.statistical import write_responses
from surveyapp.exports.word import report_docx
from surveyapp.exports.writers import report_csv, report_json, report_xlsx, responses_csv
from surveyapp.extensions import db
from surveyapp.imports.reading import ImportFileError, read_file
from surveyapp.imports.services import ImportRowsError, import_responses
from surveyapp.models import Campaign
from surveyapp.scoring.report import campaign_report, record_export
from surveyapp.scoring.schemes import SchemeError, all_schemes, set_campaign_scheme
from surveyapp.scoring.services import campaign_statistics
from surveyapp.scoring.upkeep import bring_up_to_date
from surveyapp.survey.services import SubmissionError

FORMATS = ("json", "csv", "xlsx", "docx", "sav", "dta")
#: Formats of the individual responses (--responses).
RESPONSE_FORMATS = ("csv", *STATISTICAL_FORMATS)


@click.group("scheme")
def scheme_group() -> None:
    """Weight schemes campaigns can score with."""


@scheme_group.command("list")
@with_appcontext
def scheme_list() -> None:
    """List the weight schemes: key, weights, name."""
    for scheme in all_schemes():
        weights = " ".join(f"{code}={float(weight):g}" for code, weight in scheme.weights().items())
        click.echo(f"{scheme.key}\t{weights}\t{scheme.name}")


@click.command("scheme")
@click.argument("slug")
@click.argument("key")
@with_appcontext
@transactional
def campaign_scheme(slug: str, key: str) -> None:
    """Score campaign SLUG with weight scheme KEY ('questionnaire': the questionnaire's own weights)."""
    campaign = campaign_or_fail(slug)
    try:
        info = set_campaign_scheme(campaign, key)
    except SchemeError as error:
        raise click.ClickException(str(error)) from error
    score = campaign_statistics(campaign).as_dict()["score"]
    shown = "no responses yet" if score is None else f"score {score:.2f}"
    click.echo(f"campaign {slug} scores with {info.key} ({info.name}): {shown}")


@click.group("responses")
def responses_group() -> None:
    """Responses collected elsewhere."""


@responses_group.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@transactional
def responses_import(slug: str, file: Path) -> None:
    """Import FILE (CSV or XLSX, one row per respondent, columns q1..qN) into campaign SLUG."""
    campaign = campaign_or_fail(slug)
    try:
        result = import_responses(campaign, read_file(file), source=file.name)
    except ImportRowsError as error:
        raise click.ClickException(f"nothing was imported:\n{error}") from error
    except (ImportFileError, SubmissionError) as error:
        with force_locale("en"):  # the command line speaks English
            raise click.ClickException(f"nothing was imported: {error}") from error
    db.session.commit()  # the rows are stored, whatever follows
    if result.added:
        try:  # the evaluator's page then counts only what arrives later
            bring_up_to_date(campaign)
        except SQLAlchemyError:  # the page counts them itself when first viewed
            db.session.rollback()
    click.echo(f"{file.name}: {result.rows} rows, {result.added} added, {result.already} already imported")


@click.command("report")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--responses",
    is_flag=True,
    help="The individual responses instead of the table: CSV, SPSS (sav) or Stata (dta).",
)
@click.option(
    "--include-excluded",
    is_flag=True,
    help="Count the responses an evaluator excluded too (default: left out).",
)
@with_appcontext
@transactional
def report_command(fmt: str, slug: str, output: Path | None, responses: bool, include_excluded: bool) -> None:
    """Export campaign SLUG's statistics table as JSON, CSV, XLSX or Word (docx).

    With --responses, the individual responses as CSV, SPSS (sav) or Stata (dta). Text formats go
    to standard output without -o; the others need -o FILE.
    """
    campaign = campaign_or_fail(slug)
    record_export(
        campaign,
        f"responses.{fmt}" if responses else fmt,
        include_excluded,
        output=str(output) if output else "stdout",
    )
    if responses:
        _write_responses(campaign, fmt, output, include_excluded)
        return
    if fmt in STATISTICAL_FORMATS:
        raise click.ClickException(f"a {fmt} file holds the individual responses: add --responses")
    report = campaign_report(campaign, breakdowns=fmt == "json", include_excluded=include_excluded)
    if fmt in ("xlsx", "docx") and output is None:
        raise click.ClickException(f"a {fmt} file needs a file name: add -o FILE.{fmt}")
    if fmt == "xlsx":
        report_xlsx(report).save(str(output))
    elif fmt == "docx":
        output.write_bytes(report_docx(report).read())  # type: ignore[union-attr]
    elif fmt == "csv":
        _write_text(report_csv(report), output)
    else:
        _write_text(iter([report_json(report) + "\n"]), output)
    if output is not None:
        click.echo(f"{output}: {fmt} report of {slug} ({report.scheme.key}, version {report.version})")


def _write_responses(campaign: Campaign, fmt: str, output: Path | None, include_excluded: bool) -> None:
    if fmt not in RESPONSE_FORMATS:
        raise click.ClickException("--responses is written as CSV, sav or dta: add --format csv, sav or dta")
    if fmt == "csv":
        _write_text(responses_csv(campaign, include_excluded), output)
        return
    if output is None:
        raise click.ClickException(f"a {fmt} file needs a file name: add -o FILE.{fmt}")
    write_responses(campaign, output, fmt, include_excluded)
    click.echo(f"{output}: responses of {campaign.slug} as {fmt}")


def _write_text(chunks: Iterable[str], output: Path | None) -> None:
    if output is None:
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    with output.open("w", encoding="utf-8", newline="") as handle:
        for chunk in chunks:
            handle.write(chunk)


EVALUATION_COMMANDS: list[click.Command] = [scheme_group, responses_group, report_command]
