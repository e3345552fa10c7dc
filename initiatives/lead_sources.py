"""What a lead's source means to the leaders reading it.

A source is either a word from the public page's address (`?source=facebook`), shown
as it is, or the code of a tracked link that brought the person; promotions, a higher
feature, registers a labeller that names the link's channel and brief.
"""

from collections.abc import Callable

Labeller = Callable[[set[str]], dict[str, str]]
_labellers: list[Labeller] = []


def register_source_labeller(labeller: Labeller) -> None:
    """`labeller(sources)` returns {source: its label} for the sources it knows."""
    _labellers.append(labeller)


def source_labels(sources) -> dict[str, str]:
    """{source: what to show}; a source nobody knows is shown as it is."""
    wanted = {source for source in sources if source}
    labels: dict[str, str] = {}
    for labeller in _labellers:
        if wanted - labels.keys():
            labels.update(labeller(wanted - labels.keys()))
    return {source: labels.get(source, source) for source in wanted}
