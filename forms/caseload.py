"""Moving a caseload: which open cases, and who takes them over."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired

from forms.roster import CheckboxListField


class MoveCaseloadForm(FlaskForm):
    case_ids = CheckboxListField("移交的案件")
    target = SelectField("移交给", validators=[DataRequired(message="请选择接手的调解员或律师")])
    confirm = HiddenField()  # "1" on the confirmation page's button
