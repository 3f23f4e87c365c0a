"""Form pieces every area's forms share."""
from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l
from wtforms import FloatField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes, usable with the keyboard."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FiniteFloatField(FloatField):
    """A number field that refuses what Python's float() takes but no person types: nan, inf, 1e309.
    Such a value would be saved and then break every page, sum and JSON answer that reads it."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not math.isfinite(self.data):
            self.data = None
            raise ValueError(_l("请填写有限的数字"))
