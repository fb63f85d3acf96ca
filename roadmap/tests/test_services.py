import pytest

from roadmap import services
from roadmap.models import Challenge, FocusArea, Goal, PartnershipPeriod

pytestmark = pytest.mark.django_db


def test_reference_data_loads_the_roadmap_of_domain_md() -> None:
    result = services.load_reference_data()
    assert result.created > 0
    assert FocusArea.objects.count() == 5
    assert Challenge.objects.count() == 21
    assert set(Goal.objects.values_list("code", flat=True)) == {"impact-1", "impact-2", "enabling"}
    period = PartnershipPeriod.objects.get()
    assert (period.start_year, period.end_year, period.base_year) == (2023, 2025, 2022)
    eighteen = Challenge.objects.get(number=18)
    assert (eighteen.name_sv, eighteen.name_en) == ("Minska matsvinn", "Reduce food waste")
    assert eighteen.focus_area.code == "food"


def test_loading_twice_changes_nothing_and_keeps_the_offices_edits() -> None:
    services.load_reference_data()
    Challenge.objects.filter(number=1).update(name_sv="Ändrad av kansliet")
    assert services.load_reference_data().created == 0
    assert Challenge.objects.count() == 21
    assert Challenge.objects.get(number=1).name_sv == "Ändrad av kansliet"


def test_names_follow_the_active_language() -> None:
    from django.utils import translation

    services.load_reference_data()
    area = FocusArea.objects.get(code="food")
    with translation.override("en"):
        assert area.name == "Food and agriculture"
    with translation.override("sv"):
        assert area.name == "Mat och jordbruk"
