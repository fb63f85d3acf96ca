"""Seed the benchmark database: the access matrix's world (sample objects for every detail page)
plus blocks of bulk-created data at a multiple of the real partnership's size.

The real size (1×) is today's partnership: 55 organisations with about 3 contacts and 6
commitments each, 200 activities, 50 meetings a year, 200 space posts. ``grow(to=10)`` brings the
database to ten times that, in blocks, so that one database can be measured at 1× and then at 10×.

Rows go in with ``bulk_create`` through the models. Fields are passed only if the model still has
them (``_only``): derived columns move between models and services while issue 19 is worked on,
and a value the database computes (a generated column) must not be given. Derived values that a
service keeps are refreshed once per block through that service, when it exists.
"""

from __future__ import annotations

from bench.seed.sizes import (
    ACTIVITIES,
    COMMITMENTS_PER_ORGANISATION,
    CONTACTS_PER_ORGANISATION,
    MEETINGS,
    MILESTONES_PER_ACTIVITY,
    ORGANISATIONS,
    POSTS,
    SURVEY_YEARS,
    Seeded,
)
from bench.seed.world import REFRESHERS, build_world, grow

__all__ = [
    "ACTIVITIES",
    "COMMITMENTS_PER_ORGANISATION",
    "CONTACTS_PER_ORGANISATION",
    "MEETINGS",
    "MILESTONES_PER_ACTIVITY",
    "ORGANISATIONS",
    "POSTS",
    "REFRESHERS",
    "SURVEY_YEARS",
    "Seeded",
    "build_world",
    "grow",
]
