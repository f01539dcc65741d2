"""Form widgets that render in Python what Django renders through templates.

Django renders a ``<select>`` by rendering a template per option (``select.html``
including ``select_option.html`` and ``attrs.html`` for each): on a list page whose
filter form has five selects and sixty options, that was a fifth of the page's CPU.
:class:`QuickSelect` builds the very same markup in Python (``core/tests/test_widgets.py``
compares it with Django's rendering, byte for byte).
"""

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """``attrs.html``: `` name="value"`` for each attribute, a bare name for True, none for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{conditional_escape(str(value))}"')
    return "".join(parts)


class QuickSelect(forms.Select):
    """A ``<select>`` rendered without templates: the markup of Django's ``Select``."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f'{_attrs(option["attrs"])}>{conditional_escape(option["label"])}</option>\n'
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)
