"""The periodic report's submission form."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional


class SubmitReportForm(FlaskForm):
    responsible = StringField("单位负责人", validators=[Optional(), Length(max=50)])
    preparer = StringField("填表人", validators=[Optional(), Length(max=50)])
    reason = TextAreaField(
        "更正理由",
        validators=[Optional(), Length(max=500)],
        description="已报送过的报表再次报送（更正）时必填",
    )
