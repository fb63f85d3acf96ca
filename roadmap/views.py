from typing import Any

from django.views.generic import TemplateView

from accounts.policy import PolicyRequiredMixin
from roadmap import selectors
from roadmap.models import Goal, PartnershipPeriod


class ChallengeListView(PolicyRequiredMixin, TemplateView):
    """The roadmap at a glance: focus areas, their challenges, the goals and the periods."""

    action = "roadmap.view"
    template_name = "roadmap/challenge_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["focus_areas"] = selectors.list_focus_areas_with_challenges()
        context["goals"] = Goal.objects.all()
        context["periods"] = PartnershipPeriod.objects.all()
        return context
