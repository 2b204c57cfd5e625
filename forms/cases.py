"""The case list's filter form (a GET form: no CSRF token, nothing changes)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import Optional

from forms import select_choices
from models import CaseStatus, Category, Channel


class CaseFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        "搜索",
        description="案号（全角半角均可）、申请人姓名、身份证号、电话、被申请单位名称或信用代码、"
        "法律服务案号",
        render_kw={"type": "search", "enterkeyhint": "search"},
    )
    status = SelectField(
        "状态",
        choices=select_choices([("open", "未结案件"), *CaseStatus.choices()], blank="全部状态"),
        validate_choice=False,
    )
    category = SelectField(
        "争议类别",
        choices=select_choices(Category.choices(), blank="全部类别"),
        validate_choice=False,
    )
    channel = SelectField(
        "案件来源",
        choices=select_choices(Channel.choices(), blank="全部来源"),
        validate_choice=False,
    )
    centre = SelectField("调解中心", choices=[], validate_choice=False)
    accepted_from = DateField("受理日期自", validators=[Optional()], render_kw={"type": "date"})
    accepted_to = DateField("至", validators=[Optional()], render_kw={"type": "date"})
    overdue = BooleanField("仅显示已超期")

    # Drill-down from the statistics pages (views.stats): carried as hidden inputs and shown as
    # a line of applied filters above the list.
    period_from = DateField(
        "统计期间自", validators=[Optional()], invalid_value_message="日期格式不正确"
    )
    period_to = DateField(
        "统计期间至", validators=[Optional()], invalid_value_message="日期格式不正确"
    )
    statuses = StringField("状态")  # comma-separated status values
    district = StringField("区")  # district code; FS: the city-level centres
    lawyer = StringField("特约律师")  # lawyer id, or "none": no lawyer assigned
    employer = StringField("被申请单位")  # employer id
