"""The ledger template a centre downloads to keep its ledger in: a 调解案件 sheet with the header
and, on the cells below it, the allowed values as Excel drop-down lists (data validation), and a
填写说明 sheet with what each column holds, an example row and the lists the drop-downs read.

The example row stands on the instructions sheet, which the import never reads, so a template
filled in without deleting it imports no invented case.
"""

from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from mediation.ledger.columns import (
    CATEGORY,
    CENTRE,
    CHANNEL,
    COLUMNS,
    NEW_EMPLOYMENT,
    NO,
    OUTCOME,
    OUTCOMES,
    REQUIRED_COLUMNS,
    SHEET_MEDIATION,
    SHEET_NOTES,
    WITHDRAWAL_STAGE,
    WITHDRAWAL_STAGES,
    YES,
)
from models import Category, Centre, Channel

TEMPLATE_ROWS = 5000  # rows below the header that carry the drop-down lists
EXAMPLE = {
    "案件编号": "(2021)南里调字第15号",
    "调解组织": "NH-LS",
    "收到申请日期": "2021-03-08",
    "受理日期": "2021-03-09",
    "案件来源": "现场申请",
    "争议类别": "劳动报酬",
    "申请人数": 2,
    "申请人": "张三、李四",
    "被申请单位": "佛山市某某五金制品有限公司",
    "统一社会信用代码": "91440605MA4UJ8K133",
    "请求金额": "12,000.00",
    "特约律师": "",
    "调解结果": "调解成功",
    "结案日期": "2021-03-20",
    "协议金额": "10,000.00",
    "实际到位金额": "10,000.00",
    "新就业形态": "否",
    "原因": "",
    "备注": "示例行，请勿录入",
}
HELP = {
    "案件编号": "如 (2021)南里调字第15号；不填写此列时按受理日期的年度从本中心编号续编",
    "调解组织": "中心代码（如 NH-LS）或中心全称；不填写此列时为导入人所在中心",
    "收到申请日期": "不填时取受理日期",
    "受理日期": "不予受理的案件填写不予受理决定日期",
    "案件来源": "从下拉列表选择；不填写此列时导入时为整个文件选择",
    "争议类别": "从下拉列表选择",
    "申请人数": "不小于1的整数",
    "申请人": "姓名以「、」分隔；少于申请人数时其余记为「职工1」「职工2」……",
    "被申请单位": "单位名称",
    "统一社会信用代码": "填写时须通过校验",
    "请求金额": "元，可写 12,000、12000元 或 1.2万；不填写此列时按0计",
    "特约律师": "律师名册中的执业证号或姓名",
    "调解结果": "从下拉列表选择",
    "结案日期": "调解中的案件不填，其余必填（不予受理可不填）",
    "协议金额": "调解成功时必填（元）",
    "实际到位金额": "不超过协议金额（元）",
    "新就业形态": "是 / 否（不填为否）",
    "原因": "调解不成、撤回或不予受理的原因",
    "备注": "",
    "撤回阶段": "撤回的案件：受理前 / 受理后",
    "协议签署日期": "调解成功：协议签署的日期",
    "延长天数": "经双方同意延长调解期限的天数（1至15天）",
    "同意延长日期": "双方同意延长的日期",
}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def write_template(target: str | IO[bytes], centres: list[Centre]) -> None:
    """The template workbook, with the centres the user may import for in the 调解组织 list."""
    lists = {
        CENTRE: [c.code for c in centres],
        CHANNEL: [c.value for c in Channel],
        CATEGORY: [c.value for c in Category],
        OUTCOME: list(OUTCOMES),
        NEW_EMPLOYMENT: [YES, NO],
        WITHDRAWAL_STAGE: list(WITHDRAWAL_STAGES),
    }
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_MEDIATION
    sheet.append(list(COLUMNS))
    for index, name in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.fill = _HEADER_FILL
        cell.font = Font(bold=True, color="C00000" if name in REQUIRED_COLUMNS else None)
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) * 2 + 4)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(SHEET_NOTES)
    notes.append(["台账填写说明：在「调解案件」工作表中每行填写一件案件；红色列名为必填列。"])
    notes.append(["日期可写作 2021-03-09、2021/3/9、2021.3.9、2021年3月9日 或 20210309；"])
    notes.append(["本工作表不会被导入；下方示例行仅供参考。"])
    notes.append([])
    notes.append(["列", "必填", "说明", "示例"])
    for name in COLUMNS:
        required = "是" if name in REQUIRED_COLUMNS else ""
        notes.append([name, required, HELP.get(name, ""), EXAMPLE.get(name, "")])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["C"].width = 60
    notes.column_dimensions["D"].width = 30
    # The allowed values, in columns to the right, for the drop-downs to read.
    first_list_column = 7
    for offset, (name, values) in enumerate(lists.items()):
        column = first_list_column + offset
        letter = get_column_letter(column)
        notes.cell(row=5, column=column, value=f"{name}（可选值）").font = Font(bold=True)
        for row, value in enumerate(values, start=6):
            notes.cell(row=row, column=column, value=value)
        widest = max((len(v) for v in values), default=0)
        notes.column_dimensions[letter].width = max(14, widest * 2)
        source = f"'{SHEET_NOTES}'!${letter}$6:${letter}${5 + max(len(values), 1)}"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="无效的值",
            error=f"请从下拉列表中选择「{name}」",
        )
        target_letter = get_column_letter(COLUMNS.index(name) + 1)
        validation.add(f"{target_letter}2:{target_letter}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
    workbook.save(target)
