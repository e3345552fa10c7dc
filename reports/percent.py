"""The percentages report figures are shown in."""


def percent_change(before: float, after: float) -> float | None:
    """Growth in % from `before` to `after`; None when there was nothing to grow from."""
    return None if not before else 100.0 * (after - before) / before


def share(part: float, whole: float) -> float | None:
    return None if not whole else 100.0 * part / whole
