"""The public forms: an online application typed on a phone, and the one-time code."""

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms import select_choices
from forms.intake import ID_TYPE_CHOICES
from mediation.identifiers import IdType
from models import Category, ClaimKind

ROSTER_MAX_CHARS = 8_000  # about a hundred lines of name, ID number, phone and amount


def _too_long(label: str, limit: int) -> Length:
    return Length(max=limit, message=f"{label}不超过{limit}个字符")


class ApplyForm(FlaskForm):
    centre = SelectField("调解中心", choices=[], validate_choice=False)
    name = StringField("姓名", validators=[InputRequired("请填写姓名"), _too_long("姓名", 64)])
    id_type = SelectField("证件类型", choices=ID_TYPE_CHOICES, default=IdType.RESIDENT.value)
    id_number = StringField("证件号码", validators=[_too_long("证件号码", 30)])
    phone = StringField(
        "手机号码", description="接收验证码和案件通知", validators=[_too_long("手机号码", 32)]
    )
    job = StringField("岗位", validators=[_too_long("岗位", 64)])
    employer_name = StringField(
        "用人单位名称", validators=[InputRequired("请填写用人单位名称"), _too_long("单位名称", 200)]
    )
    employer_credit_code = StringField(
        "统一社会信用代码", description="不知道可不填", validators=[_too_long("信用代码", 32)]
    )
    employer_phone = StringField(
        "单位联系手机",
        description="调解中心将通过短信请单位答复",
        validators=[_too_long("电话", 32)],
    )
    employer_address = StringField("单位地址", validators=[_too_long("地址", 200)])
    category = SelectField(
        "争议类别",
        choices=select_choices(Category.choices(), blank="请选择"),
        validate_choice=False,
    )
    claim_kind = SelectField(
        "请求事项", choices=select_choices(ClaimKind.choices()), validate_choice=False
    )
    amount = StringField("请求金额（元）", description="不涉及金额可不填")
    facts = TextAreaField(
        "事实与理由", validators=[_too_long("事实与理由", 2000)], render_kw={"rows": 4}
    )
    co_workers = TextAreaField(
        "一同申请的工友",
        description="每行一人：姓名 证件号码 手机号 请求金额，用空格或逗号隔开；没有可不填",
        validators=[_too_long("工友名单", ROSTER_MAX_CHARS)],
        render_kw={"rows": 4},
    )
    representatives = StringField(
        "推举的代表人", description="10人以上共同申请时可推举代表人，填姓名，用顿号隔开"
    )
    notices_consent = BooleanField("同意通过短信接收案件通知和电子送达的文书")
    truthful = BooleanField("本人承诺所填信息真实", validators=[DataRequired("请确认所填信息真实")])
    submit = SubmitField("获取验证码并提交")


class CodeForm(FlaskForm):
    code = StringField(
        "短信验证码",
        validators=[InputRequired("请填写验证码"), Length(max=12, message="验证码为6位数字")],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )
    submit = SubmitField("确认提交")
    resend = SubmitField("重新发送验证码")


def parse_roster(text: str) -> list[tuple[int, list[str]]]:
    """Co-workers typed or pasted one per line: (line number, cells). Cells are separated by
    tabs, commas or spaces, as a phone keyboard or a chat message gives them."""
    rows = []
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        cells = [cell for cell in re.split(r"[\t,，、\s]+", line.strip()) if cell]
        if cells:
            rows.append((number, cells))
    return rows


def representative_names(text: str) -> set[str]:
    return {name for name in re.split(r"[、,，\s]+", (text or "").strip()) if name}


class TrackForm(FlaskForm):
    number = StringField(
        "案件编号或申请编号",
        description="如（2026）南里调字第50号，或网上申请的编号 WS…",
        validators=[InputRequired("请填写案件编号或申请编号"), Length(max=40, message="编号过长")],
    )
    id_number = StringField(
        "证件号码",
        validators=[InputRequired("请填写证件号码"), Length(max=30, message="证件号码过长")],
    )
    submit = SubmitField("获取验证码")


class ReplyForm(FlaskForm):
    """The employer's answer to an application."""

    agrees = RadioField(
        "是否同意调解",
        choices=select_choices([("yes", "同意调解"), ("no", "不同意调解")]),
        validate_choice=False,
    )
    reason = TextAreaField(
        "不同意的理由", validators=[_too_long("理由", 500)], render_kw={"rows": 3}
    )
    proposed_1 = DateTimeLocalField(
        "建议调解时间1", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    proposed_2 = DateTimeLocalField(
        "建议调解时间2", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    proposed_3 = DateTimeLocalField(
        "建议调解时间3", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    contact_name = StringField("联系人", validators=[_too_long("联系人", 64)])
    version = HiddenField()
    submit = SubmitField("提交答复")

    def proposed_fields(self):
        return [self.proposed_1, self.proposed_2, self.proposed_3]


SCORES = [
    ("5", "5 非常满意"),
    ("4", "4 满意"),
    ("3", "3 一般"),
    ("2", "2 不满意"),
    ("1", "1 很不满意"),
]


class RateForm(FlaskForm):
    score = RadioField(
        "满意度",
        choices=select_choices(
            [
                ("5", "5 非常满意"),
                ("4", "4 满意"),
                ("3", "3 一般"),
                ("2", "2 不满意"),
                ("1", "1 很不满意"),
            ]
        ),
        validate_choice=False,
    )
    comment = TextAreaField(
        "意见和建议", validators=[_too_long("意见", 500)], render_kw={"rows": 3}
    )
    submit = SubmitField("提交评价")


class ServeForm(FlaskForm):
    """The mediator serves a document electronically on chosen workers."""

    doc = SelectField("送达文书", choices=[], validate_choice=False)
    workers = SelectMultipleField("受送达人", choices=[], coerce=int, validate_choice=False)
    submit = SubmitField("电子送达")
