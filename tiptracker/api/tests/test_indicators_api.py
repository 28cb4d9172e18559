"""A partnership's administrators see their own position on an indicator's funnel, the
other partnerships that share unnamed (issue 18)."""

import json

import pytest

from tiptracker.indicators.tests.test_compare import D, a_partnership
from tiptracker.lib.dates import today
from tiptracker.lib.funnel import limits_at
from tiptracker.partnerships.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/partnerships/{}/indicators/comparison/"


@pytest.fixture
def dundee_admin(db):
    a_partnership("angus", people=10, trained=6)
    a_partnership("tiny", people=3, trained=3)
    a_partnership("perth", people=10, trained=0, shares=False)
    dundee = a_partnership("dundee", people=20, trained=10)
    return MembershipFactory(partnership=dundee, role="admin")


def test_an_administrator_sees_their_point_first_and_the_others_unnamed(api, dundee_admin):
    response = api(dundee_admin).get(
        URL.format("dundee"), {"indicator": "coverage-informed", "as_of": D.isoformat()}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["pooled"] == round(16 / 30, 6) and body["threshold"] == 5
    yours, angus, tiny = body["partnerships"]
    assert yours["yours"] is True and (yours["n"], yours["x"], yours["percent"]) == (20, 10, 50.0)
    low, high = limits_at(16 / 30, 20)["95"]
    assert (yours["limits"]["lower_95"], yours["limits"]["upper_95"]) == (
        round(low, 6),
        round(high, 6),
    )
    assert angus["yours"] is False and (angus["n"], angus["x"]) == (10, 6)
    assert tiny == {
        "yours": False,
        "suppressed": True,
        "n": None,
        "x": None,
        "percent": None,
        "limits": None,
        "position": None,
    }
    # No other partnership is named anywhere, and one that does not share is not there.
    text = json.dumps(body)
    assert "angus" not in text and "tiny" not in text and "perth" not in text


def test_a_partnership_that_does_not_share_sees_no_one_else(api, dundee_admin):
    partnership = dundee_admin.partnership
    partnership.shares_indicators = False
    partnership.save()
    response = api(dundee_admin).get(URL.format("dundee"), {"indicator": "coverage-informed"})
    assert response.status_code == 409
    assert "take part in no comparison" in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"indicator": "happiness"}, 400, "indicator"),
        ({}, 400, "indicator"),
        ({"indicator": "coverage-informed", "as_of": "2099-01-01"}, 409, "as_of"),
        ({"indicator": "coverage-informed", "as_of": "30/06/2022"}, 400, "as_of"),
    ],
)
def test_a_bad_question_names_its_parameter(api, dundee_admin, query, status, field):
    response = api(dundee_admin).get(URL.format("dundee"), query)
    assert response.status_code == status and field in response.json()["errors"]


def test_today_is_the_default(api, dundee_admin):
    body = api(dundee_admin).get(URL.format("dundee"), {"indicator": "coverage-skilled"}).json()
    assert body["as_of"] == today().isoformat()
    # Nobody needs Trauma Skilled: no one to count, so every point is withheld.
    assert body["pooled"] is None and all(p["suppressed"] for p in body["partnerships"])
