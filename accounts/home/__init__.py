"""What each role's home page shows: the things to do now, each linked to where it is done.

One module per role, each reading through the public selectors of the apps that own the data
(surveys, partners, activities, reporting) and adding no rule of its own:

* :func:`accounts.home.partner.partner_home` — per organisation of a partner contact: this
  year's survey, commitments and declaration, activities needing an update; and the upcoming
  meetings and latest reports the contact may see;
* :func:`accounts.home.office.office_home` — the survey round at a glance, responses waiting
  for approval, onboarding, activities needing attention, the report year, failed mail;
* :func:`accounts.home.strategic.strategic_home` — headline figures, the partnership's
  emissions against the 20 % path, and what needs attention.

Each runs a fixed number of queries whatever the number of rows (the tests hold the budgets);
the partner's grows only with the number of organisations the contact represents (one or two).
"""
