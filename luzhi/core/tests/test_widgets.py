"""QuickSelect renders exactly what Django's template-rendered Select renders."""

import pytest
from django import forms
from django.utils.translation import gettext_lazy

from luzhi.core.widgets import QuickSelect

CHOICES = [
    ("", gettext_lazy("全部")),
    ("a", "A & <b>"),
    ("b", 'say "b"'),
    (3, 3),
    ("group", [("1", "one"), ("2", "two")]),
]


@pytest.mark.parametrize("value", [None, "", "a", "2", ["b"], "missing"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_x", "disabled": True, "data-off": False, "class": 'c"<'}]
)
def test_the_markup_is_djangos(value, attrs):
    django_html = forms.Select(choices=CHOICES).render("name<", value, attrs)
    assert QuickSelect(choices=CHOICES).render("name<", value, attrs) == django_html


def test_a_filter_forms_selects_are_djangos(db):
    from luzhi.registry.filters import EnterpriseFilter

    form = EnterpriseFilter({"segment": "large_models", "hard_tech": "true"}).form
    for name, field in form.fields.items():
        if isinstance(field.widget, QuickSelect):
            quick = str(form[name])
            field.widget.__class__ = forms.Select
            assert quick == str(form[name]), name
