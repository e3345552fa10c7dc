"""SVG line charts: x-axis labels thinned so they never overlap, every value in the table."""

import re

from flask import render_template_string
from flask_babel import force_locale

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
    wide, compact, table = html.split("</svg>")
    axis = re.findall(r'<text x="[\d.]+" y="244" [^>]*>([^<]+)</text>', wide)
    assert axis == [label for _, label in chart.x_labels]
    axis = re.findall(r'<text x="[\d.]+" y="204" [^>]*>([^<]+)</text>', compact)
    assert axis == [label for _, label in chart.compact.x_labels]
    assert 'id="c-compact-title"' in compact and 'class="w-100 d-md-none"' in compact
    assert len(re.findall(r"<tr><td>", table)) == 37
    assert "<td>Dec 23</td><td>10</td>" in table  # not on the axis, still in the table


def test_a_phones_drawing_is_half_as_wide_and_names_fewer_months_at_the_same_size():
    # Shown about 360 px wide on a phone, the wide drawing (720 units) would halve its labels'
    # 12 px; the compact one keeps them and names fewer months so that they still fit apart.
    labels = months(12)
    chart = charts.line_chart("Members", labels, list(range(12)))
    assert (chart.compact.width, chart.compact.plot_right) == (360, 360 - charts.RIGHT)
    assert len(chart.x_labels) == 12
    drawn = [label for _, label in chart.compact.x_labels]
    assert drawn == labels[::-1][::3][::-1] and drawn[-1] == "Oct 24"
    xs = [x for x, _ in chart.compact.x_labels]
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= 6 * 7 + 12


def test_a_drawn_chart_is_kept_by_its_numbers_and_language_never_served_stale(app):
    labels = months(12)
    chart = charts.line_chart("Members", labels, list(range(12)))
    with app.test_request_context():
        macro = render_template_string(
            '{% from "_chart.html" import line_chart %}{{ line_chart(chart, "c") }}', chart=chart
        )
        hits = charts._drawn.cache_info().hits
        assert str(charts.drawn(chart, "c")) == macro
        assert (
            str(charts.drawn(charts.line_chart("Members", labels, list(range(12))), "c")) == macro
        )
        assert charts._drawn.cache_info().hits >= hits + 1  # an equal chart: drawn once

        one_more = charts.line_chart("Members", labels, [*range(11), 4321])
        assert "4,321" in charts.drawn(one_more, "c") and "4,321" not in macro
        assert 'id="d-title"' in charts.drawn(chart, "d")
    with app.test_request_context(), force_locale("uk"):
        ukrainian = charts.drawn(one_more, "c")
    assert "The same numbers as a table" not in ukrainian and "4\xa0321" in ukrainian
