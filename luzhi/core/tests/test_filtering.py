"""Whole-number filters answer nonsense with 400, never a 500 (found by fuzzing); the
search filter's text matches any of its fields."""

import django_filters
import pytest
from django.test import Client

from luzhi.accounts.models import City
from luzhi.core.filtering import SearchFilter


@pytest.mark.parametrize(
    "query",
    [
        "/api/recognitions/?year=0.0",
        "/api/recognitions/?year=0",
        "/api/recognitions/?year=-5",
        "/api/recognitions/?year=5e16",
        "/api/recognitions/?year=2025.5",
        "/api/solutions/?provider=-2.5895084116070535e%2B109",
        "/api/solutions/?provider=9223372036854775808",
        "/api/solutions/?provider=1.5",
    ],
)
def test_out_of_range_numbers_are_a_400(db, query):
    response = Client().get(query)
    assert response.status_code == 400, (query, response.status_code)
    assert response.json()["error"]["code"] == "invalid"


def test_good_values_still_filter(db):
    assert Client().get("/api/recognitions/?year=2025").status_code == 200
    assert Client().get("/api/solutions/?provider=1").status_code == 200


class _CitySearch(django_filters.FilterSet):
    q = SearchFilter("name", "code", max_chars=4)

    class Meta:
        model = City
        fields = ["q"]


def test_search_matches_any_of_its_fields_and_cuts_a_long_text(db):
    cities = City.objects.all()
    assert [c.code for c in _CitySearch({"q": "济南"}, queryset=cities).qs] == ["370100"]
    # Cut to "3702": still the code's start, so Qingdao and nothing else.
    assert [c.name for c in _CitySearch({"q": "370200-and-more"}, queryset=cities).qs] == ["青岛"]
    assert _CitySearch({"q": "  "}, queryset=cities).qs.count() == cities.count() > 2
