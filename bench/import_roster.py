"""Benchmark (not a test): the cadre roster import at 10,000 rows against openpyxl's own read.

Builds, in a scratch database, a county with N townships (default 13, one county), a county
administrator and a roster workbook of `--rows` cadres (default 10,000; valid data: ID numbers with
the right check digit, matching birth dates and genders, units by name). It then measures, in the
same run:

- the limit: openpyxl reading the workbook (read-only load and every cell iterated);
- the preview (`preview_import`: every row validated, nothing written) and the commit
  (`commit_import`: every row written, with its history and audit rows, from the rows the preview
  kept: the run fails if the commit reads the workbook again) of that workbook, with their query counts;
- a second preview of the same workbook once every cadre exists (every row an update).

The ratio is (preview + commit) / openpyxl read; the issue's target is 3. Each is the best of `--repeat`
runs (3 by default), as the battle map's are, the read and the import taken in turns (a slow spell of a
shared machine then falls on both). Between two imports the cadres and history rows the first wrote and
its job are removed, so that each imports the same file into the same database (its audit events stay:
the trail is append-only).

The workbook is measured twice (`--text both`, the default): as openpyxl writes it, each text cell
inline (as Banzi's own templates and exports are), and with its text in a shared-string table, as
Excel and WPS save a file (`--text shared`): a user's filled-in template comes back that way.

    .venv/bin/python bench/import_roster.py                     # SQLite (in memory)
    .venv/bin/python bench/import_roster.py --rows 5000 --json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/banzi_bench .venv/bin/python bench/import_roster.py

The scratch database is Django's test database (in memory for SQLite, `test_<name>` on PostgreSQL):
created and migrated for the run and dropped afterwards; your data is not touched.
"""
import argparse
import datetime
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQLITE_URL = "sqlite:///:memory:"
TARGET = 3.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--townships", type=int, default=13)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON on the last line")
    parser.add_argument("--text", choices=("inline", "shared", "both"), default="both",
                        help="text cells inline (as openpyxl writes) or in a shared table (as Excel and WPS save)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the read and of the import (the best counts; the import's writes are removed "
                             "between runs)")
    parser.add_argument("--run", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main():
    args = parse_args()
    if args.run:
        return run(args)
    urls = [("sqlite", SQLITE_URL)]
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://", "pgsql://")):
        urls.append(("postgresql", configured))
    rows, status = [], 0
    texts = ("inline", "shared") if args.text == "both" else (args.text,)
    for (_label, url), text in ((u, t) for u in urls for t in texts):
        env = dict(os.environ, DATABASE_URL=url, BANZI_ENV="development", BANZI_DEBUG="0", CONN_MAX_AGE="0",
                   BANZI_IMPORT_MAX_ROWS=str(max(args.rows, 5000)),
                   BANZI_IMPORT_MAX_BYTES=str(50 * 1024 * 1024),
                   BANZI_IMPORT_MAX_UNPACKED_BYTES=str(500 * 1024 * 1024))
        command = [sys.executable, __file__, "--run", url, "--townships", str(args.townships),
                   "--rows", str(args.rows), "--text", text, "--repeat", str(args.repeat)]
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        status |= done.returncode
        if done.returncode:
            sys.stderr.write(done.stdout + done.stderr)
            continue
        rows.extend(json.loads(done.stdout.strip().splitlines()[-1]))
    if args.json:
        print(json.dumps(rows))
    else:
        print_table(rows)
    return status


def print_table(rows):
    print(f"{'what':<52} {'backend':<10} {'measured':>9} {'limit':>9} {'ratio':>6} {'target':>6} {'queries':>8}")
    for row in rows:
        queries = "" if row["queries"] is None else f"{row['queries']:,}"
        print(f"{row['what']:<52} {row['backend']:<10} {row['measured_s']:>8.2f}s {row['limit_s']:>8.2f}s "
              f"{row['ratio']:>6.2f} {row['target']:>6.1f} {queries:>8}")


# --- one backend, in a child process ----------------------------------------------------------

def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banzi.settings")
    import django

    django.setup()


HEADINGS = ["姓名", "性别", "民族", "出生日期", "身份证号", "籍贯", "入党时间", "参加工作时间", "全日制学历",
            "在职学历", "现工作单位", "现任职务", "职级", "联系电话", "新提拔", "提拔时间", "后备干部", "关键岗位"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def id_number(birth_date, serial, male):
    from banzi.core.validators import id_number_check_digit

    order = (serial % 500) * 2 + (1 if male else 0)
    first17 = f"1410{serial // 500 % 100:02d}{birth_date:%Y%m%d}{order:03d}"
    return first17 + id_number_check_digit(first17)


def roster_rows(count, townships):
    """`count` valid roster rows, each ID number different (birth date and serial vary)."""
    rows = []
    start = datetime.date(1965, 1, 1)
    for index in range(count):
        birth = start + datetime.timedelta(days=index % 9000)
        male = index % 3 != 0
        name = SURNAMES[index % len(SURNAMES)] + GIVEN[index // 7 % len(GIVEN)] + GIVEN[index // 3 % len(GIVEN)]
        rows.append([
            name, "男" if male else "女", "汉族", birth.isoformat(), id_number(birth, index // 9000 * 10 + index % 7, male),
            "山西襄汾", datetime.date(birth.year + 25, 7, 1).isoformat(), datetime.date(birth.year + 22, 8, 1).isoformat(),
            "大学", "研究生" if index % 4 == 0 else "", townships[index % len(townships)].name, "党委委员",
            "副科级", f"139{index:08d}", "否", "", "是" if index % 10 == 0 else "否", "否",
        ])
    return rows


def workbook_bytes(rows):
    import openpyxl

    # As Excel saves it: with its dimension (a write-only workbook has none, and read-only openpyxl
    # then parses the whole sheet once more to size it).
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def shared_strings(content):
    """The same workbook with its text cells in a shared-string table, as Excel and WPS save a file
    (openpyxl writes each text cell inline)."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    table, index = [], {}

    def shared(match):
        attributes, text = match.group(1), match.group(2)
        if text not in index:
            index[text] = len(table)
            table.append(text)
        return f'<c{attributes} t="s"><v>{index[text]}</v></c>'

    sheet = re.sub(r'<c([^>]*?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>', shared,
                   source.read("xl/worksheets/sheet1.xml").decode("utf-8"))
    sheet = re.sub(r'<c[^>]*? t="inlineStr"></c>', "", sheet)  # an empty text cell: Excel keeps no cell
    assert "inlineStr" not in sheet, "a text cell left inline"
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{main_ns}" '
               f'count="{len(table)}" uniqueCount="{len(table)}">'
               + "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in table) + "</sst>")
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet.encode("utf-8")
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" '
                                                 f'ContentType="{kind}"/></Types>'.encode())
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdShared" Type="{relation}" '
                                                         f'Target="sharedStrings.xml"/></Relationships>'.encode())
            target.writestr(item, data)
        target.writestr("xl/sharedStrings.xml", strings.encode("utf-8"))
    return out.getvalue()


def openpyxl_read(content):
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    cells = 0
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        for _value in row:
            cells += 1
    workbook.close()
    return cells


def timed(function):
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    return result, elapsed, len(queries)


def build(args):
    from banzi.accounts.models import User
    from banzi.core.roles import Role
    from banzi.org.models import Organization

    county = Organization.objects.create(name="襄汾县", kind=Organization.Kind.COUNTY, division_code="141023")
    townships = [Organization.objects.create(name=f"第{n}镇", kind=Organization.Kind.TOWNSHIP, parent=county)
                 for n in range(1, args.townships + 1)]
    user = User.objects.create(username="county", role=Role.COUNTY_ADMIN)
    return user, townships


def remove_import(user):
    """The cadres an import wrote, their history rows and its job, gone: the next run imports the same file
    into the same database (a scratch database only). Its audit events stay (the trail is append-only);
    the next run's events chain after them."""
    from django.db import connection

    from banzi.core.models import ImportJob
    from banzi.org.models import Cadre

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Cadre.history.model._meta.db_table}")  # noqa: S608 - the models' own tables
        cursor.execute(f"DELETE FROM {Cadre._meta.db_table}")  # noqa: S608
    ImportJob.objects.filter(user=user).delete()


def import_once(user, content, rows):
    """(preview s, its queries, commit s, its queries) of one import of the workbook, every row new."""
    from banzi.core import services
    from banzi.core.importing import services as import_services
    from banzi.core.importing.services import commit_import, upload_for_preview
    from banzi.org.models import Cadre
    from banzi.org.resources import CadreResource

    (report, job), preview_s, preview_q = timed(
        lambda: services.run(upload_for_preview, user, CadreResource, content, "roster.xlsx"))
    assert not report.has_errors, report.errors[:5]
    assert job is not None
    reads = []
    read_sheet = import_services.read_sheet
    import_services.read_sheet = lambda content: reads.append(1) or read_sheet(content)
    try:
        report, commit_s, commit_q = timed(lambda: services.run(commit_import, user, CadreResource, job))
    finally:
        import_services.read_sheet = read_sheet
    assert not report.has_errors, report.errors[:5]
    assert not reads, "the commit read the workbook again"
    assert Cadre.objects.count() == rows
    return preview_s, preview_q, commit_s, commit_q


def run(args):
    setup()
    from django.db import connection

    from banzi.core import services
    from banzi.core.importing.services import upload_for_preview
    from banzi.org.resources import CadreResource

    backend = connection.vendor
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    results = []
    try:
        user, townships = build(args)
        content = workbook_bytes(roster_rows(args.rows, townships))
        if args.text == "shared":
            inline_cells = openpyxl_read(content)
            content = shared_strings(content)
            assert openpyxl_read(content) == inline_cells
        text = "text inline" if args.text == "inline" else "text shared (as Excel, WPS save)"
        # The limit and the import taken in turns, each the best of its runs: a slow spell of the machine
        # (a shared virtual machine's speed wanders by a sixth from one second to the next) falls on both.
        limits, best = [], None
        for attempt in range(max(1, args.repeat)):
            limits.append(timed(lambda: openpyxl_read(content))[1])
            if attempt:
                remove_import(user)
            measured = import_once(user, content, args.rows)
            if best is None or measured[0] + measured[2] < best[0] + best[2]:
                best = measured
        limit = min(limits)

        def row(what, measured, queries, limit_s=limit, label="openpyxl read"):
            results.append({"what": what, "townships": args.townships, "backend": backend,
                            "measured_s": round(measured, 3), "limit": label, "limit_s": round(limit_s, 3),
                            "ratio": round(measured / limit_s, 2), "target": TARGET, "queries": queries})

        preview_s, preview_q, commit_s, commit_q = best
        row(f"roster import {args.rows:,} rows, {text}: preview + commit", preview_s + commit_s, preview_q + commit_q)
        row(f"  preview (new cadres) {args.rows:,} rows, {text}", preview_s, preview_q)
        row(f"  commit (new cadres) {args.rows:,} rows, {text}", commit_s, commit_q)
        (report, job), update_s, update_q = timed(
            lambda: services.run(upload_for_preview, user, CadreResource, content, "roster.xlsx"))
        assert not report.has_errors, report.errors[:5]
        row(f"  preview (every cadre known) {args.rows:,} rows, {text}", update_s, update_q)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
