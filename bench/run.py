"""Run every benchmark in bench/ at several sizes and print one table of ratios against their limits.

    .venv/bin/python bench/run.py                          # 13, 150 and 1,500 townships, each also at 2N
    .venv/bin/python bench/run.py --sizes 13,150 --only pages,battle_map --no-growth
    .venv/bin/python bench/run.py --sizes 13,battle_map=1500 --no-growth      # each target at the size it is set for
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/banzi_bench .venv/bin/python bench/run.py

Each `bench/<name>.py` (but this runner, the load test and study_figures.py, which read a database
they are given and have no sizes) is run as
`<name>.py --townships N --json` in its own process, with this environment (so DATABASE_URL chooses
PostgreSQL where a benchmark supports it); its last output line is a JSON list of rows
{"what", "townships", "backend", "measured_s", "limit", "limit_s", "ratio", "target", "queries"}.
A ratio is measured/limit for times (lower is better; met when ≤ target) except for throughputs, whose
"what" says "higher is better" (met when ≥ target). With growth on (the default), every size N is run at
2N as well and the table shows measured(2N)/measured(N): 1.0 is flat, 2.0 grows with the data.
A size written `name=N` applies to that benchmark alone (and replaces the plain sizes for it), so one
run can measure the battle map at 1,500 townships and the pages at one county's 13.
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOT_SIZED = {"run", "load", "study_figures"}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="13,150,1500",
                        help="townships, comma-separated; name=N for one benchmark only (e.g. battle_map=1500)")
    parser.add_argument("--only", default="", help="benchmark names (bench/<name>.py), comma-separated")
    parser.add_argument("--skip", default="", help="benchmark names to leave out")
    parser.add_argument("--no-growth", dest="growth", action="store_false", help="do not also run each size at 2N")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds a benchmark run may take")
    parser.add_argument("--json", action="store_true", help="print all rows as JSON on the last line")
    return parser.parse_args(argv)


def benchmarks(only, skip):
    names = sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_") and p.stem not in NOT_SIZED)
    if only:
        wanted = set(only)
        unknown = wanted - set(names)
        if unknown:
            raise SystemExit(f"no such benchmark: {', '.join(sorted(unknown))} (have: {', '.join(names)})")
        names = [n for n in names if n in wanted]
    return [n for n in names if n not in set(skip)]


def run_one(name, townships, timeout):
    """(rows, error) of `bench/<name>.py --townships N --json`."""
    command = [sys.executable, str(HERE / f"{name}.py"), "--townships", str(townships), "--json"]
    started = time.monotonic()
    try:
        result = subprocess.run(command, cwd=HERE.parent, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [], f"timed out after {timeout:.0f} s"
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    try:
        rows = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        rows = None
    if result.returncode != 0 or not isinstance(rows, list):
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        return [], f"exit status {result.returncode}, no JSON rows: " + " | ".join(tail)
    for row in rows:
        row["bench"] = name
        row.setdefault("townships", townships)
    print(f"  {name} --townships {townships}: {len(rows)} rows in {time.monotonic() - started:.0f} s",
          file=sys.stderr, flush=True)
    return rows, None


def sizes_of(spec, names, growth):
    """{benchmark: [townships…]} from "13,150,battle_map=1500": plain sizes for every benchmark not named."""
    plain, named = [], {}
    for token in (t.strip() for t in spec.split(",")):
        if not token:
            continue
        name, _sep, size = token.rpartition("=")
        if name and name not in names:
            raise SystemExit(f"no such benchmark in --sizes: {name} (have: {', '.join(names)})")
        (named.setdefault(name, []) if name else plain).append(int(size))
    return {n: sorted({x for s in named.get(n, plain) for x in ((s, 2 * s) if growth else (s,))}) for n in names}


def higher_is_better(row):
    return "higher is better" in row["what"]


def met(row):
    if row.get("ratio") is None or row.get("target") is None:
        return None
    return row["ratio"] >= row["target"] if higher_is_better(row) else row["ratio"] <= row["target"]


def add_growth(rows):
    """measured at 2N / measured at N, for the rows measured at both sizes."""
    by_key = {(r["bench"], r["what"], r["backend"], r["townships"]): r for r in rows}
    for row in rows:
        double = by_key.get((row["bench"], row["what"], row["backend"], 2 * row["townships"]))
        if double and row.get("measured_s"):
            row["growth_2n"] = round(double["measured_s"] / row["measured_s"], 2)


def print_table(rows, failures):
    print()
    header = (f"{'benchmark':<14}{'what':<66}{'N':>6} {'backend':<11}{'measured':>10}{'limit':>10}{'ratio':>8}"
              f"{'target':>9}  {'met':<4}{'2N/N':>6}  limit is")
    print(header)
    print("-" * len(header))
    for row in sorted(rows, key=lambda r: (r["bench"], r["what"], r["backend"], r["townships"])):
        ok = met(row)
        target = ("≥ " if higher_is_better(row) else "≤ ") + f"{row['target']}" if row.get("target") is not None else ""
        print(f"{row['bench']:<14}{row['what'][:65]:<66}{row['townships']:>6} {row['backend']:<11}"
              f"{row['measured_s']:>9.3f}s{row['limit_s']:>9.3f}s{row['ratio']:>8.3f}{target:>9}  "
              f"{'' if ok is None else 'yes' if ok else 'NO':<4}{row.get('growth_2n', ''):>6}  {row.get('limit', '')}")
    for name, townships, error in failures:
        print(f"{name} --townships {townships}: {error}")


def main():
    args = parse_args()
    names = benchmarks([n for n in args.only.split(",") if n], [n for n in args.skip.split(",") if n])
    runs = sizes_of(args.sizes, names, args.growth)
    rows, failures = [], []
    for name in names:
        for townships in runs[name]:
            found, error = run_one(name, townships, args.timeout)
            rows += found
            if error:
                failures.append((name, townships, error))
    add_growth(rows)
    print_table(rows, failures)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    missed = [r for r in rows if met(r) is False]
    return 1 if missed or failures else 0


if __name__ == "__main__":
    sys.exit(main())
