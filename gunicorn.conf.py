"""gunicorn's settings for the web workers. gunicorn reads this file from the working directory
(the Dockerfile, docker-compose.yml and load/run.sh all start it from the project's root);
their command lines add the bind address and the number of workers.

A full garbage collection walks every object the process holds. After the app is imported that
is about 180,000 objects (Django, the URL configuration, compiled templates, the models), which
live as long as the worker and are never garbage, and walking them took about 100 ms on the
2-core benchmark machine, charged to whichever request happened to trigger the collection
(docs/benchmarks.md). ``gc.freeze()`` moves what exists once the worker has loaded the app into
a permanent generation the collector skips, so a collection only walks what requests create.
This is the Python documentation's advice for pre-fork servers (the ``gc.freeze`` entry); the
benchmark (bench/__main__.py) does the same before it times pages, so it measures what the
workers do.
"""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Called in each worker once the app is loaded, before it takes a request."""
    gc.collect()
    gc.freeze()
