"""Which workflow actions a user may take on a case now: the case page shows these as buttons,
and each workflow view checks the same table, so a button never leads to a refusal."""

from dataclasses import dataclass

from sqlmodel import Session

from mediation import retention
from mediation.cases.lifecycle import TRANSITIONS, extension_refusal
from mediation.permissions import Permission, can
from mediation.privacy import is_assigned_lawyer
from models import CLOSED_STATUSES, Case, CaseStatus, Role, User

S = CaseStatus


@dataclass(frozen=True)
class Action:
    name: str  # the endpoint under the `cases` blueprint
    label: str
    permission: Permission
    statuses: frozenset[CaseStatus]
    primary: bool = False


def _to(target: CaseStatus) -> frozenset[CaseStatus]:
    """The statuses from which the transition table allows a move to `target`."""
    return frozenset(s for s, targets in TRANSITIONS.items() if target in targets)


WORKING = frozenset({S.ACCEPTED, S.IN_MEDIATION})
ACTIONS = [
    Action("accept", "受理", Permission.CASE_WORK, _to(S.ACCEPTED), primary=True),
    Action("refuse", "不予受理", Permission.CASE_WORK, _to(S.REFUSED)),
    Action(
        "assign",
        "指派调解员/律师",
        Permission.CASE_WORK,
        frozenset({S.RECEIVED, S.ACCEPTED, S.IN_MEDIATION}),
    ),
    Action("session_new", "安排/记录调解", Permission.CASE_RECORD_SESSION, WORKING),
    Action(
        "agreement", "调解协议", Permission.CASE_WORK, frozenset({S.IN_MEDIATION}), primary=True
    ),
    Action("extend", "延长期限", Permission.CASE_WORK, WORKING),
    Action("fail", "调解不成", Permission.CASE_WORK, _to(S.FAILED)),
    Action("withdraw", "撤回", Permission.CASE_WORK, _to(S.WITHDRAWN)),
    Action("void", "作废", Permission.CASE_WORK, _to(S.VOIDED)),
    Action("payment", "登记付款", Permission.CASE_WORK, frozenset({S.SUCCEEDED}), primary=True),
    Action("filings", "仲裁审查/司法确认/支付令", Permission.CASE_WORK, frozenset({S.SUCCEEDED})),
    Action("arbitration", "登记申请仲裁", Permission.CASE_WORK, frozenset({S.FAILED})),
    Action("reopen", "重新打开", Permission.CASE_CORRECT, frozenset(CLOSED_STATUSES)),
    # open cases: CASE_WORK; closed ones also CASE_CORRECT (checked in `allowed`)
    Action("edit", "更正登记信息", Permission.CASE_WORK, frozenset(S)),
    # archived cases only (mediation.retention); every other action is refused on them
    Action("unarchive", "取消归档", Permission.CASE_UNARCHIVE, frozenset(CLOSED_STATUSES)),
]
BY_NAME = {action.name: action for action in ACTIONS}


def refusal(case: Case, name: str) -> str:
    """Why the case, as it stands, does not admit this action ("" when it does), whoever asks."""
    action = BY_NAME[name]
    status = case.status_enum
    if name == "unarchive":
        return _unarchive_refusal(case)
    if retention.is_archived(case):
        return retention.ARCHIVED_REASON
    if status not in action.statuses:
        allowed = "、".join(s.label for s in CaseStatus if s in action.statuses)
        return (
            f"案件当前状态为「{status.label}」，不能进行「{action.label}」操作"
            f"（仅适用于{allowed}的案件）"
        )
    if name == "extend":
        return extension_refusal(case)
    return ""


def _unarchive_refusal(case: Case) -> str:
    if not retention.is_archived(case):
        return "案件未归档，无需取消归档"
    if case.anonymised_on is not None:
        return "案件已匿名化，个人信息已删除，不能取消归档"
    return ""


def allowed(session: Session, user: User, case: Case, name: str) -> bool:
    action = BY_NAME[name]
    if refusal(case, name) or not can(user, action.permission):
        return False
    if name == "edit" and case.status_enum in CLOSED_STATUSES:
        return can(user, Permission.CASE_CORRECT)
    if user.role == Role.LAWYER:  # lawyers act only on the cases assigned to them
        return is_assigned_lawyer(session, user, case)
    return True


def available(session: Session, user: User, case: Case) -> list[Action]:
    return [a for a in ACTIONS if allowed(session, user, case, a.name)]
