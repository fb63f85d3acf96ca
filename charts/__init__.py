"""One chart component for pages, PDFs and downloads (issue 20, point 2; issue 19, point 2).

Python computes geometry only: :mod:`charts.lines`, :mod:`charts.bars` and :mod:`charts.likert`
turn figures into a :class:`charts.model.Chart` of plain dataclasses (scales, nice ticks, bar and
line positions). Every coordinate is a string written by ``klimatfardplan.numbers.for_machines``
(a decimal point in every language: the "charts broke in Swedish" bug) and every number a person
reads by ``for_people``. The markup lives in ``templates/components/chart/``: ``chart.svg`` draws
one standalone SVG (inline on pages, in the WeasyPrint PDFs, and as the SVG download),
``_figure.html`` wraps it for a page with its table and download links.

Grey print: series differ by dash and marker shape, bars and Likert categories by hatching as
well as colour, and values are written on the chart.
"""
