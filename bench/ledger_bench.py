"""Ledger import and export speed and memory.

    .venv/bin/python bench/ledger_bench.py                       # 100,000 in, 1,000,000 out
    .venv/bin/python bench/ledger_bench.py --rows 5000 --export-rows 50000   # a quick run
    .venv/bin/python bench/ledger_bench.py --skip-export          # the imports only
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python \\
        bench/ledger_bench.py                                    # on PostgreSQL (a fresh schema)

Generates a ledger of --rows cases (CSV), imports it through the ledger import, then a
clerk's own ledger of --clerk-rows cases for one centre (Sheet1 with a title row, the centre's
column names, Chinese dates, a 合计 row; .xlsx or --clerk-format csv) through the column mapping,
grows the database to --export-rows cases by copying them in SQL, then exports them all to CSV
and to .xlsx (--xlsx-rows of them; openpyxl writes about 20,000 rows a second). Each phase runs
in a child process so that its peak resident memory (ru_maxrss) is its own; rows per second and
the peak are printed per phase. The export's peak should not grow with the number of rows.

`generate_rows` and `write_csv`/`write_xlsx` are also used by tests/domain/ledger/test_ledger.py.
"""

import argparse
import csv
import multiprocessing
import os
import random
import re
import resource
import sys
import tempfile
import time
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mediation.identifiers import credit_code_check_char  # noqa: E402
from mediation.ledger.columns import COLUMNS, OUTCOMES  # noqa: E402
from mediation.money import format_yuan  # noqa: E402
from models import Category, Channel  # noqa: E402

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
GIVEN = "永伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉玲建国志海波"
TRADES = ("包装印刷", "五金制品", "家具", "陶瓷", "电子科技", "物流", "餐饮管理", "建筑劳务")


@dataclass
class LedgerCase:
    """One generated ledger row in canonical form (dates as dates, amounts in fen)."""

    number: str
    centre: str
    received_on: date
    accepted_on: date
    channel: str
    category: str
    worker_count: int
    names: tuple[str, ...]
    employer: str
    credit_code: str
    claimed_fen: int
    lawyer: str  # practice certificate number or ""
    outcome: str
    closed_on: date | None
    agreed_fen: int | None
    paid_fen: int
    new_employment: bool
    reason: str
    note: str


def credit_code(rng: random.Random) -> str:
    first17 = "9144" + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(13))
    return first17 + credit_code_check_char(first17)


def generate_rows(
    count: int,
    centres: dict[str, str],
    lawyers: list[str],
    seed: int = 2021,
    first_day: date = date(2021, 1, 4),
    last_day: date = date(2025, 12, 31),
) -> list[LedgerCase]:
    """`count` valid ledger rows over the centres ({code: short name}) with every outcome, some
    non-standard case numbers, collective cases, unnamed workers and employers with and without
    credit codes; the text fields include formula-like values."""
    rng = random.Random(seed)
    employers = []
    for index in range(max(count // 4, 5)):
        name = f"佛山市{rng.choice('南禅顺高三')}{rng.choice(TRADES)}有限公司{index}"
        employers.append((name, credit_code(rng) if index % 3 else ""))
    seqs: dict[tuple[str, int], int] = {}
    span = (last_day - first_day).days
    codes = sorted(centres)
    rows = []
    for index in range(count):
        centre = codes[index % len(codes)]
        received = first_day + timedelta(days=rng.randint(0, span))
        accepted = received + timedelta(days=rng.randint(0, 3))
        key = (centre, received.year)
        seqs[key] = seqs.get(key, 0) + 1
        if index % 10 == 9:
            number = f"{centre}-{received.year}-台账{seqs[key]:05d}"
        else:
            number = f"({received.year}){centres[centre]}调字第{seqs[key]}号"
        outcome = OUTCOMES[index % len(OUTCOMES)]
        workers = rng.choice((1, 1, 1, 2, 3, 10, 12)) if index % 7 else 1
        named = workers if index % 5 else rng.randint(0, workers)
        names = tuple(
            rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
            for _ in range(named)
        )
        employer, code = employers[rng.randrange(len(employers))]
        claimed = rng.randint(1, 50_000) * 100 * workers + rng.choice((0, 50, 99))
        closed = agreed = None
        paid, reason = 0, ""
        if outcome != "调解中":
            closed = accepted + timedelta(days=rng.randint(0, 30))
        if outcome == "不予受理":
            closed = accepted
            reason = rng.choice(("不属于劳动争议", "对方拒绝调解", ""))
        elif outcome == "调解成功":
            agreed = claimed * rng.choice((100, 80, 50)) // 100
            paid = rng.choice((agreed, agreed // 2, 0))
        elif outcome == "调解不成":
            reason = rng.choice(("用人单位拒绝调解", "-期限内未达成协议", ""))
        elif outcome == "撤回":
            reason = rng.choice(("已自行和解", ""))
        rows.append(
            LedgerCase(
                number=number,
                centre=centre,
                received_on=received,
                accepted_on=closed if outcome == "不予受理" else accepted,
                channel=rng.choice([c.value for c in Channel]),
                category=rng.choice([c.value for c in Category]),
                worker_count=workers,
                names=names,
                employer=employer,
                credit_code=code,
                claimed_fen=claimed,
                lawyer=rng.choice(lawyers) if lawyers and index % 3 == 0 else "",
                outcome=outcome,
                closed_on=closed,
                agreed_fen=agreed,
                paid_fen=paid,
                new_employment=index % 6 == 0,
                reason=reason,
                note=rng.choice(("", "=SUM(A1:A9)", "+86 来电", "@车间主任", "台账备注", "")),
            )
        )
    return rows


def _date_text(day: date | None, style: int) -> str:
    if day is None:
        return ""
    return (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
    )[style % 3]


def _amount_text(fen: int | None, style: int) -> str:
    if fen is None:
        return ""
    text = format_yuan(fen)  # with thousands separators
    return text if style % 2 else text.replace(",", "")


def _escaped(text: str) -> str:
    return "'" + text if text.startswith(("=", "+", "-", "@")) else text


def cells(case: LedgerCase, index: int = 0) -> list[str]:
    """The row as a centre would type it, in COLUMNS order, with the date and amount forms
    varying from row to row."""
    values = {
        "案件编号": case.number,
        "调解组织": case.centre,
        "收到申请日期": "" if case.received_on == case.accepted_on and index % 2 else None,
        "受理日期": _date_text(case.accepted_on, index),
        "案件来源": case.channel,
        "争议类别": case.category,
        "申请人数": str(case.worker_count),
        "申请人": ("、" if index % 2 else ",").join(case.names),
        "被申请单位": case.employer,
        "统一社会信用代码": case.credit_code,
        "请求金额": _amount_text(case.claimed_fen, index),
        "特约律师": case.lawyer,
        "调解结果": case.outcome,
        "结案日期": _date_text(case.closed_on, index + 1),
        "协议金额": _amount_text(case.agreed_fen, index + 1),
        "实际到位金额": _amount_text(case.paid_fen or None, index),
        "新就业形态": "是" if case.new_employment else ("否" if index % 2 else ""),
        "原因": _escaped(case.reason),
        "备注": _escaped(case.note),
    }
    if values["收到申请日期"] is None:
        values["收到申请日期"] = _date_text(case.received_on, index + 2)
    return [values.get(column) for column in COLUMNS]  # columns added later stay empty


def write_csv(path: Path, rows: list[LedgerCase], encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for index, case in enumerate(rows):
            writer.writerow(cells(case, index))
    return path


def write_xlsx(path: Path, rows: list[LedgerCase]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("调解案件")
    sheet.append(list(COLUMNS))
    for index, case in enumerate(rows):
        row = cells(case, index)
        if index % 4 == 0:  # Excel date cells and numbers, as Excel users leave them
            row[COLUMNS.index("受理日期")] = case.accepted_on
            row[COLUMNS.index("申请人数")] = case.worker_count
            row[COLUMNS.index("请求金额")] = case.claimed_fen / 100
        sheet.append(row)
    workbook.save(path)
    return path


# -- a clerk's own spreadsheet ---------------------------------------------------------------

# The words clerks write for the outcomes and channels (any of them; varied by row).
CLERK_OUTCOMES = {
    "调解成功": ("达成协议", "调解成功", "成功"),
    "调解不成": ("未达成", "调解不成", "终止", "不成功"),
    "撤回": ("撤诉", "撤回", "撤销申请"),
    "不予受理": ("不受理", "不予受理"),
    "调解中": ("调解中",),
}
CLERK_CHANNELS = {
    "现场申请": "现场",
    "电话": "12333",
    "网上申请": "网上",
    "仲裁委托": "仲裁",
    "法院委派": "诉前",
    "法院委托": "诉中",
    "其他转办": "转办",
}
# Header vocabularies of centres' own ledgers: {ledger column: the clerk's header}, in the
# clerk's order, between 序号 and 联系电话. The second has no 案件编号 (numbers from the counter)
# and names the credit code so that only its content tells what it is.
CLERK_HEADERS = (
    {
        "案件编号": "案号",
        "申请人": "申请人",
        "申请人数": "涉及人数",
        "被申请单位": "被申请人",
        "统一社会信用代码": "统一社会信用代码",
        "争议类别": "争议类型",
        "案件来源": "来源",
        "收到申请日期": "收案日期",
        "受理日期": "受理时间",
        "请求金额": "请求金额（元）",
        "特约律师": "承办律师",
        "调解结果": "调解结果",
        "结案日期": "结案时间",
        "协议金额": "协议金额",
        "实际到位金额": "到位金额",
        "新就业形态": "是否新就业形态",
        "原因": "原因",
        "备注": "备注",
    },
    {
        "申请人": "职工姓名",
        "申请人数": "人数",
        "被申请单位": "单位名称",
        "统一社会信用代码": "单位代码",
        "争议类别": "案由",
        "收到申请日期": "申请日期",
        "受理日期": "立案日期",
        "案件来源": "案件来源",
        "请求金额": "诉求金额",
        "特约律师": "特约律师",
        "调解结果": "处理结果",
        "结案日期": "办结日期",
        "协议金额": "调解金额",
        "实际到位金额": "已支付",
        "新就业形态": "新就业形态",
        "原因": "原因",
        "备注": "备注",
    },
)
CLERK_TITLE = "2021年里水镇劳动争议联合调解中心调解案件台账"


def _clerk_date(day: date | None, style: int, excel: bool):
    if day is None:
        return ""
    forms = (
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y%m%d}",
        f"{day.year}/{day.month}/{day.day}",
        day if excel else day.isoformat(),
    )
    return forms[style % len(forms)]


def _clerk_amount(fen: int | None, style: int) -> str:
    if fen is None:
        return ""
    if fen % 10_000 == 0 and fen and style % 2:  # whole hundreds of yuan: 1.2万
        return f"{fen / 1_000_000:.2f}".rstrip("0").rstrip(".") + "万"
    text = format_yuan(fen)
    return text + "元" if style % 3 else text


def clerk_table(rows: list[LedgerCase], vocabulary: int = 0, excel: bool = False) -> list[list]:
    """The rows as a clerk keeps them: a title row, a blank row, the header of `vocabulary`
    with 序号 and 联系电话 around it, the clerk's words and date and amount forms, and a 合计 row
    at the bottom. One centre's file: no 调解组织 column."""
    headers = CLERK_HEADERS[vocabulary]
    columns = list(headers)
    table: list[list] = [[CLERK_TITLE], [], ["序号", *headers.values(), "联系电话"]]
    claimed = agreed = 0
    for index, case in enumerate(rows):
        plain = cells(case, index)
        values = dict(zip(COLUMNS, plain, strict=False))
        values["受理日期"] = _clerk_date(case.accepted_on, index, excel)
        values["收到申请日期"] = _clerk_date(case.received_on, index + 1, excel)
        values["结案日期"] = _clerk_date(case.closed_on, index + 2, excel)
        values["请求金额"] = _clerk_amount(case.claimed_fen, index)
        values["协议金额"] = _clerk_amount(case.agreed_fen, index + 1)
        values["实际到位金额"] = _clerk_amount(case.paid_fen or None, index)
        words = CLERK_OUTCOMES[case.outcome]
        values["调解结果"] = words[index % len(words)]
        values["案件来源"] = CLERK_CHANNELS[case.channel] if index % 2 else case.channel
        phone = f"13{index % 10}{index:08d}"[:11]
        table.append([index + 1, *(values[c] for c in columns), phone])
        claimed += case.claimed_fen
        agreed += case.agreed_fen or 0
    total = ["合计", *("" for _ in columns), ""]
    total[1 + columns.index("请求金额")] = format_yuan(claimed)
    total[1 + columns.index("协议金额")] = format_yuan(agreed)
    table.append(total)
    return table


def write_clerk_xlsx(
    path: Path, rows: list[LedgerCase], vocabulary: int = 0, sheet: str = "Sheet1"
) -> Path:
    """A clerk's workbook: one sheet named as Excel names it, the title merged across the top,
    Excel date cells among the typed dates. Written row by row (write-only), so that a bench
    workbook of 100,000 rows is not held in memory."""
    import openpyxl
    from openpyxl.worksheet.cell_range import CellRange

    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    table = clerk_table(rows, vocabulary, excel=True)
    worksheet.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=len(table[2]), max_row=1))
    for line in table:
        worksheet.append(line)
    workbook.save(path)
    _share_strings(path)
    return path


_INLINE = re.compile(
    rb'<c r="([A-Z]+\d+)"( s="\d+")? t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>'
)


def _share_strings(path: Path) -> None:
    """Store the workbook's text as Excel and WPS do, in the shared-string table (openpyxl writes
    each text inline, which takes several times longer to read)."""
    strings: dict[bytes, int] = {}

    def shared(match: re.Match) -> bytes:
        index = strings.setdefault(match.group(3), len(strings))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2) or b"", index)

    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = _INLINE.sub(shared, parts[name])
    items = b"".join(b'<si><t xml:space="preserve">%s</t></si>' % text for text in strings)
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="%d" uniqueCount="%d">%s</sst>' % (len(strings), len(strings), items)
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def write_clerk_csv(
    path: Path, rows: list[LedgerCase], vocabulary: int = 0, encoding: str = "utf-8-sig"
) -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(clerk_table(rows, vocabulary))
    return path


# -- the benchmark ------------------------------------------------------------------------------


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def _engine(url: str):
    from models.db import make_engine

    return make_engine(url)


def _roster(url: str) -> tuple[dict[str, str], list[str]]:
    from sqlmodel import Session, select

    from models import Centre, Lawyer

    with Session(_engine(url)) as session:
        centres = {c.code: c.short_name for c in session.exec(select(Centre))}
        lawyers = [lawyer.certificate_no for lawyer in session.exec(select(Lawyer))]
    return centres, lawyers


def _phase_import(url: str, path: str, centre_code: str | None, queue) -> None:
    """Import the file; a clerk's file (no 调解组织) for the centre `centre_code`."""
    from sqlmodel import Session, select

    from mediation.ledger.importing import import_ledger
    from mediation.ledger.mapping import MappingChoice
    from mediation.scope import Scope
    from models import Centre

    with Session(_engine(url)) as session:
        choice = None
        if centre_code:
            centre = session.exec(select(Centre).where(Centre.code == centre_code)).one()
            choice = MappingChoice(centre_id=centre.id)
        started, cpu = time.perf_counter(), _cpu()
        report = import_ledger(
            session,
            path,
            Path(path).name,
            actor=None,
            scope=Scope(centre_ids=None),
            choice=choice,
        )
        checked = time.perf_counter()
        session.commit()
        done = time.perf_counter()
    problems = [str(p) for p in report.problems[:5]]
    queue.put(
        {
            "imported": report.imported,
            "seconds": done - started,
            "cpu": _cpu() - cpu,
            "commit": done - checked,
            "peak": _peak_mib(),
            "problems": problems,
        }
    )


def _phase_export(url: str, kind: str, limit: int | None, queue) -> None:
    from itertools import islice

    from sqlmodel import Session

    from mediation.ledger.exporting import csv_chunks, ledger_rows, write_xlsx
    from mediation.privacy import FULL_ACCESS

    with Session(_engine(url)) as session:
        rows = ledger_rows(session, [], FULL_ACCESS)
        if limit is not None:
            rows = islice(rows, limit)
        started, cpu = time.perf_counter(), _cpu()
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / f"export.{kind}"
            if kind == "csv":
                count = 0
                with open(target, "wb") as handle:
                    for chunk in csv_chunks(rows):
                        count += chunk.count(b"\n")
                        handle.write(chunk)
                count -= 1  # the header
            else:
                count = write_xlsx(rows, target)
            size = target.stat().st_size
        seconds = time.perf_counter() - started
    queue.put(
        {
            "rows": count,
            "seconds": seconds,
            "cpu": _cpu() - cpu,
            "peak": _peak_mib(),
            "bytes": size,
        }
    )


def _run(target, *args) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def _grow(url: str, total: int) -> int:
    """Copy the imported cases (and their workers) in SQL until there are `total` cases."""
    from sqlalchemy import func, insert, literal, select

    from models import Case, Worker

    engine = _engine(url)
    with engine.begin() as connection:
        base_max = connection.execute(select(func.max(Case.id))).scalar() or 0
        base_count = connection.execute(select(func.count()).select_from(Case)).scalar()
        copies = max((total - base_count) // max(base_count, 1), 0)
        case_columns = list(Case.__table__.columns)
        worker_columns = [c for c in Worker.__table__.columns if c.name != "id"]
        for copy in range(1, copies + 1):
            offset = copy * base_max
            values = []
            for column in case_columns:
                if column.name in ("id", "seq"):
                    values.append(column + offset)
                elif column.name == "number":
                    values.append(column + literal(f"-副本{copy}"))
                else:
                    values.append(column)
            connection.execute(
                insert(Case.__table__).from_select(
                    [c.name for c in case_columns],
                    select(*values).where(Case.id <= base_max),
                )
            )
            worker_values = [(c + offset) if c.name == "case_id" else c for c in worker_columns]
            connection.execute(
                insert(Worker.__table__).from_select(
                    [c.name for c in worker_columns],
                    select(*worker_values).where(Worker.case_id <= base_max),
                )
            )
        count = connection.execute(select(func.count()).select_from(Case)).scalar()
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('mediation_case', 'id'), "
                "(SELECT max(id) FROM mediation_case))"
            )
    with engine.connect() as connection:  # planner statistics, as a live database has them
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    return count


def _prepare(url: str) -> None:
    from sqlmodel import Session

    from mediation.reference.districts import load_reference_data
    from models import Lawyer
    from models.db import upgrade

    upgrade(url)
    with Session(_engine(url)) as session:
        load_reference_data(session)
        for index in range(8):
            session.add(
                Lawyer(
                    name=f"律师{index}",
                    certificate_no=f"1440620101{index:07d}",
                    firm_name="广东测试律师事务所",
                )
            )
        session.commit()


def _rates(result: dict, rows: int) -> str:
    """Wall-clock and CPU time of this process (the database server's CPU is not in it)."""
    return (
        f"{result['seconds']:.1f} 秒（CPU {result['cpu']:.1f} 秒），"
        f"{rows / result['seconds']:,.0f} 行/秒（按 CPU 计 {rows / max(result['cpu'], 1e-9):,.0f}）"
    )


def _bench_clerk(
    url: str, tmp: Path, count: int, kind: str, centres: dict[str, str], lawyers: list[str]
) -> None:
    """Import a clerk's own ledger of `count` rows for one centre: Sheet1 (or a CSV), a title
    row, the second header vocabulary (no 案件编号: numbers from the centre's counter; the
    credit code told by its content), Chinese dates, amounts in 万 and with 元, a 合计 row."""
    code = sorted(centres)[0]
    started = time.perf_counter()
    rows = generate_rows(count, {code: centres[code]}, lawyers, seed=2026)
    if kind == "xlsx":
        ledger = write_clerk_xlsx(tmp / "本中心台账.xlsx", rows, vocabulary=1)
    else:
        ledger = write_clerk_csv(tmp / "本中心台账.csv", rows, vocabulary=1)
    print(
        f"生成本中心自己的台账（{kind}，标题行、自有列名、合计行）{count:,} 行"
        f"（{ledger.stat().st_size / 2**20:.1f} MiB），{time.perf_counter() - started:.1f} 秒"
    )
    del rows
    result = _run(_phase_import, url, str(ledger), code)
    if result["problems"]:
        print("导入失败：", *result["problems"], sep="\n  ")
        raise SystemExit(1)
    print(
        f"按列映射导入 {result['imported']:,} 件：{_rates(result, result['imported'])}"
        f"（其中提交 {result['commit']:.1f} 秒），峰值内存 {result['peak']:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="cases to import")
    parser.add_argument("--export-rows", type=int, default=1_000_000, help="cases to export")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="cases to write as .xlsx")
    parser.add_argument(
        "--clerk-rows",
        type=int,
        default=100_000,
        help="cases of a clerk's own ledger to import through the column mapping (0: none)",
    )
    parser.add_argument("--clerk-format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--skip-export", action="store_true", help="measure the imports only")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        if base and base.startswith("postgresql"):
            from sqlalchemy import text

            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = _engine(base)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
        else:
            admin, schema = None, None
            url = f"sqlite:///{tmp}/bench.sqlite3"
        try:
            _prepare(url)
            centres, lawyers = _roster(url)
            print(f"数据库：{url.split('?')[0].split('://')[0]}")

            started = time.perf_counter()
            rows = generate_rows(args.rows, centres, lawyers)
            ledger = write_csv(Path(tmp) / "台账.csv", rows)
            print(
                f"生成台账 {len(rows):,} 行（{ledger.stat().st_size / 2**20:.1f} MiB），"
                f"{time.perf_counter() - started:.1f} 秒"
            )
            del rows

            result = _run(_phase_import, url, str(ledger), None)
            if result["problems"]:
                print("导入失败：", *result["problems"], sep="\n  ")
                raise SystemExit(1)
            print(
                f"导入 {result['imported']:,} 件：{_rates(result, result['imported'])}"
                f"（其中提交 {result['commit']:.1f} 秒），峰值内存 {result['peak']:.0f} MiB"
            )
            if args.clerk_rows:
                _bench_clerk(url, Path(tmp), args.clerk_rows, args.clerk_format, centres, lawyers)
            if args.skip_export:
                return

            total = _grow(url, args.export_rows)
            print(f"复制后共 {total:,} 件案件")
            small = max(total // 10, 1)
            for kind, limit in (
                ("csv", small),
                ("csv", None),
                ("xlsx", min(args.xlsx_rows, total) // 10 or 1),
                ("xlsx", min(args.xlsx_rows, total)),
            ):
                result = _run(_phase_export, url, kind, limit)
                print(
                    f"导出 {kind.upper():<4} {result['rows']:>9,} 行："
                    f"{_rates(result, result['rows'])}，"
                    f"{result['bytes'] / 2**20:.1f} MiB，峰值内存 {result['peak']:.0f} MiB"
                )
        finally:
            if admin is not None:
                from sqlalchemy import text

                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


if __name__ == "__main__":
    main()
