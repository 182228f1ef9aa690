"""``surveyapp indicators``: list tables, score one (optionally fed by a campaign), check a funds sheet."""

from __future__ import annotations

import json
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from analysis import indicators as ai
from surveyapp.cli.helpers import campaign_or_fail
from surveyapp.indicators.exports import table_json, write_xlsx
from surveyapp.indicators.funds import (
    FundsInputError,
    frame_from_rows,
    parse_rows,
    read_table,
    report_for_frame,
)
from surveyapp.indicators.links import LinkedValue, campaign_figure, latest_response_at
from surveyapp.indicators.services import all_tables, bundled_templates, find_table, score_record
from surveyapp.indicators.sheets import funds_print_for
from surveyapp.indicators.word import summary_docx
from surveyapp.models import Campaign, utcnow


@click.group("indicators")
def indicators_group() -> None:
    """Evaluation indicator tables (绩效评价指标体系)."""


@indicators_group.command("list")
@with_appcontext
def indicators_list() -> None:
    """List the shipped templates and the stored tables."""
    for template in bundled_templates():
        click.echo(f"template\t{template.id}\t{template.title}")
    for record in all_tables():
        scored = score_record(record)
        grade = scored.table.grade or "-"
        click.echo(
            f"table\t{record.key}\t{record.title}\t{ai.summary_table(scored.table)['score'].iloc[-1]}\t{grade}"
        )


def resolve_table(name: str) -> tuple[ai.IndicatorTable, dict[str, LinkedValue]]:
    """A table by file path, stored table key or shipped template id, scored."""
    path = Path(name)
    try:
        if path.suffix.lower() in {".yaml", ".yml"} or path.is_file():
            return ai.load_indicator_table(path), {}
        record = find_table(name)
        if record is not None:
            scored = score_record(record)
            return scored.table, scored.links
        return ai.load_indicator_table(ai.bundled_template(name)), {}
    except ValueError as error:  # IndicatorTableError included: it names file, place and problem
        raise click.ClickException(str(error)) from error


def feed_from_campaign(
    table: ai.IndicatorTable, campaign: Campaign, links: dict[str, LinkedValue]
) -> ai.IndicatorTable:
    """Give every satisfaction leaf the campaign's score as its actual value."""
    leaves = [leaf for leaf in table.leaves() if leaf.type == ai.IndicatorType.SATISFACTION]
    if not leaves:
        raise click.ClickException("the table has no satisfaction indicator to feed")
    value, respondents = campaign_figure(campaign, "campaign_score")
    if value is None:
        raise click.ClickException(f"campaign '{campaign.slug}' has no responses yet")
    linked = LinkedValue(
        "campaign_score", campaign, value, respondents, utcnow(), latest_response_at(campaign)
    )
    for leaf in leaves:
        if leaf.target is None:
            raise click.ClickException(f"{leaf.id}: set a target (e.g. '≥ 90%') before feeding it")
        evidence = (
            f"调查批次 {campaign.name}（{campaign.slug}）：{respondents} 份答卷，满意度综合得分 {value}"
        )
        try:
            table = ai.set_actual(table, leaf.id, value, evidence=evidence)
        except ValueError as error:
            raise click.ClickException(f"{leaf.id}: {error}") from error
        links[leaf.id] = linked
    return table


@indicators_group.command("score")
@click.argument("table_name", metavar="TABLE")
@click.option("--campaign", "slug", help="Feed the satisfaction indicator with this campaign's score.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "xlsx", "docx"]),
    default="json",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def indicators_score(table_name: str, slug: str | None, output_format: str, output: Path | None) -> None:
    """Score TABLE: a shipped template id, a stored table's key, or a YAML file."""
    table, links = resolve_table(table_name)
    if slug:
        campaign = campaign_or_fail(slug)
        links = dict(links)
        table = feed_from_campaign(table, campaign, links)
    if output_format in ("xlsx", "docx"):
        if output is None:
            raise click.ClickException(f"--format {output_format} needs -o FILE")
        if output_format == "xlsx":
            record = find_table(table_name)
            write_xlsx(table, str(output), links, funds_print_for(record) if record else None)
        else:
            output.write_bytes(summary_docx(table).read())
        click.echo(f"{output}: total {table.score} {table.grade or '-'}")
        return
    text = json.dumps(table_json(table, links), ensure_ascii=False, indent=2)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"{output}: total {table.score} {table.grade or '-'}")


def _finding_dict(finding: Any) -> dict[str, Any]:
    data = asdict(finding)
    data["difference"] = finding.difference
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}


@indicators_group.command("funds")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--target", "people_target", type=click.IntRange(min=1), help="People the project set out to subsidise."
)
@click.option("--standard", default="200", show_default=True, help="Subsidy in 元 per person per year.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def indicators_funds(path: Path, people_target: int | None, standard: str, as_json: bool) -> None:
    """Check a funds sheet (CSV or XLSX): totals, completion rate, cost-share findings."""
    try:
        with force_locale("en"):
            rows, printed = parse_rows(read_table(path.name, path.read_bytes()))
        report = report_for_frame(frame_from_rows(rows, printed), Decimal(standard), people_target)
    except FundsInputError as error:
        raise click.ClickException("\n".join(error.problems)) from error
    assert report.totals is not None
    data = {
        "funds": str(report.totals.funds),
        "people": report.totals.people,
        "completion_rate": None if report.completion_rate is None else str(report.completion_rate),
        "findings": [_finding_dict(f) for f in report.findings],
    }
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"total funds {data['funds']} 万元, people {data['people']}")
    if data["completion_rate"] is not None:
        click.echo(f"completion rate {data['completion_rate']}%")
    for finding in report.findings:
        click.echo(f"{finding.kind}: {finding.message}")
