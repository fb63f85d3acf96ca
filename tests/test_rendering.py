"""The list-page helpers give what Django's per-row conveniences give, in the user's language and
under the app's mount point."""

from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from klimatfardplan.rendering import choice_labels, url_maker
from partners.models import Organisation


def test_choice_labels_follow_the_active_language() -> None:
    with translation.override("sv"):
        assert choice_labels(Organisation.Status)["active"] == "Aktiv"
    with translation.override("en"):
        assert choice_labels(Organisation.Status)["active"] == "Active"
    pairs = [("a", "Alfa"), ("b", "Beta")]
    assert choice_labels(pairs) == {"a": "Alfa", "b": "Beta"}


def test_url_maker_builds_the_same_urls_as_reverse_also_under_a_prefix() -> None:
    detail = url_maker("partners:organisation_detail")
    assert detail(42) == reverse("partners:organisation_detail", kwargs={"pk": 42})
    set_script_prefix("/kfp/")
    try:
        assert url_maker("partners:organisation_detail")(7) == "/kfp/partners/7/"
    finally:
        clear_script_prefix()
    assert url_maker("partners:organisation_detail")(7) == "/partners/7/"
