"""Forgetting an outside participant: personal data erased, totals and outcomes kept."""

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.errors import DomainError
from core.extensions import db
from initiatives import catalog_items, counts, leads, participants
from initiatives.models import ItemCondition, Lead, Participant
from tests.conftest import make_user
from tests.test_initiatives_support import build_catalog, uploads_fixture  # noqa: F401


@pytest.fixture
def outsider_took_part(app, uploads):
    catalog = build_catalog()
    petro = participants.Outsider("Petro Outside", "petro@elsewhere.example")
    item = catalog_items.offer_item(catalog.initiative, title="Peopleware", category="Leadership",
                               condition=ItemCondition.GOOD, outsider=petro)  # fmt: skip
    leads.register_interest(catalog.initiative, petro)
    db.session.commit()
    return catalog, item


def leads_count() -> int:
    return db.session.execute(select(func.count()).select_from(Lead)).scalar_one()


def test_admin_forgets_a_participant_and_the_numbers_stay(outsider_took_part, login):
    catalog, item = outsider_took_part
    admin = make_user("boss@example.com", "Ada Admin", is_admin=True)
    totals_before = counts.totals(catalog.initiative)
    leads_before = leads_count()
    participant = participants.participant_by_email("petro@elsewhere.example")
    page = login(admin).get("/admin/participants").get_data(as_text=True)
    assert "Petro Outside" in page and "petro@elsewhere.example" in page

    login(admin).post(f"/admin/participants/{participant.id}/forget")
    db.session.expire_all()
    forgotten = db.session.get(Participant, participant.id)
    assert "Petro" not in forgotten.name and "petro" not in forgotten.email
    assert participants.participant_by_email("petro@elsewhere.example") is None
    assert counts.totals(catalog.initiative) == totals_before
    assert leads_count() == leads_before
    assert db.session.get(type(item), item.id).contributor_participant_id == participant.id
    assert (
        db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()[-1]
        == "participant.forget"
    )


def test_forgetting_twice_is_explained(outsider_took_part):
    participant = participants.participant_by_email("petro@elsewhere.example")
    participants.forget_participant(None, participant)
    with pytest.raises(DomainError, match="already forgotten"):
        participants.forget_participant(None, participant)


def test_the_cli_forgets_by_email(outsider_took_part, runner):
    result = runner.invoke(args=["initiatives", "forget-participant", "PETRO@elsewhere.example"])
    assert result.exit_code == 0, result.output
    assert "name and e-mail erased" in result.output
    again = runner.invoke(args=["initiatives", "forget-participant", "petro@elsewhere.example"])
    assert again.exit_code == 1 and "No outside participant" in again.output
