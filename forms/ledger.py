"""Ledger (台账) upload and confirmation forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


class LedgerUploadForm(FlaskForm):
    file = FileField(
        "台账文件",
        validators=[
            FileRequired("请选择台账文件"),
            FileAllowed(["xlsx", "csv"], "只支持 .xlsx 或 .csv 格式的台账文件"),
        ],
        description="Excel（.xlsx，工作表名为「调解案件」）或 CSV（UTF-8 或 GBK 编码），"
        "第一行为表头",
        render_kw={"accept": ".xlsx,.csv"},
    )


class LedgerConfirmForm(FlaskForm):
    """Confirm (or discard) an uploaded ledger: only the CSRF token."""
