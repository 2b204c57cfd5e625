"""The statistics workbook (.xlsx): a headline sheet, one sheet per breakdown and the top
respondent employers, each opening with a header block that names the period and the scope.

Built with openpyxl's write-only mode (rows are written once, in order, without keeping a cell
model in memory). Counts are stored as whole numbers, rates as fractions with a percentage
format, money as yuan with a two-decimal format: numbers a spreadsheet can add up.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from mediation.statistics.breakdowns import Breakdown
from mediation.statistics.figures import COUNTS, DEFINITIONS, Figures, Statistics
from mediation.statistics.union import UNION_DEFINITIONS, UnionReport

MONEY = "#,##0.00"
PERCENT = "0.00%"
COUNT = "#,##0"
DAYS = "0.0"
TITLE = "劳动争议联合调解统计"


@dataclass(frozen=True)
class Header:
    period_label: str  # 2021年3月
    scope_label: str  # 佛山市（全市） / 南海区 / 南海区里水镇…联合调解中心
    generated_at: datetime


def yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


# (heading, value of a Figures, number format) of each breakdown column after the label.
FIGURE_COLUMNS = [
    *[(label, attrgetter(key), COUNT) for key, label, _ in COUNTS],
    ("结案", lambda f: f.closed, COUNT),
    ("调解成功率（按受理数）", lambda f: f.success_rate_handled, PERCENT),
    ("调解成功率（按结案数）", lambda f: f.success_rate_closed, PERCENT),
    ("挽回经济损失（元）", lambda f: yuan(f.recovered_fen), MONEY),
    ("实际到位（元）", lambda f: yuan(f.paid_fen), MONEY),
    ("服务职工人次", lambda f: f.workers_served, COUNT),
    ("受益职工人次", lambda f: f.workers_benefited, COUNT),
    ("平均结案天数", lambda f: f.avg_days_to_close, DAYS),
]


class _Sheet:
    def __init__(self, workbook: Workbook, title: str, widths: list[int]):
        self.ws = workbook.create_sheet(title)
        for index, width in enumerate(widths):
            self.ws.column_dimensions[chr(ord("A") + index)].width = width

    def cell(self, value, number_format: str | None = None, bold: bool = False, fill: bool = False):
        cell = WriteOnlyCell(self.ws, value=value)
        if number_format:
            cell.number_format = number_format
        if bold:
            cell.font = Font(bold=True)
        if fill:
            cell.fill = PatternFill("solid", fgColor="E8ECF0")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        return cell

    def row(self, *values) -> None:
        self.ws.append(list(values))

    def header(self, header: Header, subtitle: str, definitions: bool = False) -> None:
        self.row(self.cell(f"{TITLE}：{subtitle}", bold=True))
        self.row("统计期间", header.period_label)
        self.row("统计范围", header.scope_label)
        self.row("生成时间", header.generated_at.strftime("%Y-%m-%d %H:%M"))
        if definitions:
            for index, text in enumerate(DEFINITIONS):
                self.row("口径说明" if index == 0 else None, text)
        self.row()

    def headings(self, *names: str) -> None:
        self.row(*[self.cell(name, bold=True, fill=True) for name in names])


def _headline(workbook: Workbook, header: Header, stats: Statistics) -> None:
    sheet = _Sheet(workbook, "总体", [26, 16, 12, 12, 60])
    sheet.header(header, "总体", definitions=True)
    sheet.headings("指标", "数值", "分子", "分母", "说明")
    t = stats.total
    for key, label, _ in COUNTS:
        sheet.row(label, sheet.cell(getattr(t, key), COUNT))
    rates = [
        ("调解成功率（按受理数）", t.success_rate_handled, t.handled, "调解成功 ÷ 受理"),
        ("调解成功率（按结案数）", t.success_rate_closed, t.closed, "调解成功 ÷ 结案"),
    ]
    for label, value, denominator, note in rates:
        sheet.row(
            label,
            sheet.cell(value, PERCENT),
            sheet.cell(t.succeeded, COUNT),
            sheet.cell(denominator, COUNT),
            note,
        )
    sheet.row(
        "挽回经济损失（元）", sheet.cell(yuan(t.recovered_fen), MONEY), None, None, "生效协议金额"
    )
    sheet.row(
        "实际到位（元）",
        sheet.cell(yuan(t.paid_fen), MONEY),
        None,
        None,
        "调解成功案件已登记的付款",
    )
    sheet.row("服务职工人次", sheet.cell(t.workers_served, COUNT))
    sheet.row("受益职工人次", sheet.cell(t.workers_benefited, COUNT))
    sheet.row("超期未结", sheet.cell(stats.overdue_open, COUNT), None, None, "至今未结且已过期限")
    sheet.row("平均结案天数", sheet.cell(t.avg_days_to_close, DAYS))


def _figures_row(sheet: _Sheet, label: str, figures: Figures, bold: bool = False) -> None:
    sheet.row(
        sheet.cell(label, bold=bold),
        *[sheet.cell(value(figures), fmt, bold=bold) for _, value, fmt in FIGURE_COLUMNS],
    )


def _breakdown(workbook: Workbook, header: Header, breakdown: Breakdown, total: Figures) -> None:
    sheet = _Sheet(workbook, breakdown.title, [30] + [11] * 7 + [14, 14, 18, 16, 12, 12, 12])
    sheet.header(header, breakdown.title)
    sheet.headings(breakdown.heading, *[name for name, _, _ in FIGURE_COLUMNS])
    for row in breakdown.rows:
        _figures_row(sheet, row.label, row.figures)
    _figures_row(sheet, "合计", total, bold=True)


def _employers(workbook: Workbook, header: Header, employers) -> None:
    sheet = _Sheet(workbook, "被申请单位", [40, 11, 11, 18])
    sheet.header(header, "被申请单位（按受理数排列）")
    sheet.headings("被申请单位", "受理", "调解成功", "挽回经济损失（元）")
    for _, name, handled, succeeded, recovered_fen in employers:
        sheet.row(
            name,
            sheet.cell(handled, COUNT),
            sheet.cell(succeeded, COUNT),
            sheet.cell(yuan(recovered_fen), MONEY),
        )


def write_workbook(
    out: BinaryIO,
    header: Header,
    stats: Statistics,
    breakdowns: list[Breakdown],
    employers: list[tuple[int, str, int, int, int]],
) -> None:
    """Write the statistics workbook to the binary stream `out`."""
    workbook = Workbook(write_only=True)
    _headline(workbook, header, stats)
    for breakdown in breakdowns:
        _breakdown(workbook, header, breakdown, stats.total)
    _employers(workbook, header, employers)
    workbook.save(out)


# --- The combined union report (statistics.union): one sheet, both families ---------------

UNION_TITLE = "工会劳动争议调处工作报告"


def write_union_workbook(out: BinaryIO, header: Header, report: UnionReport, summary: str) -> None:
    """Write the union report as a one-sheet workbook: header, both families, rows."""
    workbook = Workbook(write_only=True)
    sheet = _Sheet(workbook, "工会调处工作", [30, 12, 12, 12, 12, 16, 16, 12, 12, 16])
    sheet.row(sheet.cell(UNION_TITLE, bold=True))
    sheet.row("统计期间", header.period_label)
    sheet.row("统计范围", header.scope_label)
    sheet.row("生成时间", header.generated_at.strftime("%Y-%m-%d %H:%M"))
    for index, text in enumerate(UNION_DEFINITIONS):
        sheet.row("口径说明" if index == 0 else None, text)
    sheet.row("概述", summary)
    sheet.row()

    m, g = report.mediation, report.legal
    sheet.headings("调解", "数值", "分子", "分母", "说明")
    sheet.row("承接调解案件", sheet.cell(m.handled, COUNT))
    sheet.row("调解成功", sheet.cell(m.succeeded, COUNT))
    sheet.row(
        "调解成功率",
        sheet.cell(m.success_rate_handled, PERCENT),
        sheet.cell(m.succeeded, COUNT),
        sheet.cell(m.handled, COUNT),
        "调解成功 ÷ 承接调解案件",
    )
    sheet.row("惠及职工人次", sheet.cell(m.workers_served, COUNT), None, None, "受理案件的申请职工")
    sheet.row("受益职工人次", sheet.cell(m.workers_benefited, COUNT), None, None, "调解成功案件")
    sheet.row(
        "挽回经济损失（元）", sheet.cell(yuan(m.recovered_fen), MONEY), None, None, "生效协议金额"
    )
    sheet.row(
        "实际到位（元）",
        sheet.cell(yuan(m.paid_fen), MONEY),
        None,
        None,
        "调解成功案件已登记的付款",
    )
    sheet.row()
    sheet.headings("法律服务", "数值", None, None, "说明")
    sheet.row("仲裁、诉讼法律服务案件", sheet.cell(g.cases, COUNT), None, None, "仲裁、诉讼代理")
    sheet.row("惠及职工人次", sheet.cell(g.worker_times, COUNT), None, None, "代理的职工")
    sheet.row(
        "挽回经济损失（元）", sheet.cell(yuan(g.recovered_fen), MONEY), None, None, "职工实际获得"
    )
    sheet.row()

    sheet.headings(
        report.row_heading,
        "承接调解案件",
        "调解成功",
        "调解成功率",
        "惠及职工人次",
        "调解挽回经济损失（元）",
        "实际到位（元）",
        "法律服务案件",
        "法律服务惠及职工人次",
        "法律服务挽回经济损失（元）",
    )

    def line(label, f, legal, bold=False):
        values = [
            (f.handled, COUNT),
            (f.succeeded, COUNT),
            (f.success_rate_handled, PERCENT),
            (f.workers_served, COUNT),
            (yuan(f.recovered_fen), MONEY),
            (yuan(f.paid_fen), MONEY),
            (legal.cases, COUNT),
            (legal.worker_times, COUNT),
            (yuan(legal.recovered_fen), MONEY),
        ]
        sheet.row(
            sheet.cell(label, bold=bold), *[sheet.cell(v, fmt, bold=bold) for v, fmt in values]
        )

    for row in report.rows:
        line(row.label, row.mediation, row.legal)
    line("合计", m, g, bold=True)
    workbook.save(out)
