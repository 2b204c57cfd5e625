"""The case list's filters, totals and keyset paging; the home page's workload."""

from datetime import date

from mediation.cases import lifecycle
from mediation.cases.intake import ClaimData, EmployerData, IntakeData, WorkerData, intake
from mediation.cases.listing import CaseFilter, count_cases, list_cases
from mediation.cases.workload import workload
from mediation.scope import scope_of
from models import User
from tests.conftest import resident_id

TODAY = date(2026, 11, 24)


def test_paging_visits_every_case_once_and_totals_match(db, make_case, make_user):
    made = {make_case("NH-LS").id for _ in range(7)}
    make_case("CC-ZC")
    scope = scope_of(db, make_user("mediator", "NH-LS"))
    seen, cursor = [], None
    while True:
        page = list_cases(db, scope, CaseFilter(), TODAY, cursor=cursor, limit=3)
        assert page.total == 7
        seen += [row.id for row in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))


def test_city_wide_search_pages_every_match_once_under_one_total(db, make_case, make_user):
    made = {make_case("NH-LS", employer="佛山市丙五金有限公司").id for _ in range(4)}
    other_centre = make_case("CC-ZC", employer="佛山市丙五金有限公司")
    made.add(other_centre.id)
    make_case("NH-LS", employer="佛山市丁纺织有限公司")
    city = scope_of(db, make_user("city_supervisor"))
    seen, cursor = [], None
    while True:
        page = list_cases(db, city, CaseFilter(text="丙五金"), TODAY, cursor=cursor, limit=2)
        assert page.total == 5
        seen += [row.id for row in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sorted(made, reverse=True)
    # narrowed by a filter or a scope, the same search counts and lists only what is left
    narrowed = CaseFilter(text="丙五金", centre_id=other_centre.centre_id)
    page = list_cases(db, city, narrowed, TODAY)
    assert (page.total, [row.id for row in page.rows]) == (1, [other_centre.id])
    mediator = scope_of(db, make_user("mediator", "CC-ZC"))
    page = list_cases(db, mediator, CaseFilter(text="丙五金"), TODAY)
    assert (page.total, [row.id for row in page.rows]) == (1, [other_centre.id])
    assert list_cases(db, city, CaseFilter(text="无此单位"), TODAY).total == 0


def test_filters(db, make_case, make_user):
    wages = make_case("NH-LS", employer="佛山市甲陶瓷有限公司")
    injury = make_case("NH-LS", category="工伤", employer="佛山市乙家具有限公司")
    city = scope_of(db, make_user("city_supervisor"))
    by_category = list_cases(db, city, CaseFilter(category="工伤"), TODAY)
    assert [r.id for r in by_category.rows] == [injury.id]
    by_employer = list_cases(db, city, CaseFilter(text="甲陶瓷"), TODAY)
    assert [r.id for r in by_employer.rows] == [wages.id]
    by_worker = list_cases(db, city, CaseFilter(text="职工1"), TODAY)
    assert {r.id for r in by_worker.rows} == {wages.id, injury.id}
    by_number = list_cases(db, city, CaseFilter(text=injury.number), TODAY)
    assert [r.id for r in by_number.rows] == [injury.id]
    actor = db.get(User, wages.created_by_id)
    lifecycle.accept(db, wages, actor, date(2024, 5, 6), today=TODAY)
    overdue = CaseFilter(overdue=True)
    assert count_cases(db, city, overdue, date(2024, 5, 21)) == 0
    assert count_cases(db, city, overdue, date(2024, 5, 22)) == 1
    assert count_cases(db, city, CaseFilter(statuses=["accepted"]), TODAY) == 1


def test_scope_limits_the_list(db, make_case, make_user):
    make_case("NH-LS")
    make_case("CC-ZC")
    make_case("SD-RG")
    nanhai = scope_of(db, make_user("district_supervisor", district="NH"))
    chancheng = scope_of(db, make_user("mediator", "CC-ZC"))
    assert {r.centre_code for r in list_cases(db, nanhai, CaseFilter(), TODAY).rows} == {"NH-LS"}
    assert {r.centre_code for r in list_cases(db, chancheng, CaseFilter(), TODAY).rows} == {"CC-ZC"}


def test_workload_lists_todays_work(db, make_case, make_user):
    waiting = make_case("NH-LS", received_on=date(2024, 5, 6))
    near = make_case("NH-LS", received_on=date(2024, 5, 6))
    actor = db.get(User, near.created_by_id)
    lifecycle.accept(db, near, actor, date(2024, 5, 6), today=TODAY)
    scope = scope_of(db, actor)
    work = workload(db, scope, date(2024, 5, 20))
    assert [c.id for c, _ in work.awaiting_acceptance] == [waiting.id]
    assert [c.id for c, _ in work.deadlines] == [near.id]
    assert work.overdue_count == 0
    assert workload(db, scope, date(2024, 5, 22)).overdue_count == 1


def test_a_case_whose_workers_all_match_is_counted_and_listed_once(db, make_case, make_user):
    cases = [make_case("NH-LS", workers=3) for _ in range(2)]  # workers 职工1, 职工2, 职工3
    for query in ("职工", "职工2"):
        for user in (make_user("city_supervisor"), make_user("mediator", "NH-LS")):
            page = list_cases(db, scope_of(db, user), CaseFilter(text=query), TODAY)
            assert page.total == 2
            assert [row.id for row in page.rows] == sorted((c.id for c in cases), reverse=True)


def test_a_phone_two_workers_share_finds_their_case_once(db, make_user, centres):
    mediator = make_user("mediator", "NH-LS")
    couple = [
        WorkerData(
            name=name,
            id_number=resident_id(n),
            phone="13800138000",
            claims=[ClaimData("工资", 500_000)],
        )
        for n, name in ((901, "黄一"), (902, "黄二"))
    ]
    data = IntakeData(
        channel="现场申请",
        received_on=date(2024, 5, 6),
        category="劳动报酬",
        employer=EmployerData(name="佛山市测试制造有限公司"),
        workers=couple,  # husband and wife, one phone
    )
    case = intake(db, mediator, centres["NH-LS"], data, today=TODAY)
    city = scope_of(db, make_user("city_supervisor"))
    page = list_cases(db, city, CaseFilter(text="13800138000"), TODAY)
    assert (page.total, [row.id for row in page.rows]) == (1, [case.id])
