"""Choice fields for the long lists on the forms (every organisation, every contact person,
every activity: thousands of options at ten times the real size), used by the activities and
meetings forms and the organisation page's group relations.

Django's model choice fields build a model instance per option and its widgets render each option
through two template includes; at 550 organisations and 1,650 people that was most of a 2-4 s
page. These fields keep Django's validation (``clean()`` still returns model instances from the
field's queryset) but read the options with one ``values_list`` query, and the widgets render the
options in one template loop.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.forms.models import ModelChoiceIterator

Choice = tuple[Any, Any]


class ValuesChoiceIterator(ModelChoiceIterator):
    """(pk, label) pairs from ``field.values_choices(queryset)``: no instance per option."""

    def __iter__(self) -> Iterator[Choice]:
        field = self.field
        assert isinstance(field, ValuesChoiceField)  # noqa: S101 (only those use this iterator)
        if field.empty_label is not None:
            yield ("", field.empty_label)
        yield from field.values_choices(self.queryset)


class ValuesChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Options read as ``values_list("pk", *label_fields)``, labelled by ``label_from_values``
    (the same text as the model's ``__str__`` unless a subclass says otherwise)."""

    iterator = ValuesChoiceIterator
    label_fields: Sequence[str] = ("name",)

    def label_from_values(self, *values: Any) -> str:
        return " ".join(str(v) for v in values if v).strip()

    def values_choices(self, queryset: QuerySet[Model]) -> Iterator[Choice]:
        for pk, *values in queryset.values_list("pk", *self.label_fields):
            yield (pk, self.label_from_values(*values))


class LeanOptions(forms.widgets.ChoiceWidget):
    """The options as (value, label) pairs and the chosen values as a set, which is all the
    one-loop templates read: Django's ``optgroups`` builds a dict of a dozen keys per option,
    and at thousands of options those dicts cost more than drawing them."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # Widget.get_context: the name, the chosen values as strings (format_value) and the
        # attributes, without ChoiceWidget's per-option dicts.
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        if self.allow_multiple_selected and isinstance(self, forms.Select):
            widget["attrs"]["multiple"] = True  # as Select.get_context
        widget["chosen"] = set(widget["value"])
        widget["options"] = [("" if v is None else str(v), label) for v, label in self.choices]
        return context


class LeanSelect(LeanOptions, forms.Select):
    template_name = "components/widgets/select.html"


class LeanSelectMultiple(LeanOptions, forms.SelectMultiple):
    template_name = "components/widgets/select.html"


class LeanCheckboxes(LeanOptions):
    """A list of checkboxes (as CheckboxSelectMultiple) in one template loop. Deliberately not a
    CheckboxSelectMultiple: crispy would then draw it with its own per-option templates."""

    allow_multiple_selected = True
    input_type = "checkbox"
    template_name = "components/widgets/checkboxes.html"
    use_fieldset = True

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return forms.SelectMultiple().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # an unticked list sends nothing, as for CheckboxSelectMultiple

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return ""  # the legend labels the group; each box has its own label


class OrganisationChoiceField(ValuesChoiceField):
    widget = LeanSelect
    label_fields = ("name",)


class OrganisationsChoiceField(ValuesChoiceField, forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    widget = LeanSelectMultiple
    label_fields = ("name",)


class PeopleChoiceField(ValuesChoiceField, forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """People as their full name (ContactPerson.full_name)."""

    widget = LeanSelectMultiple
    label_fields = ("first_name", "last_name")


class ActivitiesChoiceField(ValuesChoiceField, forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    widget = LeanSelectMultiple
    label_fields = ("title",)


class PeopleWithOrganisationField(ValuesChoiceField, forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Each person of the queryset once, as "name (organisation, …)" with their active
    organisations, so that two people of the same name stay apart. One query: the active
    memberships of those people, by name."""

    widget = LeanCheckboxes

    def values_choices(self, queryset: QuerySet[Model]) -> Iterator[Choice]:
        from partners.models import Membership  # here: the partners app imports this module

        rows = (
            Membership.objects.filter(is_active=True, contact__in=queryset.order_by().values("pk"))
            .order_by(
                "contact__last_name", "contact__first_name", "contact_id", "organisation__name"
            )
            .values_list(
                "contact_id", "contact__first_name", "contact__last_name", "organisation__name"
            )
        )
        for pk, group in groupby(rows, key=lambda row: row[0]):
            memberships = list(group)
            name = f"{memberships[0][1]} {memberships[0][2]}".strip()
            yield (pk, f"{name} ({', '.join(m[3] for m in memberships)})")
