"""The statistics pickers: period and scope (a GET form: no CSRF token, nothing changes)."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

DATE_MESSAGE = "日期格式不正确（例：2021-03-09）"


class StatsFilterForm(FlaskForm):
    class Meta:
        csrf = False

    # Choices are set by the view: the periods offered depend on today, the districts and
    # centres on the user's scope.
    period = SelectField("统计期间", choices=[], validate_choice=False)
    date_from = DateField(
        "开始日期",
        name="from",
        validators=[Optional()],
        invalid_value_message=DATE_MESSAGE,
        render_kw={"type": "date"},
        description="选择“自定义起止日期”时填写",
    )
    date_to = DateField(
        "结束日期",
        name="to",
        validators=[Optional()],
        invalid_value_message=DATE_MESSAGE,
        render_kw={"type": "date"},
    )
    district = SelectField("区", choices=[], validate_choice=False)
    centre = SelectField("调解中心", choices=[], validate_choice=False)
