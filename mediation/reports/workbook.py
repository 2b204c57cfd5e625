"""The periodic report as an .xlsx in the layout of a statistical report form: the form's
title and 表号 / 制表机关 at the top, 填报单位 and 报告期 above the table, the indicators with
their codes and units, and 单位负责人 / 填表人 / 报出日期 at the foot. Money in yuan."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from mediation.reports.periodic import FORM_AUTHORITY, FORM_NUMBER, FORM_TITLE, Row

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass(frozen=True)
class FormHeader:
    unit: str  # 填报单位
    period_label: str  # 报告期
    responsible: str = ""  # 单位负责人
    preparer: str = ""  # 填表人
    reported_on: date | None = None  # 报出日期
    version: int | None = None  # None: not submitted (current figures)


def _value(row: Row, value: int | None):
    if value is None:
        return None
    return Decimal(value).scaleb(-2) if row.money else value


def write_report(out: BinaryIO, header: FormHeader, mediation: list[Row], legal: list[Row]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "统计表"
    corrected = any(r.correction for r in mediation + legal)
    width = 6 if corrected else 4
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"] = FORM_TITLE
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([f"表号：{FORM_NUMBER}", None, f"制表机关：{FORM_AUTHORITY}"])
    status = f"第{header.version}版（已报送）" if header.version else "未报送（当前数）"
    sheet.append([f"填报单位：{header.unit}", None, f"报告期：{header.period_label}", status])
    titles = ["指标名称", "代码", "计量单位", "本期数"]
    if corrected:
        titles += ["当前数", "更正"]
    sheet.append(titles)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.border = Font(bold=True), BOX
    code = 0
    for section, rows in (("一、劳动争议调解", mediation), ("二、法律服务", legal)):
        sheet.append([section])
        for row in rows:
            code += 1
            shown = row.submitted if row.submitted is not None else row.current
            values = [row.label, f"{code:02d}", row.unit, _value(row, shown)]
            if corrected:
                values += [_value(row, row.current), _value(row, row.correction)]
            sheet.append(values)
            for cell in sheet[sheet.max_row]:
                cell.border = BOX
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
    sheet.append([])
    reported = f"{header.reported_on:%Y年%m月%d日}" if header.reported_on else ""
    sheet.append(
        [
            f"单位负责人：{header.responsible}",
            None,
            f"填表人：{header.preparer}",
            f"报出日期：{reported}",
        ]
    )
    sheet.column_dimensions["A"].width = 40
    for column in "BCDEF":
        sheet.column_dimensions[column].width = 16
    book.save(out)
