"""The component's builders in one import: ``from charts import build``."""

from charts.bars import bar_chart
from charts.likert import LikertRow, likert_chart
from charts.lines import line_chart
from charts.model import Chart
from charts.series import Series

__all__ = ["Chart", "LikertRow", "Series", "bar_chart", "likert_chart", "line_chart"]
