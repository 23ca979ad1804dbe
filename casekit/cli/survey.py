"""``casekit codebook draft`` and ``casekit survey``: a questionnaire export as downloaded."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from casekit.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    AddParser,
    csv_parent,
    force_parent,
    out_file_parent,
    progress,
    quiet_parent,
    write_csv,
)
from casekit.surveys import PLATFORMS  # the one platform list: the survey-reader registry's (live)

__all__ = ["PLATFORMS", "register"]


def _cmd_codebook_draft(args: argparse.Namespace) -> int:
    from casekit.intake.codebook_draft import write_draft

    draft = write_draft(args.export, args.out, platform=args.platform, force=args.force, bundle=args.bundle)
    print(f"respondent id: {draft.respondent_id.reason}", file=sys.stderr)
    if args.out is None:
        sys.stdout.write(draft.text)
    else:
        print(f"draft codebook written to {args.out}", file=sys.stderr)
    return EXIT_OK


def _cmd_survey(args: argparse.Namespace) -> int:
    from casekit.analysis.survey_summary import (
        format_crosstabs,
        format_group_differences,
        score_survey,
    )

    if args.crosstabs and not args.by:
        print("casekit survey: --crosstabs needs --by COLUMN", file=sys.stderr)
        return EXIT_USAGE
    with progress(args) as line:  # read and scored once
        scored = score_survey(args.export, args.codebook, platform=args.platform, progress=line)
    if args.by and scored.group_column(args.by) != args.by:
        print(f"--by {args.by}: grouped by the column {scored.group_column(args.by)!r}", file=sys.stderr)
    table = scored.summary(args.by)
    tables = {"": table}
    if args.by:
        tables["_groups"] = scored.group_differences(args.by)
    if args.crosstabs:
        tables["_crosstabs"] = scored.crosstabs(args.by)
    if args.csv is not None:
        for suffix, frame in tables.items():
            write_csv(args.csv.with_name(f"{args.csv.stem}{suffix}.csv") if suffix else args.csv, frame)
        return EXIT_OK
    from casekit.analysis.psychometrics import ALL_GROUPS
    from casekit.cli.headers import readable

    # on screen, every respondent together is 全部 (the CSV keeps the table's own "(all)")
    shown = [table.assign(group=table["group"].replace({ALL_GROUPS: "全部"})) if "group" in table.columns else table]
    if "_groups" in tables:
        shown.append(format_group_differences(tables["_groups"]))
    if "_crosstabs" in tables:
        shown.append(format_crosstabs(tables["_crosstabs"]))
    print("\n\n".join(readable(frame).to_string(index=False, na_rep="-") for frame in shown))
    return EXIT_OK


def _export_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("export", type=Path, help="the export as downloaded (.csv, .xlsx, .sav, .zip)")
    return parent


def register(add_parser: AddParser) -> None:
    """Add ``codebook draft`` and ``survey`` to the ``casekit`` parser."""
    p = add_parser("codebook", help="standalone codebooks for questionnaire exports")
    codebook_sub = p.add_subparsers(dest="codebook_command", required=True, metavar="ACTION")
    d = codebook_sub.add_parser("draft", help="draft a codebook (YAML) from a questionnaire export", parents=[
        _export_parent(),
        out_file_parent("codebook draft", "write the draft to this file (default: print it)"),
        force_parent("replace --out if it exists"),
    ])
    d.add_argument("--platform", choices=PLATFORMS, help="force the export's platform (default: detected)")
    d.add_argument("--bundle", type=Path,
                   help="a research bundle: the column holding the staff codes its ride-alongs and 360° reviews use becomes the respondent id")
    d.set_defaults(func=_cmd_codebook_draft)

    p = add_parser("survey", help="reliability of a questionnaire's scales (n, mean, sd, alpha), group differences",
                   parents=[
                       _export_parent(),
                       quiet_parent(),
                       csv_parent("survey", "write the table as CSV (UTF-8 with BOM, for Excel), with --by also "
                                  "<stem>_groups.csv (default: print them)", alias="--out"),
                   ])
    p.add_argument("--codebook", type=Path, required=True, help="standalone codebook (YAML)")
    # a header of the export, not the bundle vocabulary of the other commands' --by
    p.add_argument("--by", metavar="COLUMN", help="group by a codebook column's name (region, population) or a header of the export")
    p.add_argument("--platform", choices=PLATFORMS,
                   help="force the export's platform (default: the codebook's platform:, else detected)")
    p.add_argument("--crosstabs", action="store_true",
                   help="with --by: also test the closed questions that are not scale items against the groups")
    p.set_defaults(func=_cmd_survey)
