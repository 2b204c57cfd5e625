"""Who sees personal data: the per-case decision and the per-user one (for exports over many
cases) are the same rule."""

import pytest

from mediation import privacy
from mediation.privacy import personal_data_access, shows_personal_data
from mediation.reference.roster import LawyerData, save_lawyer


def test_a_lawyer_sees_personal_data_only_on_their_own_cases(db, centres, make_user, make_case):
    user = make_user("lawyer", "NH-LS", username="lawyer_li")
    nh = (centres["NH-LS"].id,)
    data = LawyerData(
        "李律师", "14406202110000003", "丙律师事务所", centre_ids=nh, username=user.username
    )
    lawyer = save_lawyer(db, None, data, None)
    own, other, unassigned = make_case(), make_case(), make_case()
    own.lawyer_id = lawyer.id
    other.lawyer_id = save_lawyer(
        db, None, LawyerData("周律师", "14406202110000004", "丁律师事务所", centre_ids=nh), None
    ).id
    db.flush()
    access = personal_data_access(db, user)
    for case, shown in ((own, True), (other, False), (unassigned, False)):
        assert shows_personal_data(db, user, case) is shown
        assert access.shows(case.lawyer_id) is shown
    assert not shows_personal_data(db, user)  # no case: a lawyer sees none


def test_a_lawyer_account_not_on_the_roster_sees_no_personal_data(db, make_user, make_case):
    user = make_user("lawyer", "NH-LS")
    case = make_case()  # no lawyer assigned: lawyer_id is None
    assert not shows_personal_data(db, user, case)
    assert not personal_data_access(db, user).shows(case.lawyer_id)


def test_mediators_see_it_on_every_case_supervisors_above_the_centre_on_none(
    db, make_user, make_case
):
    case = make_case()
    for role, centre, district, shown in (
        ("mediator", "NH-LS", None, True),
        ("admin", None, None, True),
        ("district_supervisor", None, "NH", False),
        ("city_supervisor", None, None, False),
    ):
        user = make_user(role, centre, district)
        assert shows_personal_data(db, user, case) is shown
        assert shows_personal_data(db, user) is shown
        assert personal_data_access(db, user).shows(case.lawyer_id) is shown


@pytest.mark.parametrize(
    "field,value,masked",
    [
        ("name", "张三", "张*"),
        ("name", "欧阳娜娜", "欧*"),
        ("id_number", "440602199001011234", "440602********1234"),
        ("phone", "13812345678", "138****5678"),
    ],
)
def test_each_personal_field_is_masked_unless_visible(field, value, masked):
    assert privacy.shown(value, field, visible=False) == masked
    assert privacy.shown(value, field, visible=True) == value


def test_empty_values_stay_empty_and_unknown_fields_are_refused():
    assert privacy.shown("", "phone", visible=False) == ""
    with pytest.raises(KeyError):
        privacy.shown("佛山市某公司", "employer", visible=False)
