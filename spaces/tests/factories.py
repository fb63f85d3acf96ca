from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from partners.models import Commitment, CommitmentSet, Organisation
from roadmap.models import Challenge, PartnershipPeriod
from spaces.markdown import excerpt, render_markdown
from spaces.models import Comment, Post


def commit_to(
    organisation: Organisation,
    numbers: list[int],
    *,
    confirmed: bool = True,
    looking: tuple[int, ...] = (),
) -> CommitmentSet:
    """A commitment set of the open period with the challenges ``numbers``."""
    period = PartnershipPeriod.objects.order_by("-start_year").first()
    assert period is not None, "load_reference_data first"
    commitment_set = CommitmentSet.objects.create(
        organisation=organisation,
        period=period,
        status=CommitmentSet.Status.CONFIRMED if confirmed else CommitmentSet.Status.DRAFT,
    )
    for challenge in Challenge.objects.filter(number__in=numbers):
        Commitment.objects.create(
            commitment_set=commitment_set,
            challenge=challenge,
            looking_for_partners=challenge.number in looking,
        )
    return commitment_set


class PostFactory(DjangoModelFactory[Post]):
    class Meta:
        model = Post

    kind = Post.Kind.POST
    title = factory.Sequence(lambda n: f"Inlägg {n}")
    body = "Vi har **erfarenheter** att dela."
    body_html = factory.LazyAttribute(lambda p: render_markdown(p.body))
    excerpt = factory.LazyAttribute(lambda p: excerpt(p.body))


class CommentFactory(DjangoModelFactory[Comment]):
    class Meta:
        model = Comment

    body = "Tack för tipset!"
    body_html = factory.LazyAttribute(lambda c: render_markdown(c.body))
