"""Ledger (台账) upload and confirmation forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField


def _centre_id(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class LedgerUploadForm(FlaskForm):
    file = FileField(
        "台账文件",
        validators=[
            FileRequired("请选择台账文件"),
            FileAllowed(["xlsx", "csv"], "只支持 .xlsx 或 .csv 格式的台账文件"),
        ],
        description="Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码）；可以是本中心自己的台账，"
        "导入前会识别表头和各列并请您确认",
        render_kw={"accept": ".xlsx,.csv"},
    )
    # The centre of a file without 调解组织 (and whose column mapping is remembered); the
    # choices are the user's centres, set by the view, which also checks the value against them.
    centre = SelectField(
        "本台账所属调解组织",
        coerce=_centre_id,
        validate_choice=False,
        description="台账中没有「调解组织」列时，全部案件属于此中心；有该列时以该列为准",
    )


class LedgerConfirmForm(FlaskForm):
    """Confirm (or discard) an uploaded ledger: only the CSRF token."""
