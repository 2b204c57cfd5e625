"""The combined union report (工会劳动争议调处工作报告): the two families of union work for a
period side by side, as the city's article reports them: mediation (承接调解案件, 调解成功,
挽回经济损失) and legal services (仲裁、诉讼法律服务案件, 惠及职工人次, 挽回经济损失).

Mediation figures are mediation.statistics.figures.statistics; legal-service figures follow
mediation.statistics.legal.legal_statistics (arbitration and litigation accepted in the period).
Both are SQL aggregates, grouped here by district, or by centre when the scope lies in one
district. Definitions in docs/statistics.md.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import Session

from mediation.money import approximate_yuan
from mediation.reference.districts import CITY_LEVEL_CODE, CITY_LEVEL_NAME
from mediation.statistics.figures import Figures, Statistics
from mediation.statistics.legal import counted_per_case
from mediation.statistics.period import Period
from models import Centre, District, LegalCase
from models.base import sql_total

DISTRICT_ORDER = ["FS", "CC", "NH", "SD", "GM", "SS"]

# Printed under the page and in the workbook's header.
UNION_DEFINITIONS = [
    "承接调解案件：统计期间内受理的调解案件（按受理日期归入期间，已作废和不予受理的不计入）；"
    "调解成功率＝调解成功数 ÷ 承接调解案件数。",
    "调解惠及职工人次：受理案件的申请职工，每案每人计一人次；受益职工人次：调解成功案件的"
    "申请职工人次。调解挽回经济损失：已生效调解协议确定的金额；实际到位：同一口径（调解成功"
    "案件）已登记的付款金额。",
    "仲裁、诉讼法律服务案件：统计期间内受理的仲裁代理、诉讼代理案件（法律咨询、代写文书不计入）；"
    "惠及职工人次：上述案件代理的职工，每案每人计一人次；挽回经济损失：职工实际获得的金额。",
]


@dataclass
class LegalFigures:
    cases: int = 0
    worker_times: int = 0
    recovered_fen: int = 0

    def add(self, other: "LegalFigures") -> None:
        self.cases += other.cases
        self.worker_times += other.worker_times
        self.recovered_fen += other.recovered_fen


@dataclass
class UnionRow:
    label: str
    mediation: Figures = field(default_factory=Figures)
    legal: LegalFigures = field(default_factory=LegalFigures)


@dataclass
class UnionReport:
    period: Period
    mediation: Figures
    legal: LegalFigures
    row_heading: str  # 区 or 调解中心
    rows: list[UnionRow]


def legal_by_centre(
    session: Session, period: Period, centre_ids: list[int] | None
) -> dict[int, LegalFigures]:
    """{centre id: legal-service figures} of the arbitration and litigation cases accepted in
    the period, as mediation.statistics.legal.legal_statistics counts them."""
    per_case = counted_per_case(period, centre_ids, LegalCase.centre_id)
    rows = session.execute(
        select(
            per_case.c.centre_id,
            func.count(per_case.c.id),
            sql_total(per_case.c.workers),
            sql_total(per_case.c.recovered_fen),
        ).group_by(per_case.c.centre_id)
    ).all()
    return {cid: LegalFigures(int(n), int(w or 0), int(r or 0)) for cid, n, w, r in rows}


def _merge(target: Figures, source: Figures) -> None:
    for status, measures in source.by_status.items():
        target.by_status[status].add(measures)


def union_report(session: Session, stats: Statistics) -> UnionReport:
    """Both families for the period and centres of `stats`, with rows by district (by centre
    when every centre of the scope lies in one district)."""
    legal = legal_by_centre(session, stats.period, stats.centre_ids)
    centres = session.execute(
        select(Centre.id, Centre.name, Centre.district_id, District.code, District.name)
        .join(District, District.id == Centre.district_id, isouter=True)
        .order_by(Centre.id)
    ).all()
    if stats.centre_ids is not None:
        centres = [c for c in centres if c.id in set(stats.centre_ids)]
    by_centre = len({c.district_id for c in centres}) == 1
    rows: dict[str, UnionRow] = {}
    for centre_id, centre_name, _, code, name in centres:
        if centre_id not in stats.by_centre and centre_id not in legal:
            continue
        key = str(centre_id) if by_centre else (code or CITY_LEVEL_CODE)
        label = centre_name if by_centre else (name or CITY_LEVEL_NAME)
        row = rows.setdefault(key, UnionRow(label))
        if centre_id in stats.by_centre:
            _merge(row.mediation, stats.by_centre[centre_id])
        if centre_id in legal:
            row.legal.add(legal[centre_id])
    if by_centre:
        ordered = list(rows.values())
    else:
        order = {code: i for i, code in enumerate(DISTRICT_ORDER)}
        ordered = [rows[k] for k in sorted(rows, key=lambda k: (order.get(k, 99), k))]
    total = LegalFigures()
    for figures in legal.values():
        total.add(figures)
    return UnionReport(
        period=stats.period,
        mediation=stats.total,
        legal=total,
        row_heading="调解中心" if by_centre else "区",
        rows=ordered,
    )


def summary_sentence(report: UnionReport, period_label: str, subject: str) -> str:
    """One paragraph in the article's words with the real numbers, e.g. "2021年，全市各级工会
    承办仲裁、诉讼法律服务案件2473宗，惠及职工8815人次，为职工挽回经济损失约1.1亿元；承接调解
    案件15547宗，其中调解成功6594宗，为职工挽回经济损失约1.4亿元。"."""
    m, g = report.mediation, report.legal
    return (
        f"{period_label}，{subject}承办仲裁、诉讼法律服务案件{g.cases}宗，"
        f"惠及职工{g.worker_times}人次，为职工挽回经济损失{approximate_yuan(g.recovered_fen)}；"
        f"承接调解案件{m.handled}宗，其中调解成功{m.succeeded}宗，"
        f"为职工挽回经济损失{approximate_yuan(m.recovered_fen)}。"
    )
