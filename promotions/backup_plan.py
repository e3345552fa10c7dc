"""The backup-plan checklist both sides of a brief work through while it is published."""

from dataclasses import dataclass

from flask_babel import gettext as _

from core import audit
from core.commands import lock_row
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import can
from promotions.models import (
    BackupAction,
    PromotionRequest,
)


def _check_step(actor, brief: PromotionRequest, position: int) -> str:
    if not can(actor, "promotions.follow_up", brief):
        raise DomainError(_("The backup plan is worked by the brief's community and SMM."))
    steps = brief.backup_steps
    if not 0 <= position < len(steps):
        raise DomainError(_("This step is not in the backup plan."))
    return steps[position]


def tick_backup_step(actor, brief: PromotionRequest, position: int, note: str) -> BackupAction:
    """Mark a step done, with what was done; takes the brief's lock first."""
    brief = lock_row(PromotionRequest, brief.id)
    step = _check_step(actor, brief, position)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Note what was done, so the report can say it."))
    action = next((a for a in brief.backup_actions if a.position == position), None)
    if action is None:
        action = BackupAction(position=position)
        brief.backup_actions.append(action)
    action.step, action.note, action.done_by_id, action.done_at = step, note, actor.id, utcnow()
    audit.record(actor, "brief.backup_step", brief, f"{step}: {note}")
    db.session.flush()
    return action


def untick_backup_step(actor, brief: PromotionRequest, position: int) -> None:
    """Open a done step again; takes the brief's lock first."""
    brief = lock_row(PromotionRequest, brief.id)
    _check_step(actor, brief, position)
    for action in list(brief.backup_actions):
        if action.position == position:
            brief.backup_actions.remove(action)
    db.session.flush()


@dataclass
class ChecklistItem:
    position: int
    step: str
    action: BackupAction | None


def checklist(brief: PromotionRequest) -> list[ChecklistItem]:
    done = {action.position: action for action in brief.backup_actions}
    return [
        ChecklistItem(position, step, done.get(position))
        for position, step in enumerate(brief.backup_steps)
    ]
