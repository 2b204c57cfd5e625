"""The corrections form (/cases/<id>/edit): the intake form's fields and worker table, with the
worker's id on each row, the acceptance date, a reason (required for closed cases) and the
case's version for optimistic locking."""

from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    TextAreaField,
)
from wtforms.validators import Optional

from forms.intake import MAX_WORKERS, IntakeForm, WorkerRowForm


class CorrectionRowForm(WorkerRowForm):
    worker_id = HiddenField()  # empty for a worker added here


class CorrectionForm(IntakeForm):
    centre = None
    confirm_repeat = None
    accepted_on = DateField(
        "受理日期",
        validators=[Optional()],
        invalid_value_message="日期格式不正确（例：2021-03-09）",
        render_kw={"type": "date"},
        description="调解期限自受理之日起计算，更正后随之重算",
    )
    workers = FieldList(
        FormField(CorrectionRowForm), "申请人", min_entries=1, max_entries=MAX_WORKERS
    )
    reason = TextAreaField(
        "更正理由", description="已结案件的更正须写明理由；理由记入案件历史", render_kw={"rows": 2}
    )
    version = HiddenField()
