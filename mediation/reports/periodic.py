"""The official periodic report (月报/季报/年报) and its submitted versions.

The indicators are those of the statistical report form: 上期未结, 本期受理 (其中集体争议),
涉及劳动者人数, 本期重新打开, 本期结案 (调解成功 / 调解不成 / 撤回), 期末未结, 涉及金额, and the
legal-service family beside them. The flows (accepted, reopened, closed, open) are counted by
the day each event happened (`statistics.flows`), so 上期未结 + 本期受理 + 本期重新打开 − 本期结案 =
期末未结 for any period and scope, and one period's 期末未结 is the next one's 上期未结. Agreed and
paid amounts are on the statistics' basis (`figures.Figures`), so report and statistics agree.

A submitted report is frozen: its figures are stored with the version. Later changes to the
cases move only the current figures; the differences are shown as 更正 and a new version can be
submitted with its reason. See docs/statistics.md, "The periodic report".
"""

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlmodel import Session, func, select

from mediation.errors import RuleViolation
from mediation.permissions import Permission, can
from mediation.scope import Narrowed
from mediation.statistics.figures import Aggregator, Figures
from mediation.statistics.flows import ACCEPTED, OUTCOMES, REOPENED, day_before, flows, open_on
from mediation.statistics.legal import legal_statistics
from mediation.statistics.period import Period
from models import PeriodReport, User

# Fixed particulars of the form (the statistical form's header).
FORM_NUMBER = "工会劳动争议调解统计1表"
FORM_AUTHORITY = "佛山市总工会"
FORM_TITLE = "劳动争议调解工作情况统计表"

# (key, 指标名称, 计量单位): the rows of the form in order; money rows end in _fen.
MEDIATION_ROWS = [
    ("carried_over", "上期未结案件数", "件"),
    ("accepted", "本期受理案件数", "件"),
    ("collective", "　其中：集体劳动争议案件数", "件"),
    ("workers", "本期受理案件涉及劳动者人数", "人"),
    ("collective_workers", "　其中：集体劳动争议涉及劳动者人数", "人"),
    ("reopened", "本期重新打开案件数", "件"),
    ("closed", "本期结案数", "件"),
    ("succeeded", "　其中：调解成功", "件"),
    ("failed", "　　　　调解不成", "件"),
    ("withdrawn", "　　　　撤回", "件"),
    ("open_at_end", "期末未结案件数", "件"),
    ("claimed_fen", "涉及金额（本期受理案件请求金额）", "元"),
    ("agreed_fen", "调解协议金额（挽回经济损失）", "元"),
    ("paid_fen", "实际到位金额", "元"),
]
LEGAL_ROWS = [
    ("cases", "仲裁、诉讼法律服务案件数", "件"),
    ("worker_times", "惠及职工人次", "人次"),
    ("recovered_fen", "挽回经济损失", "元"),
    ("consultations", "法律咨询", "件"),
    ("documents", "代写文书", "件"),
]
DEFINITIONS = [
    "上期未结＋本期受理＋本期重新打开－本期结案＝期末未结；本期结案＝调解成功＋调解不成＋撤回。",
    "受理、结案、重新打开按发生日期归入报告期；同一案件结案后重新打开、再次结案的，再次计入结案。",
    "不予受理、已作废的登记和受理前撤回的申请不计入受理，也不计入结案。",
    "调解协议金额、实际到位金额与统计页口径相同：本期受理且调解成功的案件。",
    "报送后数字锁定；案件此后的变动只显示为「更正」，可说明理由后报送新版本。",
]


@dataclass
class PeriodFigures:
    carried_over: int = 0
    accepted: int = 0
    reopened: int = 0
    collective: int = 0
    workers: int = 0
    collective_workers: int = 0
    closed: int = 0
    succeeded: int = 0
    failed: int = 0
    withdrawn: int = 0
    open_at_end: int = 0
    claimed_fen: int = 0
    agreed_fen: int = 0
    paid_fen: int = 0
    legal_services: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def period_figures(session: Session, period: Period, centre_ids: list[int] | None) -> PeriodFigures:
    """The report's figures for a period and the centres in scope (None: the whole city)."""
    counted = flows(session, period.start, period.end, centre_ids)
    cohort = Aggregator(session, period, centre_ids).grouped("all", None).get(None, Figures())
    legal = legal_statistics(session, period, centre_ids)
    other = legal["other_services"]
    closed = {outcome: counted[outcome].cases for outcome in OUTCOMES}
    return PeriodFigures(
        carried_over=open_on(session, day_before(period.start), centre_ids),
        accepted=counted[ACCEPTED].cases,
        reopened=counted[REOPENED].cases,
        collective=counted[ACCEPTED].collective,
        workers=counted[ACCEPTED].workers,
        collective_workers=counted[ACCEPTED].collective_workers,
        closed=sum(closed.values()),
        succeeded=closed["succeeded"],
        failed=closed["failed"],
        withdrawn=closed["withdrawn"],
        open_at_end=open_on(session, period.end, centre_ids),
        claimed_fen=counted[ACCEPTED].claimed_fen,
        agreed_fen=cohort.recovered_fen,
        paid_fen=cohort.paid_fen,
        legal_services={
            "cases": legal["cases"],
            "worker_times": legal["worker_times"],
            "recovered_fen": legal["recovered_fen"],
            "consultations": other["consultations"],
            "documents": other["documents"],
        },
    )


# -- submission -----------------------------------------------------------------------------


SUBMIT_PERMISSION = {
    "centre": Permission.REPORT_SUBMIT_CENTRE,
    "district": Permission.REPORT_SUBMIT_DISTRICT,
    "city": Permission.REPORT_SUBMIT_CITY,
}
SCOPE_NAMES = {"centre": "调解中心", "district": "区", "city": "全市"}


def report_scope(narrowed: Narrowed) -> tuple[str, str] | None:
    """(kind, code) of the unit a report is filed for, or None (several centres that are
    neither a district nor the city cannot file a report)."""
    if narrowed.centre is not None:
        return "centre", narrowed.centre.code
    if narrowed.district is not None:
        return "district", narrowed.district.code
    if narrowed.centre_ids is None:
        return "city", ""
    return None


def may_submit(user: User, narrowed: Narrowed) -> bool:
    unit = report_scope(narrowed)
    return unit is not None and can(user, SUBMIT_PERMISSION[unit[0]])


def versions(session: Session, narrowed: Narrowed, period: Period) -> list[PeriodReport]:
    """The submitted versions of this report, oldest first."""
    unit = report_scope(narrowed)
    if unit is None:
        return []
    return list(
        session.exec(
            select(PeriodReport)
            .where(
                PeriodReport.scope_kind == unit[0],
                PeriodReport.scope_code == unit[1],
                PeriodReport.period_start == period.start,
                PeriodReport.period_end == period.end,
            )
            .order_by(PeriodReport.version)
        )
    )


def submit(
    session: Session,
    actor: User,
    narrowed: Narrowed,
    period: Period,
    today: date,
    reason: str = "",
    responsible: str = "",
    preparer: str = "",
) -> PeriodReport:
    """File the report with today's figures as a new version; the first needs no reason, each
    later one (a correction, 更正) does."""
    unit = report_scope(narrowed)
    if unit is None or not can(actor, SUBMIT_PERMISSION[unit[0]]):
        raise RuleViolation("您无权报送此范围的统计报表")
    problems = []
    if period.end >= today:
        problems.append(("period", "报告期尚未结束，不能报送"))
    latest = session.exec(
        select(func.max(PeriodReport.version)).where(
            PeriodReport.scope_kind == unit[0],
            PeriodReport.scope_code == unit[1],
            PeriodReport.period_start == period.start,
            PeriodReport.period_end == period.end,
        )
    ).one()
    if latest and not reason.strip():
        problems.append(("reason", f"已报送第{latest}版：报送更正版本须写明更正理由"))
    if len(reason.strip()) > 500:
        problems.append(("reason", "更正理由不超过500字"))
    if problems:
        raise RuleViolation(problems)
    report = PeriodReport(
        scope_kind=unit[0],
        scope_code=unit[1],
        period_start=period.start,
        period_end=period.end,
        version=(latest or 0) + 1,
        reason=reason.strip(),
        figures=period_figures(session, period, narrowed.centre_ids).as_dict(),
        responsible=responsible.strip()[:50],
        preparer=(preparer.strip() or actor.name)[:50],
        submitted_by_id=actor.id,
    )
    session.add(report)
    session.flush()
    return report


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str
    submitted: int | None
    current: int

    @property
    def correction(self) -> int:
        """更正: how far the current figure has moved from the submitted one."""
        return 0 if self.submitted is None else self.current - self.submitted

    @property
    def money(self) -> bool:
        return self.key.endswith("_fen")


def rows(current: dict, submitted: dict | None) -> tuple[list[Row], list[Row]]:
    """The form's mediation and legal-service rows, each with its submitted and current value."""

    def make(spec, now: dict, then: dict | None) -> list[Row]:
        return [
            Row(key, label, unit, None if then is None else int(then.get(key, 0)), int(now[key]))
            for key, label, unit in spec
        ]

    legal_then = None if submitted is None else submitted.get("legal_services", {})
    return (
        make(MEDIATION_ROWS, current, submitted),
        make(LEGAL_ROWS, current["legal_services"], legal_then),
    )
