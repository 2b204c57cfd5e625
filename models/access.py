"""The access log (who read whose personal data) and the security events (logins, accounts,
roster and employer edits): append-only records that admins read (mediation/logs).

Neither table has a foreign key: a record names its user and case by id and by the username
and case number they had, and outlives any change to them. The migration adds triggers that
refuse UPDATE and DELETE on both tables (等保2.0 安全审计: records kept at least six months,
protected from change)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from models.base import LabelledEnum, utcnow

MAX_USER_AGENT = 200
MAX_IP = 45  # an IPv6 address in text


class AccessKind(LabelledEnum):
    """What was read."""

    CASE_PAGE = ("case_page", "查看案件")
    CASE_API = ("case_api", "接口读取案件")
    DOCUMENT = ("document", "打印文书")
    DOCUMENT_PDF = ("document_pdf", "下载文书PDF")
    SCAN = ("scan", "下载扫描件")
    EXPORT = ("export", "导出")
    REPEAT_CLAIM = ("repeat_claim", "重复申请提示")
    LEGAL_CASE = ("legal_case", "查看法律服务案件")
    SEARCH = ("search", "按证件号或电话搜索")
    # Reads on the public pages, by a party who has no account (the record names the party).
    PARTY_CASE = ("party_case", "当事人查询进度")
    PARTY_DOCUMENT = ("party_document", "当事人查阅电子送达文书")
    EMPLOYER_PAGE = ("employer_page", "用人单位查看答复页")


class SecurityKind(LabelledEnum):
    """What happened to a login or to what decides who reads what."""

    LOGIN = ("login", "登录成功")
    LOGIN_FAILED = ("login_failed", "登录失败")
    LOCKOUT = ("lockout", "账户锁定")
    LOGOUT = ("logout", "退出登录")
    PASSWORD_CHANGE = ("password_change", "修改密码")
    PASSWORD_RESET = ("password_reset", "重置密码")
    UNLOCK = ("unlock", "解除锁定")
    USER_CREATED = ("user_created", "创建账户")
    ROLE_CHANGE = ("role_change", "角色或范围变更")
    USER_DEACTIVATED = ("user_deactivated", "停用账户")
    USER_EDITED = ("user_edited", "修改账户")
    ROSTER_EDIT = ("roster_edit", "律师名册变更")
    EMPLOYER_EDIT = ("employer_edit", "被申请单位变更")


class AccessRecord(SQLModel, table=True):
    """One read of a case's personal data, or one export (case_id empty, `detail` says what)."""

    __tablename__ = "access_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(default=None, index=True)
    username: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=20, index=True)
    case_id: int | None = Field(default=None, index=True)
    legal_case_id: int | None = Field(default=None, index=True)
    case_number: str = Field(default="", max_length=60, index=True)
    detail: str = Field(default="", max_length=500)
    # A printed document's key ("sheet", "minutes:12"): a correction marks the papers printed
    # before it (mediation.documents.papers.outdated_prints).
    document: str | None = Field(default=None, max_length=40)
    ip: str = Field(default="", max_length=MAX_IP, index=True)
    user_agent: str = Field(default="", max_length=MAX_USER_AGENT)


class SecurityEvent(SQLModel, table=True):
    """A login, a failure, an account or permission change, a roster or employer edit."""

    __tablename__ = "security_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    kind: str = Field(max_length=20, index=True)
    # who acted (None: the command line), and the username as typed for a failed login
    user_id: int | None = Field(default=None, index=True)
    username: str = Field(default="", max_length=64, index=True)
    target_user_id: int | None = Field(default=None, index=True)
    target: str = Field(default="", max_length=200)  # what the event is about, in words
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    ip: str = Field(default="", max_length=MAX_IP, index=True)
    user_agent: str = Field(default="", max_length=MAX_USER_AGENT)
