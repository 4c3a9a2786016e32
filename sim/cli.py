"""The ``sim`` command: validate, show and run scenarios.

Exit status: 0 on success; 2 for bad input (scenario errors, bad options, a results
folder that exists); 1 for an internal error (a bug: please report it); 130 when
interrupted. Bad input never prints a traceback; set ``SIM_DEBUG=1`` to see one for an
internal error.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from sim.scenario.errors import ScenarioError

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
EXIT_INTERRUPTED = 130


def _err(text: str) -> None:
    click.echo(text, err=True)


def _guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected failures into clear messages and exit codes."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sim.output.folder import FolderError
        from sim.output.network_map import FigureError
        from sim.world.ledger import MassBalanceError

        try:
            return func(*args, **kwargs)
        except ScenarioError as exc:
            _err(exc.report())
            sys.exit(EXIT_BAD_INPUT)
        except (FolderError, FigureError) as exc:
            _err(f"error: {exc}")
            sys.exit(EXIT_BAD_INPUT)
        except MassBalanceError as exc:
            _err(f"internal error: {exc}\nThis is a bug in the simulator; please report it "
                 "with the scenario and seed.")
            sys.exit(EXIT_INTERNAL)
        except KeyboardInterrupt:
            _err("\ninterrupted")
            sys.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - last line of defence for the user
            if os.environ.get("SIM_DEBUG"):
                traceback.print_exc()
            _err(f"internal error: {type(exc).__name__}: {exc}\n"
                 "Set SIM_DEBUG=1 to see the traceback, and please report it.")
            sys.exit(EXIT_INTERNAL)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="drc-minerals-sim", prog_name="sim")
def main() -> None:
    """drc-minerals-sim: simulate cobalt, copper and gold flows from DRC mines to markets."""


SCENARIO_ARG = click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
SET_OPT = click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE",
                       help="Override a scenario value (repeatable), e.g. --set horizon_days=730.")


@main.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--require-citations", is_flag=True,
              help="Also fail if a numeric value has no source: or assumption: beside it.")
@SET_OPT
@_guarded
def validate(files: tuple[Path, ...], require_citations: bool, overrides: tuple[str, ...]) -> None:
    """Check scenario FILES; exit with status 2 if any has an error."""
    from sim.scenario import load_scenario, meta_of
    from sim.scenario.errors import format_path

    bad = 0
    for path in files:
        try:
            sc = load_scenario(path, overrides)
        except ScenarioError as exc:
            bad += 1
            _err(f"FAIL {path}\n{exc.report()}")
            continue
        uncited = meta_of(sc).provenance.uncited
        note = ""
        if uncited:
            note = f"; {len(uncited)} value(s) without source:/assumption:"
        msg = (f"ok   {path}: {len(sc.sites)} sites, {len(sc.lanes)} lanes, "
               f"{len(sc.channels)} channels{note}")
        if uncited and require_citations:
            bad += 1
            _err(f"FAIL {path}: values without a citation:")
            for p, value in uncited[:50]:
                _err(f"  {format_path(p)} = {value}")
            continue
        click.echo(msg)
    if bad:
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@SCENARIO_ARG
@click.option("--figure", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to save the network map (.png, .svg or .pdf). "
                   "Default: <scenario name>-network.png")
@click.option("--no-figure", is_flag=True, help="Print the description only.")
@SET_OPT
@_guarded
def show(scenario: Path, figure: Path | None, no_figure: bool, overrides: tuple[str, ...]) -> None:
    """Describe SCENARIO's network, shocks and policies in words, and draw the network as
    a map and the shocks and policies on a calendar."""
    from sim.output.describe import describe
    from sim.scenario import load_scenario, make_plan

    from sim.output.shock_text import describe_shocks

    sc = load_scenario(scenario, overrides)
    plan = make_plan(sc)
    click.echo(describe(sc, plan))
    shocks = describe_shocks(sc)
    if shocks:
        click.echo("\n" + shocks)
    if not no_figure:
        from sim.output.network_map import save_network_figure
        from sim.output.shock_text import save_timeline_figure

        path = save_network_figure(sc, figure or Path(f"{sc.name}-network.png"), plan)
        click.echo(f"\nNetwork map written to {path}")
        timeline = save_timeline_figure(sc, path.with_name(
            path.stem.replace("-network", "") + "-timeline" + path.suffix))
        if timeline is not None:
            click.echo(f"Timeline of shocks and policies written to {timeline}")


@main.command()
@SCENARIO_ARG
@click.option("-n", "--replications", default=10, show_default=True,
              type=click.IntRange(min=1), help="Number of replications.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
              help="Root seed; the same seed gives the same results.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results folder. Default: results/<scenario name>.")
@click.option("-w", "--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Worker processes (results are identical for any number).")
@click.option("--force", is_flag=True, help="Replace results already in the --out folder.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@SET_OPT
@_guarded
def run(scenario: Path, replications: int, seed: int, out: Path | None, workers: int,
        force: bool, quiet: bool, overrides: tuple[str, ...]) -> None:
    """Run SCENARIO for N replications and write a results folder."""
    from tqdm import tqdm

    from sim.experiment.runner import run as run_scenario
    from sim.output.folder import ResultsFolder
    from sim.output.tables import channel_table, headline_table
    from sim.scenario import load_scenario

    sc = load_scenario(scenario, overrides)
    out = out or Path("results") / sc.name
    folder = ResultsFolder(out, force=force)
    started = time.perf_counter()
    bar = tqdm(total=replications, desc=f"{sc.name}", unit="rep", disable=quiet,
               file=sys.stderr, dynamic_ncols=True)
    try:
        results = run_scenario(sc, replications=replications, seed=seed, workers=workers,
                               sink=folder.write_replication, progress=bar.update)
    except KeyboardInterrupt:
        bar.close()
        saved = len(list(folder.reps_dir.glob("rep-*.npz")))
        _err(f"\ninterrupted: {saved} finished replication(s) are saved in "
             f"{folder.reps_dir}; the folder has no manifest and is incomplete")
        sys.exit(EXIT_INTERRUPTED)
    bar.close()
    results.wall_s = time.perf_counter() - started
    folder.finish(results, {"workers": workers})
    if not quiet:
        click.echo(f"{sc.name}: {replications} replication(s), seed {seed}, "
                   f"{results.wall_s:.1f} s; results in {out}")
        summary = results.summary()
        click.echo(headline_table(summary))
        table = channel_table(summary)
        if table:
            click.echo(table)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the HTML file. Default: FOLDER/report.html.")
@_guarded
def report(folder: Path, out: Path | None) -> None:
    """Build one self-contained HTML report (figures, KPI tables with confidence
    intervals, assumptions and sources, timeline of shocks and policies) from a results
    FOLDER written by `sim run`, or from a folder of run folders to compare."""
    from sim.output.report import build_report

    path = build_report(folder, out)
    click.echo(f"Report written to {path}")


if __name__ == "__main__":  # pragma: no cover
    main()
