"""One search box: numbers in any width, people by name, ID number or phone, employers."""

from datetime import date

from sqlalchemy import text
from sqlmodel import select

from conftest import resident_id
from mediation.cases.listing import CaseFilter, list_cases
from mediation.cases.search import matched_workers, search_legal
from mediation.identifiers import lookup_key
from mediation.scope import scope_of
from models import Case, Centre, Employer, LegalCase, Worker

TODAY = date(2026, 11, 24)


def _found(db, scope, q: str) -> set[int]:
    return {row.id for row in list_cases(db, scope, CaseFilter(text=q), TODAY).rows}


def _renamed(db, case, name: str, id_number: str = "", phone: str = "") -> Worker:
    worker = db.exec(select(Worker).where(Worker.case_id == case.id)).first()
    worker.name = name
    worker.id_number = id_number or worker.id_number
    worker.phone = phone or worker.phone
    db.add(worker)
    db.flush()
    return worker


def test_case_number_in_full_width_without_brackets_or_di_hao(db, make_case, make_user):
    case = make_case("NH-LS")
    other = make_case("NH-LS")
    city = scope_of(db, make_user("city_supervisor"))
    year, rest = case.number[1:5], case.number[6:]  # (2024)南海罗村调字第N号
    full_width = f"（{year}）{rest}"
    assert _found(db, city, full_width) == {case.id}
    assert _found(db, city, year + rest.replace("第", "").replace("号", "")) == {case.id}
    assert _found(db, city, case.number) == {case.id}
    prefix = f"({year}){rest.split('第')[0]}"
    assert _found(db, city, prefix) == {case.id, other.id}


def test_people_by_name_id_number_and_phone_exactly(db, make_case, make_user):
    case = make_case("NH-LS")
    other = make_case("NH-LS")
    number = resident_id(777, birth="19880808")
    _renamed(db, case, "梁敏", id_number=number, phone="13912345678")
    _renamed(db, other, "欧阳梁敏华")
    city = scope_of(db, make_user("city_supervisor"))
    assert _found(db, city, "梁敏") == {case.id}  # two characters: exact or prefix
    assert _found(db, city, "梁敏华") == {other.id}  # three: any substring
    assert _found(db, city, "阳梁敏") == {other.id}  # same statement, its own values
    assert _found(db, city, "梁敏乙") == set()
    assert _found(db, city, number) == {case.id}
    assert _found(db, city, number.lower()) == {case.id}  # x in either case
    assert _found(db, city, number[:12]) == set()  # never part of a number
    assert _found(db, city, "+86 139-1234-5678") == {case.id}
    assert _found(db, city, "1391234") == set()
    matched = matched_workers(db, number, [case.id])
    assert [w.name for w in matched[case.id]] == ["梁敏"]


def test_employer_by_word_and_credit_code(db, make_case, make_user):
    case = make_case("NH-LS", employer="佛山市顺达物流有限公司")
    make_case("NH-LS", employer="佛山市测试制造有限公司")
    employer_id = case.employer_id
    db.exec(
        text("UPDATE employer SET credit_code = '91440605MA4UJ8LX0C' WHERE id = :id"),
        params={"id": employer_id},
    )
    city = scope_of(db, make_user("city_supervisor"))
    assert _found(db, city, "顺达物流") == {case.id}
    assert _found(db, city, "佛山市顺达") == {case.id}
    assert _found(db, city, "91440605ma4uj8lx0c") == {case.id}


def test_search_respects_scope(db, make_case, make_user):
    here = make_case("NH-LS")
    there = make_case("CC-ZC")
    _renamed(db, here, "陈志强")
    _renamed(db, there, "陈志强")
    mediator = scope_of(db, make_user("mediator", "NH-LS"))
    assert _found(db, mediator, "陈志强") == {here.id}


def test_keys_follow_every_write_and_the_number_never_changes(db, make_case):
    case = make_case("NH-LS")
    worker = _renamed(db, case, "黄丽", phone="0757-83312345")
    assert worker.phone_key == lookup_key("phone", "0757-83312345")
    assert db.get(Case, case.id).number_key
    worker.phone = ""
    db.add(worker)
    db.flush()
    assert worker.phone_key is None


def test_legal_cases_by_number_and_by_their_mediation_case(db, make_case, make_user, centres):
    case = make_case("NH-LS")
    legal = LegalCase(
        centre_id=centres["NH-LS"].id,
        number="(2026)南海罗村法援字第3号",
        service_type="仲裁代理",
        mediation_case_id=case.id,
        accepted_on=date(2026, 1, 5),
    )
    db.add(legal)
    db.flush()
    city = scope_of(db, make_user("city_supervisor"))
    assert [h.id for h in search_legal(db, city, "（2026）南海罗村法援字第3号")] == [legal.id]
    hits = search_legal(db, city, case.number, [case.id])
    assert [(h.id, h.mediation_number) for h in hits] == [(legal.id, case.number)]
    other = scope_of(db, make_user("mediator", "CC-ZC"))
    assert search_legal(db, other, "（2026）南海罗村法援字第3号") == []


def test_a_search_counts_every_match_on_every_page(db, make_case, make_user):
    """The first page counts in the listing query itself; later pages count on their own."""
    cases = [make_case("NH-LS") for _ in range(3)]
    for case in cases:
        _renamed(db, case, "司马光明")
    make_case("NH-LS")  # not found
    city = scope_of(db, make_user("city_supervisor"))
    found = CaseFilter(text="马光明")
    first = list_cases(db, city, found, TODAY, limit=2)
    assert first.total == 3 and len(first.rows) == 2 and first.next_cursor
    second = list_cases(db, city, found, TODAY, cursor=first.next_cursor, limit=2)
    assert second.total == 3 and [row.id for row in second.rows] == [cases[0].id]
    assert list_cases(db, city, CaseFilter(text="不存在的人"), TODAY).total == 0
    matched = matched_workers(db, "马光明", [row.id for row in first.rows])
    assert {w.name for ws in matched.values() for w in ws} == {"司马光明"}
    assert set(matched_workers(db, "司马", [c.id for c in cases])) == {c.id for c in cases}


def test_a_search_page_shows_each_cases_own_centre_and_employer_within_scope_and_filters(
    db, make_case, make_user
):
    """The page's ids are found first, then their rows: each row keeps its own centre and
    employer, and scope and filters apply before the LIMIT, on every page."""
    here = [make_case("NH-LS") for _ in range(3)]
    elsewhere = make_case("CC-ZC")
    for case in [*here, elsewhere]:
        _renamed(db, case, "梁敏")
    here[1].category = "工伤"
    db.add(here[1])
    db.flush()
    centre = scope_of(db, make_user("mediator", "NH-LS"))
    first = list_cases(db, centre, CaseFilter(text="梁敏"), TODAY, limit=1)
    assert first.total == 3 and [row.id for row in first.rows] == [here[2].id]
    second = list_cases(db, centre, CaseFilter(text="梁敏"), TODAY, cursor=first.next_cursor)
    assert [row.id for row in second.rows] == [here[1].id, here[0].id]
    assert second.total == 3 and second.next_cursor is None
    city = scope_of(db, make_user("city_supervisor"))
    everywhere = list_cases(db, city, CaseFilter(text="梁敏"), TODAY)
    assert [row.id for row in everywhere.rows] == [elsewhere.id, here[2].id, here[1].id, here[0].id]
    for row, case in zip(everywhere.rows, [elsewhere, *reversed(here)], strict=True):
        centre, employer = db.get(Centre, case.centre_id), db.get(Employer, case.employer_id)
        assert (row.centre_code, row.employer_name) == (centre.code, employer.name)
        assert row.number == case.number
    injuries = list_cases(db, city, CaseFilter(text="梁敏", category="工伤"), TODAY)
    assert injuries.total == 1 and [row.id for row in injuries.rows] == [here[1].id]
