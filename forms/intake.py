"""The application form (调解申请登记): case particulars, the employer and a table of workers.

The worker table is a FieldList of rows. Up to three amount columns per row are named by the
selects `claim_kind_1..3` above the table. Rows can be added, removed and pasted from Excel
without JavaScript (submit buttons), so `parse_pasted_rows` lives here with the form.
"""

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from forms import select_choices
from mediation.identifiers import IdType
from mediation.money import InvalidAmount, parse_yuan
from models import ApplicationForm, Category, Channel, ClaimKind

AMOUNT_COLUMNS = (1, 2, 3)
MAX_WORKERS = 500
# Column order of rows pasted from Excel.
PASTE_COLUMNS = ("name", "id_number", "phone", "job", "amount_1", "amount_2", "amount_3")
TEXT_CELLS = ("name", "id_number", "phone", "job", "amount_1", "amount_2", "amount_3")

ID_TYPE_CHOICES = select_choices([(t.value, t.label) for t in IdType])
CLAIM_KIND_CHOICES = select_choices(ClaimKind.choices(), blank="（不使用此列）")


def _too_long(label: str, limit: int) -> Length:
    return Length(max=limit, message=f"{label}不超过{limit}个字符")


class WorkerRowForm(Form):
    """One claimant worker: a row of the table. A row left entirely blank is ignored."""

    name = StringField("姓名", validators=[_too_long("姓名", 64)])
    id_type = SelectField("证件类型", choices=ID_TYPE_CHOICES, default=IdType.RESIDENT.value)
    id_number = StringField("证件号码", validators=[_too_long("证件号码", 30)])
    phone = StringField("电话", validators=[_too_long("电话", 32)])
    job = StringField("岗位", validators=[_too_long("岗位", 64)])
    representative = BooleanField("代表")
    amount_1 = StringField("金额1")
    amount_2 = StringField("金额2")
    amount_3 = StringField("金额3")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_errors: list[str] = []  # problems of the row as a whole

    def amount_fields(self):
        return [self[f"amount_{column}"] for column in AMOUNT_COLUMNS]

    def is_blank(self) -> bool:
        return not any((self[name].data or "").strip() for name in TEXT_CELLS)


class IntakeForm(FlaskForm):
    centre = SelectField("调解中心", choices=[], validate_choice=False)
    channel = SelectField(
        "案件来源", choices=select_choices(Channel.choices(), blank="请选择"), validate_choice=False
    )
    application_form = RadioField(
        "申请方式",
        choices=select_choices(ApplicationForm.choices()),
        default=ApplicationForm.WRITTEN.value,
        validate_choice=False,
    )
    oral_record = TextAreaField(
        "口头申请记录",
        description="口头申请时必填：当场记录申请人基本情况、申请调解的争议事项、理由和时间",
        render_kw={"rows": 4},
    )
    received_on = DateField(
        "收到申请日期",
        validators=[InputRequired("请填写收到申请日期")],
        invalid_value_message="日期格式不正确（例：2021-03-09）",
        render_kw={"type": "date"},
        description="调解期限自收到申请之日起计算",
    )
    category = SelectField(
        "争议类别",
        choices=select_choices(Category.choices(), blank="请选择"),
        validate_choice=False,
    )
    new_employment = BooleanField(
        "新就业形态", description="快递员、外卖骑手、网约车司机、货车司机等"
    )
    migrant_workers = BooleanField("农民工")

    employer_name = StringField(
        "被申请单位名称",
        validators=[_too_long("单位名称", 200)],
        description="统一社会信用代码或名称与已登记单位相同时，沿用已有单位档案，不重复建档",
    )
    employer_credit_code = StringField(
        "统一社会信用代码", description="18位，可以字母开头", render_kw={"maxlength": 20}
    )
    employer_legal_rep = StringField("法定代表人", validators=[_too_long("法定代表人", 32)])
    employer_address = StringField("地址", validators=[_too_long("地址", 200)])
    employer_phone = StringField("联系电话", description="手机号或固定电话，如 0757-85621234")

    facts = TextAreaField("事实与理由", render_kw={"rows": 5})
    requests = TextAreaField("调解请求", render_kw={"rows": 4})

    claim_kind_1 = SelectField(
        "金额1列", choices=CLAIM_KIND_CHOICES, default=ClaimKind.WAGES.value, validate_choice=False
    )
    claim_kind_2 = SelectField("金额2列", choices=CLAIM_KIND_CHOICES, validate_choice=False)
    claim_kind_3 = SelectField("金额3列", choices=CLAIM_KIND_CHOICES, validate_choice=False)
    workers = FieldList(FormField(WorkerRowForm), "申请人", min_entries=1, max_entries=MAX_WORKERS)
    add_row = SubmitField("添加一行")
    paste = TextAreaField(
        "从Excel粘贴多行",
        description="按列顺序：姓名、证件号码、电话、岗位、金额1、金额2、金额3；"
        "表头行（首格为「姓名」）和空行会跳过",
        render_kw={"rows": 6},
    )
    paste_rows = SubmitField("填入表格")
    confirm_repeat = BooleanField("确认仍要登记（重复申请）")

    def claim_kind(self, column: int) -> str:
        return self[f"claim_kind_{column}"].data or ""

    def rows(self):
        """The worker row forms, in table order."""
        return [entry.form for entry in self.workers]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        kinds = [self.claim_kind(column) for column in AMOUNT_COLUMNS]
        known = {kind.value for kind in ClaimKind}
        for column, kind in zip(AMOUNT_COLUMNS, kinds, strict=True):
            field = self[f"claim_kind_{column}"]
            if kind and kind not in known:
                field.errors = [*field.errors, "请从列表中选择请求事项"]
                valid = False
            elif kind and kind in kinds[: column - 1]:
                field.errors = [*field.errors, "与前面的列重复，请选择不同的请求事项"]
                valid = False
        for row in self.rows():
            if row.is_blank():
                continue
            for column, field in zip(AMOUNT_COLUMNS, row.amount_fields(), strict=True):
                text = (field.data or "").strip()
                if not text:
                    continue
                if not kinds[column - 1]:
                    field.errors = [*field.errors, f"请先在表格上方选择金额{column}列的请求事项"]
                    valid = False
                    continue
                try:
                    parse_yuan(text)
                except InvalidAmount as error:
                    field.errors = [*field.errors, str(error)]
                    valid = False
        return valid


def parse_pasted_rows(text: str) -> list[dict[str, str]]:
    """Rows copied from Excel: tab-separated cells (commas or Chinese commas when the text has
    no tab) in the order of PASTE_COLUMNS. Blank lines and a header line are skipped."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    separator = "\t" if "\t" in (text or "") else re.compile(r"[,，]")
    rows = []
    for line in lines:
        cells = line.split("\t") if separator == "\t" else separator.split(line)
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if cells[0].replace(" ", "") == "姓名":
            continue
        rows.append(dict(zip(PASTE_COLUMNS, cells, strict=False)))
    return rows
