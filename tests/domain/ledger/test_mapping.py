"""A clerk's own ledger read as the ledger: header below title rows, columns by name, by the
names centres use and by content, values as people type them, totals and blank rows skipped,
numbers from the centre's counter for a file without 案件编号, and every unreadable cell named
by row and by the file's own column name, nothing written."""

import csv
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import func
from sqlmodel import select

from mediation.identifiers import credit_code_check_char
from mediation.ledger.importing import import_ledger
from mediation.ledger.mapping import MappingChoice, describe, header_key, header_unit
from mediation.ledger.reading import BadCell
from mediation.ledger.values import (
    cell_amount,
    cell_category,
    cell_channel,
    cell_date,
    cell_outcome,
)
from mediation.numbering import raise_counter
from mediation.scope import Scope
from models import Case

TODAY = date(2026, 11, 24)
CITY = Scope(centre_ids=None)
CODE = "91440605MA4UJ8K13" + credit_code_check_char("91440605MA4UJ8K13")


@pytest.mark.parametrize(
    "typed",
    ["2021-03-09", "2021/3/9", "2021.3.9", "2021年3月9日", "20210309", "２０２１．３．９", 20210309,
     datetime(2021, 3, 9), date(2021, 3, 9)],
)  # fmt: skip
def test_dates_as_people_type_them(typed):
    assert cell_date(typed) == date(2021, 3, 9)


@pytest.mark.parametrize("typed", ["3/9/2021", "20211309", 44264, "2021-3"])
def test_dates_that_cannot_be_read(typed):
    with pytest.raises(BadCell):
        cell_date(typed)


@pytest.mark.parametrize(
    ("typed", "fen"),
    [("12,000", 1_200_000), ("12000元", 1_200_000), ("12,000.50元", 1_200_050),
     ("1.2万", 1_200_000), ("1.2万元", 1_200_000), ("０.５万", 500_000), ("１２０００", 1_200_000),
     ("￥3,000", 300_000), (12000.5, 1_200_050), ("1.234567万", 1_234_567)],
)  # fmt: skip
def test_amounts_as_people_type_them(typed, fen):
    assert cell_amount(typed) == fen


def test_amounts_in_wan_keep_the_rules_of_yuan():
    with pytest.raises(BadCell, match="以万元计的金额最多保留六位小数（精确到分）"):
        cell_amount("1.2345678万")
    with pytest.raises(BadCell, match="金额不能超过1亿元"):
        cell_amount("20000万")


@pytest.mark.parametrize(
    ("typed", "outcome"),
    [("达成协议", "调解成功"), ("调解成功", "调解成功"), ("成功", "调解成功"),
     ("未达成", "调解不成"), ("调解不成", "调解不成"), ("不成功", "调解不成"), ("终止", "调解不成"),
     ("撤诉", "撤回"), ("撤回", "撤回"), ("撤销申请", "撤回"),
     ("不予受理", "不予受理"), ("不受理", "不予受理"), ("调解中", "调解中")],
)  # fmt: skip
def test_outcomes_by_their_common_names(typed, outcome):
    assert cell_outcome(typed) == outcome


def test_channels_and_categories_by_their_common_names():
    assert cell_channel("仲裁") == "仲裁委托" and cell_channel("诉前") == "法院委派"
    assert cell_channel("12333") == "电话" and cell_channel("现场") == "现场申请"
    assert cell_category("欠薪") == "劳动报酬" and cell_category("社保") == "社会保险"
    with pytest.raises(BadCell, match="无效「已调解」"):
        cell_outcome("已调解")


def test_header_names_are_compared_without_blanks_units_and_marks():
    assert header_key(" 请求金额（元）") == header_key("请求金额")
    assert header_key("*受理日期") == header_key("受理 日期") == "受理日期"
    assert header_key("标的额 万元") == header_key("标的额（单位：万元）") == "标的额"


@pytest.mark.parametrize(
    ("header", "unit"),
    [("拖欠工资（万元）", "万元"), ("金额(万元)", "万元"), ("标的额 万元", "万元"),
     ("金额（单位：万元）", "万元"), ("金额/万元", "万元"), ("协议金额（千元）", "千元"),
     ("请求金额（元）", "元"), ("请求金额", "元"), ("人数（人）", "元"), ("万元", "元")],
)  # fmt: skip
def test_the_unit_a_header_counts_in(header, unit):
    assert header_unit(header) == unit


@pytest.mark.parametrize(
    ("typed", "unit", "fen"),
    [("1.2", "万元", 1_200_000), (1.2, "万元", 1_200_000), ("1.234567", "万元", 1_234_567),
     (3, "万元", 3_000_000), ("0.5", "千元", 50_000), ("12.34567", "千元", 1_234_567),
     ("1,234.5", "万元", 1_234_500_000), ("１.５", "万元", 1_500_000),
     # a cell that names its own unit is read in it
     ("12000元", "万元", 1_200_000), ("1.2万", "千元", 1_200_000), ("1.2万元", "万元", 1_200_000)],
)  # fmt: skip
def test_amounts_in_a_column_counted_in_wan_or_thousands_are_exact_to_the_fen(typed, unit, fen):
    assert cell_amount(typed, unit=unit) == fen


def test_an_amount_finer_than_a_fen_once_scaled_is_refused():
    with pytest.raises(BadCell, match="以万元计的金额最多保留六位小数（精确到分）"):
        cell_amount(1.2345678, unit="万元")
    with pytest.raises(BadCell, match="以千元计的金额最多保留五位小数（精确到分）"):
        cell_amount("0.123456", unit="千元")
    with pytest.raises(BadCell, match="金额不能超过1亿元"):
        cell_amount("10000.01", unit="万元")


HEADER = ["序号", "申请人", "被申请人", "争议类型", "受理时间", "来源", "涉及人数", "调解结果",
          "请求金额", "协议金额", "结案时间", "联系电话"]  # fmt: skip


def _row(n, accepted="2021.3.9", outcome="达成协议", agreed="1.2万", closed="2021年3月20日"):
    return [n, f"职工{n}", "佛山市某五金制品有限公司", "欠薪", accepted, "现场", 1, outcome,
            "12,000元", agreed, closed, f"1380000{n:04d}"]  # fmt: skip


def _workbook(path, rows, title=True, sheet="Sheet1", header=HEADER):
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    if title:
        worksheet.append(["2021年里水镇劳动争议联合调解中心调解案件台账"])
        worksheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        worksheet.append([])
    worksheet.append(header)
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def _import(db, path, centres, dry_run=False, **choice):
    choice = MappingChoice(centre_id=centres["NH-LS"].id, **choice)
    return import_ledger(
        db, path, path.name, actor=None, scope=CITY, today=TODAY, dry_run=dry_run, choice=choice
    )


def _cases(db) -> int:
    return db.exec(select(func.count()).select_from(Case)).one()


def test_title_rows_totals_and_blank_rows_are_passed_over_and_reported(db, centres, tmp_path):
    rows = [_row(1), [], _row(2), ["小计", "", "", "", "", "", 2, "", "24,000元"], _row(3),
            ["合计", "", "", "", "", "", 3, "", "36,000元", "3.6万"], [], []]  # fmt: skip
    report = _import(db, _workbook(tmp_path / "台账.xlsx", rows), centres)
    assert report.ok, [str(p) for p in report.problems]
    assert report.mapping.header_row == 3 and report.rows == 3 and report.imported == 3
    assert report.notes == [
        "台账没有「案件编号」列：按受理日期的年度，依文件顺序从本中心编号续编",
        "合计行 2 行未导入（第7行、第9行）",
        "空行 1 行已跳过",  # the blank rows after the last case are not counted
    ]
    by_header = {c.header: (c.field, c.how) for c in report.mapping.columns}
    assert by_header["序号"] == ("", "常用列名") and by_header["联系电话"] == ("", "常用列名")
    assert by_header["受理时间"] == ("受理日期", "常用列名")
    assert by_header["申请人"] == ("申请人", "列名")
    case = db.exec(select(Case).where(Case.number == "(2021)南里调字第1号")).one()
    assert (case.status, case.category, case.channel) == ("succeeded", "劳动报酬", "现场申请")
    assert (case.claimed_fen, case.agreed_fen) == (1_200_000, 1_200_000)


def test_numbers_come_from_the_centres_counter_by_the_year_of_acceptance_in_file_order(
    db, centres, tmp_path
):
    raise_counter(db, centres["NH-LS"].id, 2021, 41)
    rows = [_row(1, accepted="2021-12-30", closed="2022-01-10"),
            _row(2, accepted="2022/1/4", closed="2022/1/20"),
            _row(3, accepted="20211231", closed="20220105")]  # fmt: skip
    report = _import(db, _workbook(tmp_path / "无编号.xlsx", rows, title=False), centres)
    assert report.ok, [str(p) for p in report.problems]
    numbers = db.exec(select(Case.number).order_by(Case.id)).all()
    assert numbers == ["(2021)南里调字第42号", "(2022)南里调字第1号", "(2021)南里调字第43号"]


def test_every_unreadable_cell_is_named_by_row_and_the_files_column_and_nothing_is_written(
    db, centres, tmp_path
):
    rows = [_row(1), _row(2, accepted="2021.13.9"), _row(3, outcome="已调解"),
            _row(4, agreed="一万二")]  # fmt: skip
    report = _import(db, _workbook(tmp_path / "有错.xlsx", rows), centres)
    messages = [str(p) for p in report.problems]
    assert messages == [
        "第5行「受理时间」（受理日期）日期不存在",
        "第6行「调解结果」无效「已调解」，应为：调解成功、调解不成、撤回、不予受理、调解中",
        "第7行「协议金额」金额格式不正确",
    ]
    assert report.imported == 0 and _cases(db) == 0


def test_columns_without_a_known_name_are_told_by_content(db, centres, tmp_path):
    header = ["姓名", "单位", "代码", "类型", "日期", "证件", "结果", "人数", "来源", "金额"]
    rows = [[f"职工{n}", "佛山市某五金制品有限公司", CODE, "欠薪", f"2021-03-{n:02d}",
             "440605199001011234", "调解中", 1, "现场", "100"] for n in range(1, 4)]  # fmt: skip
    path = _workbook(tmp_path / "内容.xlsx", rows, title=False, header=header)
    report = _import(db, path, centres, dry_run=True, columns={"金额": "请求金额"})
    by_header = {c.header: (c.field, c.how) for c in report.mapping.columns}
    assert by_header["代码"] == ("统一社会信用代码", "按内容识别")
    assert by_header["日期"] == ("受理日期", "按内容识别")
    assert by_header["单位"] == ("被申请单位", "按内容识别")
    assert by_header["类型"] == ("争议类别", "按内容识别")
    assert by_header["来源"] == ("案件来源", "常用列名")
    assert by_header["结果"] == ("调解结果", "常用列名")
    assert by_header["金额"] == ("请求金额", "已指定")
    assert by_header["姓名"] == ("", "")  # names are not told apart from any other text
    assert report.ok and len(report.new) == 3, [str(p) for p in report.problems]


def test_two_columns_for_one_field_and_a_missing_centre_are_refused(db, centres, tmp_path):
    header = [*HEADER[:-1], "立案日期"]
    rows = [[*_row(1)[:-1], "2021-03-09"]]
    path = _workbook(tmp_path / "重复.xlsx", rows, header=header)
    report = import_ledger(db, path, path.name, actor=None, scope=CITY, today=TODAY)
    messages = [str(p) for p in report.problems]
    assert "第3行：「受理时间」和「立案日期」都对应「受理日期」，请只保留一列" in messages
    assert "第3行：缺少必填列「调解组织」：请选择本台账案件所属的调解组织" in messages
    assert _cases(db) == 0


def test_a_workbook_of_several_sheets_is_read_from_the_one_chosen(db, centres, tmp_path):
    path = _workbook(tmp_path / "多表.xlsx", [_row(1)])
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("汇总").append(["月份", "件数"])
    workbook.save(path)
    report = _import(db, path, centres, dry_run=True)
    assert report.sheet_names == ["Sheet1", "汇总"] and not report.ok
    report = _import(db, path, centres, dry_run=True, sheet="Sheet1")
    assert report.ok and len(report.new) == 1


def test_a_gb18030_csv_of_a_clerk_with_a_title_line(db, centres, tmp_path):
    path = tmp_path / "台账.csv"
    with open(path, "w", newline="", encoding="gb18030") as handle:
        writer = csv.writer(handle)
        writer.writerow(["里水镇调解案件台账（2021年）"])
        writer.writerow(HEADER)
        writer.writerows([_row(1), _row(2, outcome="撤诉", agreed="")])
        writer.writerow(["合计", "", "", "", "", "", 2])
    report = _import(db, path, centres)
    assert report.ok and report.imported == 2, [str(p) for p in report.problems]
    assert sorted(db.exec(select(Case.status)).all()) == ["succeeded", "withdrawn"]


def test_the_filled_in_template_imports_without_its_instructions(db, centres, tmp_path):
    from mediation.ledger.template import write_template

    path = tmp_path / "模板.xlsx"
    write_template(path, [centres["NH-LS"]])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["调解案件"]
    header = [c.value for c in sheet[1]]
    values = {"案件编号": "(2021)南里调字第7号", "调解组织": "NH-LS", "受理日期": "2021-03-09",
              "案件来源": "现场申请", "争议类别": "劳动报酬", "申请人数": 1,
              "被申请单位": "佛山市某五金制品有限公司", "请求金额": "1000",
              "调解结果": "调解中"}  # fmt: skip
    sheet.append([values.get(name) for name in header])
    workbook.save(path)
    report = import_ledger(db, path, path.name, actor=None, scope=CITY, today=TODAY)
    assert report.ok and report.imported == 1, [str(p) for p in report.problems]


WAN_HEADER = ["序号", "申请人", "被申请人", "争议类型", "受理时间", "来源", "涉及人数", "调解结果",
              "拖欠工资（万元）", "协议金额(千元)", "到位金额 万元", "结案时间"]  # fmt: skip


def _wan_row(n, claimed=1.2, agreed="8.5", paid=0.85):
    return [n, f"职工{n}", "佛山市某五金制品有限公司", "欠薪", "2021-03-09", "现场", 1,
            "达成协议", claimed, agreed, paid, "2021-03-20"]  # fmt: skip


def test_a_ledger_counting_in_wan_and_thousands_imports_exact_amounts(db, centres, tmp_path):
    rows = [_wan_row(1), _wan_row(2, claimed="0.123456", agreed=1.23456, paid="1,234.56元")]
    path = _workbook(tmp_path / "万元.xlsx", rows, header=WAN_HEADER)
    report = _import(db, path, centres)
    assert report.ok, [str(p) for p in report.problems]
    units = {c.header: (c.field, c.shown_unit) for c in report.mapping.columns}
    assert units["拖欠工资（万元）"] == ("请求金额", "万元（×10,000）")
    assert units["协议金额(千元)"] == ("协议金额", "千元（×1,000）")
    assert units["到位金额 万元"] == ("实际到位金额", "万元（×10,000）")
    assert units["涉及人数"] == ("申请人数", "")  # not an amount
    line = "  拖欠工资（万元） → 请求金额（常用列名），单位：万元（×10,000）"
    assert line in describe(report.mapping)
    amounts = db.exec(
        select(Case.claimed_fen, Case.agreed_fen, Case.paid_fen).order_by(Case.id)
    ).all()
    assert [tuple(a) for a in amounts] == [
        (1_200_000, 850_000, 850_000),  # 1.2万元, 8.5千元, 0.85万元
        (123_456, 123_456, 123_456),  # 0.123456万元, 1.23456千元, and 1,234.56 as typed in 元
    ]


def test_an_amount_finer_than_a_fen_in_a_wan_column_is_named_at_its_cell(db, centres, tmp_path):
    rows = [_wan_row(1), _wan_row(2, claimed=1.2345678), _wan_row(3, agreed="0.000001")]
    report = _import(db, _workbook(tmp_path / "万元有错.xlsx", rows, header=WAN_HEADER), centres)
    assert [str(p) for p in report.problems] == [
        "第5行「拖欠工资（万元）」（请求金额）以万元计的金额最多保留六位小数（精确到分）",
        "第6行「协议金额(千元)」（协议金额）以千元计的金额最多保留五位小数（精确到分）",
    ]
    assert report.imported == 0 and _cases(db) == 0


def test_a_column_chosen_as_an_amount_keeps_the_unit_of_its_header(db, centres, tmp_path):
    header = [*WAN_HEADER[:8], "金额(万元)", *WAN_HEADER[9:]]
    path = _workbook(tmp_path / "金额.xlsx", [_wan_row(1, claimed="2.5")], header=header)
    report = _import(db, path, centres, columns={"金额(万元)": "请求金额"})
    assert report.ok, [str(p) for p in report.problems]
    assert db.exec(select(Case.claimed_fen)).one() == 2_500_000
