"""Orchestration of ``bin/dev bench``: runs bench/measure.py on the database of a size and,
alternating with it, on the peers' database (``--rounds``), prints the figures, keeps them
under ``--state`` and writes them into bench/RESULTS.md (``report``), with the load test's
figures read from bench/LOAD.md (``load-summary`` rewrites only that section, after
``bin/dev load``).

bin/dev builds and copies the databases; this script only measures and reports.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Figures of one size, in the order of the table, with what each one measures.
CRON_ROWS = [
    ("SLA watch (complaints)", "every batch of the SLA watch of complaints, until none is left"),
    ("SLA watch (enquiries)", "the same for enquiries"),
    ("visit planner", "every batch of the planner of key customers' visits"),
    ("CAPA reminder", "every batch of the reminder of late corrective actions"),
    ("campaign draft", "every batch (one company each) of the half-yearly survey draft"),
    ("review draft", "every batch (one company each) of the half-yearly review draft"),
    ("review statistics", "the figures of the last half-year's review, against the whole history"),
    ("review Recompute", "its Recompute button, as the Sales Manager (figures and breakdown rewritten)"),
    ("survey answer saved", "a customer answering the six questions and completing the survey"),
]
VIEW_MODELS = ["service.complaint", "service.return", "service.action", "service.visit", "sale.order"]
# The lists as the Sales Manager (no prefix) and as the territory's salesperson.
ROLES = ("", "salesperson: ")
RETURN_STEPS = [
    "return: create",
    "return: confirm",
    "return: start inspection",
    "return: record result",
    "return: request approval",
    "return: leader approval",
    "return: final approval and carry-out",
    "return: receipt and credit note",
]
# Our steps that do the work of rma's four, side by side (the form, its return transfer,
# the receipt and the credit note): the procedure adds the confirmation, the re-inspection
# and the leader's signature between them.
STEP_PAIRS = [
    ("the form: create", ["return: create"], ["return: create"]),
    (
        "the return transfer: our final approval and carry-out, rma's confirm",
        ["return: final approval and carry-out"],
        ["return: confirm"],
    ),
    (
        "the receipt and the credit note: our receipt's validation, rma's receipt and refund",
        ["return: receipt and credit note"],
        ["return: receipt", "return: refund"],
    ),
]
SAME_WORK_STEPS = [step for _label, ours, _theirs in STEP_PAIRS for step in ours]
PROCEDURE_STEPS = [step for step in RETURN_STEPS if step not in SAME_WORK_STEPS]
SAME_WORK_LABEL = "the same work: create, carry-out, receipt and credit note (rma)"


def run_measure(config, database, parts, round_no=1):
    command = [sys.executable, str(HERE / "measure.py"), "--config", config, "--database", database]
    command += ["--round", str(round_no), *parts]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"bench/measure.py {' '.join(parts)} failed on {database}")
    print(f"    {' '.join(parts)} on {database}: {time.perf_counter() - started:.0f}s", flush=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def best(rounds, side, part, name):
    """The fastest of the rounds, with its queries."""
    figures = [r[side][part][name] for r in rounds if name in r[side].get(part, {})]
    return min(figures, key=lambda f: f["seconds"]) if figures else None


def best_sum(rounds, side, part, names):
    """The fastest round of the figures ``names`` added up."""
    sums = [
        {
            "seconds": sum(r[side][part][n]["seconds"] for n in names),
            "queries": sum(r[side][part][n]["queries"] for n in names),
        }
        for r in rounds
        if all(n in r[side].get(part, {}) for n in names)
    ]
    return min(sums, key=lambda f: f["seconds"]) if sums else None


def cmd_measure(args):
    state = Path(args.state)
    state.mkdir(parents=True, exist_ok=True)
    result = {"size": args.size, "database": args.database, "rounds": []}
    print(f"==> Measuring {args.database} ({args.size} complaints)", flush=True)
    result["counts"] = run_measure(args.config, args.database, ["counts"])["counts"]
    result["crons"] = run_measure(args.config, args.database, ["crons"])["crons"]
    for round_no in range(1, args.rounds + 1):
        figures = {"ours": run_measure(args.config, args.database, ["intake", "returns"], round_no)}
        if args.peer_database:
            figures["theirs"] = run_measure(args.peer_config, args.peer_database, ["helpdesk", "rma"], round_no)
        result["rounds"].append(figures)
    if args.peer_database:
        result["peer_counts"] = run_measure(args.peer_config, args.peer_database, ["counts"])["counts"]
    (state / f"{args.size}.json").write_text(json.dumps(result, indent=1))
    print(size_table(result))


def ratio(ours, theirs):
    """ours/theirs, to two decimals, or to two significant digits below 0.1×."""
    if not theirs:
        return "–"
    value = ours / theirs
    return f"{value:.2f}×" if value >= 0.1 or not value else f"{value:.2g}×"


def versus(label, ours, theirs):
    """A row of the table against OCA: seconds and queries of both, and their ratios."""
    return (
        f"| {label} | {ours['seconds']:.2f} | {theirs['seconds']:.2f} | {ratio(ours['seconds'], theirs['seconds'])} "
        f"| {ours['queries']} | {theirs['queries']} | {ratio(ours['queries'], theirs['queries'])} |"
    )


def size_table(result):
    lines = [
        f"### {result['size']:,} complaints",
        "",
        "| Work | Seconds | SQL queries | Batches | Queries per batch / call |",
        "|---|---:|---:|---:|---:|",
    ]
    crons = result["crons"]
    for name, _what in CRON_ROWS:
        f = crons.get(name)
        if not f:
            continue
        per = f.get("per_batch", round(f["queries"] / max(f["calls"], 1)))
        lines.append(f"| {name} | {f['seconds']:.3f} | {f['queries']} | {f.get('batches', '')} | {per} |")
    for role in ROLES:
        sale_list = crons.get(f"{role}sale.order list", {})
        for model in VIEW_MODELS:
            for kind in ("list", "form"):
                f = crons.get(f"{role}{model} {kind}")
                if f:
                    note = ""
                    if kind == "list" and model != "sale.order" and sale_list:
                        note = (
                            f" ({ratio(f['queries'], sale_list['queries'])} queries,"
                            f" {ratio(f['seconds'], sale_list['seconds'])} time of {role}sale.order's list)"
                        )
                    total = f" of {f['total']:,}" if "total" in f else ""
                    lines.append(f"| {role}{model} {kind}{total}{note} | {f['seconds']:.3f} | {f['queries']} | | |")
    rounds = result["rounds"]
    for name, label in (("intake of 1,000 complaints", "intake of 1,000 complaints (one create)"),):
        f = best(rounds, "ours", "intake", name)
        lines.append(f"| {label} | {f['seconds']:.2f} | {f['queries']} | | {f['queries'] / 1000:.1f} per complaint |")
    for step in RETURN_STEPS + ["100 returns to credit note"]:
        f = best(rounds, "ours", "returns", step)
        label = step.removeprefix("return: ").replace("100 returns to credit note", "all steps")
        lines.append(
            f"| 100 returns: {label} | {f['seconds']:.2f} | {f['queries']} | | {f['queries'] / 100:.0f} per return |"
        )
    if rounds and "theirs" in rounds[0]:
        lines += ["", f"Against OCA (best of {len(rounds)} rounds, alternated):", ""]
        lines += ["| Work | Ours s | Theirs s | Time ours/theirs | Ours q | Theirs q | Queries ours/theirs |"]
        lines += ["|---|---:|---:|---:|---:|---:|---:|"]
        for label, part, peer_part, name in (
            ("intake of 1,000 (helpdesk_mgmt_sla, 48 h SLA)", "intake", "helpdesk", "intake of 1,000 complaints"),
            ("100 one-unit refunds to credit note (rma)", "returns", "rma", "100 returns to credit note"),
        ):
            lines.append(versus(label, best(rounds, "ours", part, name), best(rounds, "theirs", peer_part, name)))
        same = best_sum(rounds, "ours", "returns", SAME_WORK_STEPS)
        rma_total = best(rounds, "theirs", "rma", "100 returns to credit note")
        if same and rma_total:
            lines.append(versus(SAME_WORK_LABEL, same, rma_total))
        for label, ours, theirs in STEP_PAIRS:
            o, t = best_sum(rounds, "ours", "returns", ours), best_sum(rounds, "theirs", "rma", theirs)
            if o and t:
                lines.append(versus(f"step, {label}", o, t))
        extra = best_sum(rounds, "ours", "returns", PROCEDURE_STEPS)
        if extra:
            names = ", ".join(step.removeprefix("return: ") for step in PROCEDURE_STEPS)
            lines.append(
                f"| the procedure's steps that rma has not ({names}) | {extra['seconds']:.2f} | | "
                f"| {extra['queries']} | | |"
            )
    counts = result.get("counts", {})
    if counts:
        lines += [
            "",
            "Before the measurement the database held: " + ", ".join(f"{n:,} {m}" for m, n in counts.items()) + ".",
        ]
    if result.get("peer_counts"):
        lines += [
            "The peers' database held, after the rounds: "
            + ", ".join(f"{n:,} {m}" for m, n in result["peer_counts"].items())
            + "."
        ]
    return "\n".join(lines)


def machine(pg):
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        ram = f"{int(mem.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "unknown"
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram} RAM; Python {platform.python_version()}, "
        f"PostgreSQL {pg} (fsync off, private cluster), {platform.system()} {platform.release()}"
    )


def targets(results):
    """Issue 9's targets, checked on the figures above (the largest size measured)."""
    largest = results[-1]
    crons = largest["crons"]
    size = f"{largest['size']:,}"
    lines = ["## Issue 9's targets", "", "| Target | Measured | Held |", "|---|---|---|"]

    def row(target, measured, held):
        lines.append(f"| {target} | {measured} | {'yes' if held else '**no**'} |")

    stats = crons["review statistics"]
    row(
        f"review statistics < 1 s and ≤ 30 queries at {size}",
        f"{stats['seconds']:.3f} s, {stats['queries']} queries (Recompute {crons['review Recompute']['queries']})",
        stats["seconds"] < 1 and stats["queries"] <= 30,
    )
    for role in ROLES:
        sale = crons[f"{role}sale.order list"]
        for model in VIEW_MODELS[:-1]:
            f = crons[f"{role}{model} list"]
            row(
                f"{role}{model} list within 1.5× of {role}sale.order's at {size}",
                f"{f['queries'] / sale['queries']:.2f}× queries, {f['seconds'] / sale['seconds']:.2f}× time",
                f["queries"] <= 1.5 * sale["queries"] and f["seconds"] <= 1.5 * sale["seconds"],
            )
    for name, _what in CRON_ROWS[:6]:
        # A size where the action found nothing to do (no batch) says nothing of a batch.
        per = {
            r["size"]: r["crons"][name]["per_batch"]
            for r in results
            if name in r["crons"] and r["crons"][name].get("batches")
        }
        idle = [f"{r['size']:,}" for r in results if not r["crons"].get(name, {}).get("batches")]
        row(
            f"{name}: the same queries per batch at every size",
            ", ".join(f"{q} at {n:,}" for n, q in per.items())
            + (f"; nothing to do at {', '.join(idle)}" if idle else ""),
            len(set(per.values())) == 1 and not idle,
        )
    rounds = largest["rounds"]
    if rounds and "theirs" in rounds[0]:
        for target, part, peer, name, limit in (
            ("intake ≤ 0.2× helpdesk_mgmt_sla's time", "intake", "helpdesk", "intake of 1,000 complaints", 0.2),
            ("100 returns ≤ 1.0× rma's time", "returns", "rma", "100 returns to credit note", 1.0),
        ):
            o, t = best(rounds, "ours", part, name), best(rounds, "theirs", peer, name)
            measured = f"{ratio(o['seconds'], t['seconds'])} time, {ratio(o['queries'], t['queries'])} queries"
            if part == "returns":
                same = best_sum(rounds, "ours", "returns", SAME_WORK_STEPS)
                measured += (
                    f" ({SAME_WORK_LABEL.removesuffix(' (rma)')}:"
                    f" {ratio(same['seconds'], t['seconds'])} time, {ratio(same['queries'], t['queries'])} queries)"
                )
            row(f"{target} (at {size})", measured, o["seconds"] <= limit * t["seconds"])
    return [*lines, ""]


def cmd_report(args):
    paths = list(Path(args.state).glob("*.json"))
    results = sorted((json.loads(p.read_text()) for p in paths), key=lambda r: r["size"])
    if not results:
        raise SystemExit("Nothing measured yet.")
    # When the sizes were measured (a size measured again alone is newer than the others).
    stamps = sorted({time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(p.stat().st_mtime)) for p in paths})
    measured = stamps[0] if len(stamps) == 1 else f"{stamps[0]} to {stamps[-1]}"
    text = [
        "# Size benchmark",
        "",
        "Written by `bin/dev bench` (bench/run.py); edit the text in bench/run.py, not here.",
        "",
        f"- Machine: {machine(args.pg)}.",
        f"- Measured: {measured}; add-on commit `{args.commit}`; command `bin/dev bench {args.args}`.",
        "- Odoo 18.0; each size is a copy of the template `bench_<size>_tpl` (built by bench/build.py"
        " from the tests' base template, which holds Odoo's demo data, and the add-on, whose demo data"
        " comes with it), upgraded with `-u`. The scheduled actions find the same work due at every size:"
        " 150 key customers to plan a visit for, 150 late corrective actions, the last half-year's review,"
        " and the 1,000 seed complaints' and 500 seed enquiries' deadlines to watch (the copies made in"
        " SQL carry their seed's stored computed fields; those whose deadline passed are already flagged).",
        "",
        "## What each figure measures",
        "",
        "Seconds and SQL queries (`cr.sql_log_count`) of one call, the caches emptied before"
        " (`env.invalidate_all()`) and the ORM flushed after, pre-commit work included.",
        "",
    ]
    text += [f"- **{name}**: {what}." for name, what in CRON_ROWS]
    text += [
        "- **lists and forms**: `web_search_read` of the list view's specification (first page of"
        " 80, default order, no filter) and `web_read` of the form view's specification on its"
        " first record, after a first call that fills the caches; Odoo's own `sale.order` list and"
        " form at the same size and as the same user for comparison. As the Sales Manager, who sees"
        " everything, and as *salesperson:* the salesperson of a territory (every twentieth customer"
        " and its orders; the records keep their handler), who sees his share of each table through"
        " the customer's salesperson of the record rules.",
        "- **intake of 1,000 complaints**: one `create` of 1,000 values as the salesperson (what the"
        " mail gateway or an RPC client does); OCA: `helpdesk.ticket` `create` of 1,000 values in a"
        " team with a 48 h SLA of helpdesk_mgmt_sla (as the administrator).",
        "- **100 returns**: 100 one-unit refund forms, each from its own done delivery of its own "
        "order, invoiced on its own (one invoice of 100 orders made every receipt reconcile all of "
        "it, at a cost that grew with the database), carried step by step as the user of the role "
        "acting (salesperson creates, Sales Manager confirms, Production Manager assigns the "
        "inspector and starts the re-inspection, inspector records the result and requests approval, "
        "leader approves, General Manager gives the final approval with the carry-out, the receipt "
        "is validated and the credit note made); OCA rma: `rma` create from the delivery's move with "
        "the Refund operation, `action_confirm`, the reception picking validated, `action_refund` "
        "(one credit note per RMA), as the administrator. The deliveries are made before and not "
        "measured. *The same work* adds up our steps that do what rma's four do (the form, its "
        "return transfer, the receipt, the credit note), and the *step* rows set each of them beside "
        "rma's; the procedure's confirmation, re-inspection and leader's signature come on top.",
        "- Ours and theirs are run alternately, each round in a process of its own; the best round's"
        " time is reported with its queries.",
        "",
        "## Results",
        "",
    ]
    for result in results:
        text += [size_table(result), ""]
    text += targets(results)
    text += under_load(HERE / "LOAD.md")
    Path(args.out).write_text("\n".join(text))
    print(f"==> Wrote {args.out}")


def load_runs(load_md):
    """The runs of bench/LOAD.md: heading, when and at which commit, the figures of each call
    (``rows``: calls, req/s, median, p95, errors), of its "All calls" row and its result."""
    runs = []
    for section in re.split(r"(?m)^## ", load_md.read_text(encoding="utf-8") if load_md.exists() else "")[1:]:
        heading = section.split("\n", 1)[0].strip()
        when = re.search(r"^(\d{4}-\d\d-\d\d \d\d:\d\d UTC)", section, re.M)
        commit = re.search(r"Add-on commit (\w+)", section)
        result = re.search(r"^Result: \*\*(.+?)\*\*", section, re.M)
        rows, total = {}, None
        for cells in re.findall(r"^\| (.+) \|$", section, re.M):
            cells = [c.strip().strip("*") for c in cells.split(" | ")]
            if len(cells) != 7 or not re.fullmatch(r"[\d.]+", cells[2]):
                continue  # the header, its rule, and the scheduled actions' table
            figures = {"calls": cells[1], "rps": cells[2], "median": cells[3], "p95": cells[4], "errors": cells[6]}
            if cells[0] == "All calls":
                total = figures
            else:
                rows[cells[0]] = figures
        if total:
            runs.append(
                {
                    "heading": heading,
                    "when": when.group(1) if when else "",
                    "commit": commit.group(1) if commit else "unknown",
                    "rows": rows,
                    "total": total,
                    "result": result.group(1) if result else "not read",
                }
            )
    return runs


def under_load(load_md):
    """The section "Under load" of RESULTS.md: requests per second and p95 latency of each
    call in every run of bench/LOAD.md, side by side."""
    runs = load_runs(load_md)
    lines = ["## Under load", ""]
    if not runs:
        return [*lines, "Not measured yet: run `bin/dev load` (its figures go into bench/LOAD.md and here).", ""]
    lines += [
        "From [bench/LOAD.md](LOAD.md), written by `bin/dev load` (bench/load.py): Odoo with"
        " `--workers=2` and a cron worker, concurrent XML-RPC clients of every role creating"
        " complaints, recording responses, creating, inspecting, approving and receiving returns"
        " and reading lists, the add-on's scheduled actions running meanwhile. Latencies are wall"
        " times seen by the client. Medians, handled refusals, what is checked afterwards and the"
        " scheduled actions' runs are in LOAD.md.",
        "",
        "| Run | When | Add-on commit | Calls | Req/s | Median ms | p95 ms | Errors | Result |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        t = run["total"]
        lines.append(
            f"| {run['heading']} | {run['when']} | {run['commit']} | {t['calls']} | {t['rps']} | {t['median']} "
            f"| {t['p95']} | {t['errors']} | {run['result']} |"
        )
    header = " | ".join(f"{run['heading'].split(',')[0]}: req/s | p95 ms" for run in runs)
    lines += ["", f"| Call | {header} |", "|---|" + "---:|---:|" * len(runs)]
    for call in sorted({call for run in runs for call in run["rows"]}):
        cells = []
        for run in runs:
            row = run["rows"].get(call)
            cells += [row["rps"], row["p95"]] if row else ["–", "–"]
        lines.append(f"| {call} | {' | '.join(cells)} |")
    return [*lines, ""]


def cmd_load_summary(args):
    """Rewrite the section "Under load" of RESULTS.md from LOAD.md (after ``bin/dev load``)."""
    results = Path(args.out)
    text = results.read_text(encoding="utf-8") if results.exists() else ""
    head = text.split("\n## Under load\n", 1)[0].rstrip("\n")
    if not head:
        print(f"==> {results} has no size figures yet: bin/dev bench writes them, with the load figures.")
        return
    results.write_text(head + "\n\n" + "\n".join(under_load(Path(args.load))), encoding="utf-8")
    print(f"==> Wrote the load figures into {results}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--state", required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--peer-config")
    parser.add_argument("--peer-database")
    sub = parser.add_subparsers(dest="command", required=True)
    measure = sub.add_parser("measure")
    measure.add_argument("--config", required=True)
    measure.add_argument("--database", required=True)
    measure.add_argument("--size", type=int, required=True)
    report = sub.add_parser("report")
    report.add_argument("--out", required=True)
    report.add_argument("--commit", default="unknown")
    report.add_argument("--pg", default="unknown")
    report.add_argument("--args", default="")
    summary = sub.add_parser("load-summary")
    summary.add_argument("--load", required=True)
    summary.add_argument("--out", required=True)
    args = parser.parse_args()
    {"measure": cmd_measure, "report": cmd_report, "load-summary": cmd_load_summary}[args.command](args)


if __name__ == "__main__":
    main()
