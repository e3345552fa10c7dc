"""SVG line charts: x-axis labels thinned so they never overlap, every value in the table."""

import re

from flask import render_template_string

from core import charts


def months(count: int) -> list[str]:
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return [f"{names[(10 + i) % 12]} {23 + (10 + i) // 12}" for i in range(count)]


def test_three_years_of_months_name_every_fourth_month_ending_with_the_last():
    labels = months(37)  # Nov 23 … Nov 26
    chart = charts.line_chart("Members", labels, list(range(37)))
    # 37 points over 640 px are 17.8 px apart; "Nov 23" needs 6 × 7 + 12 = 54 px,
    # so every ceil(54 / 17.8) = 4th label is drawn, counted back from the last: 10 of them.
    drawn = [label for _, label in chart.x_labels]
    assert drawn == labels[::-1][::4][::-1]
    assert len(drawn) == 10 and drawn[0] == "Nov 23" and drawn[-1] == "Nov 26"
    xs = [x for x, _ in chart.x_labels]
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= 54


def test_a_year_of_months_names_every_month():
    labels = months(12)  # 58.2 px apart: room for each
    assert [label for _, label in charts.line_chart("M", labels, [1] * 12).x_labels] == labels


def test_the_drawn_chart_thins_its_labels_but_its_table_keeps_every_value(app):
    labels = months(37)
    chart = charts.line_chart("Members", labels, [10 * i for i in range(37)])
    with app.test_request_context():
        html = render_template_string(
            '{% from "_chart.html" import line_chart %}{{ line_chart(chart, "c") }}', chart=chart
        )
    svg, table = html.split("</svg>")
    axis = re.findall(r'<text x="[\d.]+" y="244" [^>]*>([^<]+)</text>', svg)
    assert axis == [label for _, label in chart.x_labels]
    assert len(re.findall(r"<tr><td>", table)) == 37
    assert "<td>Dec 23</td><td>10</td>" in table  # not on the axis, still in the table
