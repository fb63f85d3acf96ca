"""The real size (1×) of each kind of data, and the bookkeeping of a seeding run."""

from __future__ import annotations

import datetime as dt
import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

# One "real size" block; the seeded database holds `scale` of them.
ORGANISATIONS = 55
CONTACTS_PER_ORGANISATION = 3
COMMITMENTS_PER_ORGANISATION = 6
ACTIVITIES = 200
MILESTONES_PER_ACTIVITY = 5
MEETINGS = 50
POSTS = 200
SURVEY_YEARS = 5  # the open round (the world's) and four earlier, approved rounds


def _only(model: type[models.Model], **values: Any) -> models.Model:
    """An unsaved ``model`` with those of ``values`` that are writable columns of it now."""
    columns = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    known = {f.name for f in columns} | {f.attname for f in columns}
    return model(**{k: v for k, v in values.items() if k in known})


def _refresh(dotted: str, *args: Any) -> str | None:
    """Call ``module:function`` if the tree under test has it (a service keeping a derived value);
    return its name when it was called."""
    module_name, _, function = dotted.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    fn: Callable[..., Any] | None = getattr(module, function, None)
    if fn is None:
        return None
    fn(*args)
    return dotted


@dataclass
class Seeded:
    scale: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    refreshed: set[str] = field(default_factory=set)
    rounds: list[Any] = field(default_factory=list)


@dataclass
class _Block:
    """What the parts of one block share: its number, random numbers, today, the new rows."""

    number: int
    seeded: Seeded
    rng: random.Random
    today: dt.date
    now: dt.datetime
    challenges: list[Any]
    orgs: list[Any] = field(default_factory=list)
    users: list[Any] = field(default_factory=list)
