"""Asking before an irreversible step, with no script needed.

Two ways, one page (templates/core/confirm.html):
- a one-click step (leave, withdraw, delete) answers GET on its own address with
  the question, and does the step on POST: the page's button is an `ask_button`,
  a small GET form, so it is still a button;
- a step whose form carries text (a report, a reason) is asked on its POST: the
  view calls `ask_first(..., carry=True)` unless `confirmed()`, and the page posts
  the same fields again with `confirmed=1`.
"""

from flask import render_template, request

CONFIRMED = "confirmed"


def confirmed() -> bool:
    return request.form.get(CONFIRMED) == "1"


def ask_first(
    question: str,
    *,
    button: str,
    cancel: str,
    detail: str | None = None,
    carry: bool = False,
    fields: dict | None = None,
    danger: bool = True,
):
    """The confirmation page: its button posts `fields`, or with `carry` the submitted
    fields again (for a POST view)."""
    fields = list((fields or {}).items())
    if carry:
        fields = [
            (name, value)
            for name, values in request.form.lists()
            if name not in ("csrf_token", CONFIRMED)
            for value in values
        ]
        fields.append((CONFIRMED, "1"))
    return render_template(
        "core/confirm.html",
        question=question,
        detail=detail,
        button=button,
        action=request.path,
        fields=fields,
        cancel=cancel,
        danger=danger,
    )
