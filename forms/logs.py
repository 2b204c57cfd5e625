"""The filters of the access log and the security log (GET forms: no CSRF token, nothing
changes). The kinds offered are set by the view, one list per log."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from forms.stats import DATE_MESSAGE


class LogFilterForm(FlaskForm):
    class Meta:
        csrf = False

    user = StringField("用户名", validators=[Optional(), Length(max=64)])
    case = StringField(
        "案号",
        validators=[Optional(), Length(max=60)],
        description="调解或法律服务案件的完整案号，全角半角均可",
    )
    kind = SelectField("类别", choices=[], validate_choice=False)
    date_from = DateField(
        "日期自",
        name="from",
        validators=[Optional()],
        invalid_value_message=DATE_MESSAGE,
        render_kw={"type": "date"},
    )
    date_to = DateField(
        "至",
        name="to",
        validators=[Optional()],
        invalid_value_message=DATE_MESSAGE,
        render_kw={"type": "date"},
    )
    ip = StringField("IP地址", validators=[Optional(), Length(max=45)])
