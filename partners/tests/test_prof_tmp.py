import cProfile
import pstats

import pytest

from tests.fixtures import client_for


@pytest.mark.django_db
def test_prof(world):
    from bench.scenarios.partners import seed

    counts = seed(5000)
    c = client_for(world.office)
    url = "/partners/"
    c.get(url)
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(3):
        c.get(url)
    pr.disable()
    st = pstats.Stats(pr)
    st.sort_stats("cumulative")
    st.print_callees("forms.py:29")
