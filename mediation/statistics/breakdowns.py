"""The breakdown tables of the statistics pages and the workbook: the figures by district,
centre, dispute category, channel, lawyer and month, each row with what narrows the case list
to it."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from mediation.statistics.figures import Figures, Statistics, by_district, lawyer_names
from models import Category, Centre, Channel


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    figures: Figures
    # What narrows the case list to this row: {"district": code}, {"centre": code},
    # {"category": value}, {"channel": value}, {"lawyer": id or "none"}, {"month": "2021-03"}.
    narrow: dict[str, str]


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str  # 按区
    heading: str  # the first column's heading
    rows: list[BreakdownRow]


def _label(enum, value: str) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value


def breakdowns(session: Session, stats: Statistics) -> list[Breakdown]:
    """The breakdown tables of the statistics pages and the workbook, in display order."""
    centres = session.execute(
        select(Centre.id, Centre.code, Centre.name).where(Centre.id.in_(list(stats.by_centre)))
    ).all()
    names = lawyer_names(session, stats.by_lawyer)
    category_order = {c.value: i for i, c in enumerate(Category)}
    channel_order = {c.value: i for i, c in enumerate(Channel)}
    lawyers = sorted(
        stats.by_lawyer.items(), key=lambda kv: (not kv[0], -kv[1].handled, names.get(kv[0], ""))
    )
    return [
        Breakdown(
            "district",
            "按区",
            "区",
            [
                BreakdownRow(name, f, {"district": code})
                for code, name, f in by_district(session, stats)
            ],
        ),
        Breakdown(
            "centre",
            "按调解中心",
            "调解中心",
            [
                BreakdownRow(name, stats.by_centre[centre_id], {"centre": code})
                for centre_id, code, name in sorted(centres)
            ],
        ),
        Breakdown(
            "category",
            "按争议类别",
            "争议类别",
            [
                BreakdownRow(_label(Category, key), f, {"category": key})
                for key, f in sorted(
                    stats.by_category.items(), key=lambda kv: category_order.get(kv[0], 99)
                )
            ],
        ),
        Breakdown(
            "channel",
            "按案件来源",
            "案件来源",
            [
                BreakdownRow(_label(Channel, key), f, {"channel": key})
                for key, f in sorted(
                    stats.by_channel.items(), key=lambda kv: channel_order.get(kv[0], 99)
                )
            ],
        ),
        Breakdown(
            "lawyer",
            "按特约律师",
            "特约律师",
            [
                BreakdownRow(names.get(key, "未指派律师"), f, {"lawyer": key or "none"})
                for key, f in lawyers
            ],
        ),
        Breakdown(
            "month",
            "按月份",
            "月份",
            [
                BreakdownRow(f"{m.year}年{m.month}月", f, {"month": m.strftime("%Y-%m")})
                for m, f in stats.by_month.items()
            ],
        ),
    ]
