import cProfile, pstats, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE","bench.settings")
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
from datetime import date
from django.db import connection
from django.test.utils import setup_databases
setup_databases(verbosity=0, interactive=False)
from roadmap.services import load_reference_data
load_reference_data()
from accounts.models import User
from partners.models import Organisation, ContactPerson, Membership
from partners.tests.factories import organisation_number
from surveys import services
u=User.objects.create_user("p", password="x")
o=Organisation.objects.create(name="O", organisation_number=organisation_number(5), kind="company", status="active")
c=ContactPerson.objects.create(first_name="a", last_name="b", email="a@b.se", user=u)
Membership.objects.create(contact=c, organisation=o, is_survey_submitter=True)
r=services.create_round(year=2026, opens_on=date(2026,1,1), closes_on=date(2099,1,1), by=None)
cl=Client(); cl.force_login(u)
url=f"/surveys/rounds/{r.pk}/organisations/{o.pk}/?section=scope1"
for _ in range(3): cl.get(url)

import cProfile, pstats
from surveys import selectors
from surveys.models import SurveyRound
rr=SurveyRound.objects.get(pk=r.pk)
pr=cProfile.Profile(); pr.enable()
for _ in range(30): selectors.get_form_state(rr, o)
pr.disable()
pstats.Stats(pr).sort_stats("tottime").print_stats(12)
