"""Keeps the index in step with the database, without features calling search.

after_flush notes every registered row that was added, changed or deleted
(and builds its document while the row is loaded), and the rows whose
documents depend on a changed one (search.registry.Follows); after_commit writes the
notes to the index; after_rollback forgets them, so a rolled-back change never
reaches the index. Notes are kept per transaction: a rolled-back SAVEPOINT
drops only its own, a released one hands them to its parent.
"""

import logging

from flask import has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from search.index import fields_for, search_index
from search.registry import followers_of, kind_key, kind_of

log = logging.getLogger(__name__)

NEW, CHANGED, REFRESHED = "new", "changed", "refreshed"
PENDING = "search_pending"  # session.info: {transaction: {key: fields, or None to delete}}


def _transaction(session):
    return session.get_nested_transaction() or session.get_transaction()


@event.listens_for(Session, "after_flush")
def _note_changes(session, _context) -> None:
    changes = {}
    for obj in session.deleted:
        if key := kind_key(obj):
            changes[key] = None  # its children go with it: see SearchIndex.apply
    # (row, how): NEW rows have no followers yet; a CHANGED row refreshes the
    # followers that show what changed; a REFRESHED follower refreshes all of its own.
    queue = [(obj, NEW) for obj in session.new] + [(obj, CHANGED) for obj in session.dirty]
    while queue:
        obj, how = queue.pop()
        key = kind_key(obj)
        if key is not None and key not in changes:
            changes[key] = fields_for(kind_of(obj), obj)
        if how != NEW:
            children = _followers(session, obj, only_changed=how == CHANGED)
            queue.extend((child, REFRESHED) for child in children)
    if changes:
        layers = session.info.setdefault(PENDING, {})
        layers.setdefault(_transaction(session), {}).update(changes)


def _followers(session, parent, only_changed: bool) -> list:
    """Rows whose documents show something of `parent` (that this flush changed)."""
    state = inspect(parent)
    children = []
    for kind, follows in followers_of(type(parent)):
        if not only_changed or any(
            state.attrs[name].history.has_changes() for name in follows.when
        ):
            column = getattr(kind.model, follows.foreign_key)
            children.extend(
                session.execute(select(kind.model).where(column == parent.id)).scalars()
            )
    return children


@event.listens_for(Session, "after_commit")
def _write_changes(session) -> None:
    layers = session.info.get(PENDING)
    if not layers:
        return
    if session.in_nested_transaction():  # a released SAVEPOINT: its parent owns the notes now
        nested = session.get_nested_transaction()
        if nested in layers:
            layers.setdefault(nested.parent, {}).update(layers.pop(nested))
        return
    session.info.pop(PENDING, None)
    changes = {}
    for layer in layers.values():
        changes.update(layer)
    if not has_app_context():
        return
    upserts = {key: fields for key, fields in changes.items() if fields is not None}
    deletes = [key for key, fields in changes.items() if fields is None]
    try:
        search_index().apply(upserts, deletes)
    except Exception:  # noqa: BLE001  (the database has committed; a page must not break)
        log.exception("search index update failed; `flask search reindex` repairs it")


@event.listens_for(Session, "after_rollback")
def _forget_changes(session) -> None:
    layers = session.info.get(PENDING)
    if not layers:
        return
    if session.in_nested_transaction():
        layers.pop(session.get_nested_transaction(), None)
    else:
        session.info.pop(PENDING, None)
