"""Demo content for the shared spaces (``manage.py load_demo_data``): a few posts, comments,
questions and offers in the groupings of the demo partners, and a reusable library item."""

from __future__ import annotations

import random

from accounts.models import User
from partners.models import Organisation
from spaces import selectors, services
from spaces.markdown import excerpt, render_markdown
from spaces.models import Comment, Post, Space

# kind, title, body (Markdown), reusable, comments
DEMO_POSTS: list[tuple[str, str, str, bool, list[str]]] = [
    (
        Post.Kind.OFFER,
        "Vi delar gärna vår resepolicy",
        "Vi antog en ny **resepolicy** i våras: tåg före flyg under 60 mil och digitala möten "
        "som förstahandsval.\n\n- Mall för beslut\n- Checklista för resebokning\n\n"
        "Hör av er så berättar vi hur vi fick ledningen med oss.",
        True,
        ["Tack! Vi skulle gärna se checklistan inför vårt eget arbete."],
    ),
    (
        Post.Kind.QUESTION,
        "Hur mäter ni tjänsteresor med egen bil?",
        "Vi försöker få in körjournaler i klimatbokslutet. Har någon ett bra sätt att samla in "
        "kilometer per bränsletyp utan att det blir för mycket administration?",
        False,
        [
            "Vi använder reseräkningssystemet och exporterar per kvartal, det fungerar bra.",
            "Samma här, plus en schablon för laddhybrider.",
        ],
    ),
    (
        Post.Kind.TIP,
        "Tips: energikartläggning med studenter",
        "Vi har haft två examensarbetare som gjorde en energikartläggning av våra lokaler. "
        "Billigt, lärorikt och gav åtgärder som betalade sig på ett år. "
        "Läs mer hos [Energimyndigheten](https://www.energimyndigheten.se/).",
        True,
        [],
    ),
    (
        Post.Kind.QUESTION,
        "Någon som vill samköra ett matsvinnsprojekt?",
        "Vi planerar att mäta matsvinn i personalrestaurangen under hösten och söker fler som "
        "vill jämföra siffror.",
        False,
        [],
    ),
    (
        Post.Kind.POST,
        "Sammanfattning från grupperingsträffen i oktober",
        "Tolv partner var med. Vi gick igenom läget för varje organisation och bestämde att:\n\n"
        "1. samla alla energikartläggningar i biblioteket,\n"
        "2. ordna ett studiebesök i en renoverad fastighet i vår.\n\n"
        "Nästa träff: mars.",
        False,
        ["Bra sammanfattning, vi tar gärna emot studiebesöket hos oss."],
    ),
    (
        Post.Kind.OFFER,
        "Vår upphandling av laddinfrastruktur",
        "Vi har just upphandlat laddplatser för fordonsflottan och delar gärna "
        "förfrågningsunderlaget och kravspecifikationen.",
        True,
        [],
    ),
    (
        Post.Kind.QUESTION,
        "Erfarenheter av HVO i arbetsmaskiner?",
        "Vi funderar på att gå över till HVO100 i hjullastarna. Hur har det fungerat i kyla, "
        "och hur redovisar ni det i scope 1 och biogen koldioxid?",
        False,
        ["Fungerar bra ner till −30 °C med rätt kvalitet. Biogent CO2 redovisar vi separat."],
    ),
]


def _author_for(organisation: Organisation) -> User | None:
    return (
        User.objects.filter(contact_person__memberships__organisation=organisation, is_active=True)
        .order_by("pk")
        .first()
    )


def create_demo(rng: random.Random, organisations: list[Organisation]) -> str:
    """Idempotent: posts are looked up by space and title; a second run adds nothing."""
    services.ensure_spaces()
    spaces = list(Space.objects.filter(kind=Space.Kind.CHALLENGE).select_related("challenge"))
    candidates: list[tuple[Space, list[Organisation]]] = []
    preferred = organisations[3].pk if len(organisations) > 3 else None
    for space in spaces:
        members = list(selectors.list_member_organisations(space))
        if len(members) >= 2:
            candidates.append((space, members))
    # Spaces of the demo login's organisation first, so "anna" sees content at once.
    candidates.sort(key=lambda c: (preferred not in {o.pk for o in c[1]}, -len(c[1])))
    created_posts = created_comments = 0
    for index, (kind, title, body, reusable, comments) in enumerate(DEMO_POSTS):
        if not candidates:
            break
        space, members = candidates[index % min(len(candidates), 5)]
        author_org = members[index % len(members)]
        post, created = Post.objects.get_or_create(
            space=space,
            title=title,
            defaults={
                "kind": kind,
                "body": body,
                "body_html": render_markdown(body),
                "excerpt": excerpt(body),
                "is_reusable": reusable,
                "author": _author_for(author_org),
                "organisation": author_org,
            },
        )
        if not created:
            continue
        created_posts += 1
        others = [o for o in members if o.pk != author_org.pk] or members
        for text in comments:
            commenter = rng.choice(others)
            Comment.objects.create(
                post=post,
                body=text,
                body_html=render_markdown(text),
                author=_author_for(commenter),
                organisation=commenter,
            )
            created_comments += 1
    return (
        f"{Space.objects.count()} spaces, {created_posts} posts and {created_comments} comments "
        f"added; {Post.objects.in_library().count()} library items."
    )
