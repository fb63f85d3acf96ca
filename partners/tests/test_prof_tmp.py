import cProfile, pstats, time
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.fixtures import client_for

@pytest.mark.django_db
def test_prof(world):
    from bench.scenarios.partners import seed
    seed(5000)
    c = client_for(world.office)
    for url in ["/", "/roadmap/", "/partners/", "/partners/matrix/"]:
        c.get(url)
        ts=[]
        for _ in range(7):
            with CaptureQueriesContext(connection) as ctx:
                t=time.perf_counter(); c.get(url); ts.append((time.perf_counter()-t)*1000)
        print(url, "median", round(sorted(ts)[3],1), "sql", round(sum(float(q["time"]) for q in ctx.captured_queries)*1000,1), [q["time"] for q in ctx.captured_queries])
    pr = cProfile.Profile(); pr.enable()
    for _ in range(3): c.get("/partners/")
    pr.disable()
    st=pstats.Stats(pr); st.sort_stats("tottime"); st.print_stats(12)
