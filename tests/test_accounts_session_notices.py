"""What a person is told when their sessions end: a new password, a reset or "Sign out
everywhere" is e-mailed (with a way back), and a refused password change is audited."""

from sqlalchemy import select

from accounts import services
from core.audit import AuditEntry
from core.extensions import db
from tests.test_accounts_sessions_support import (  # noqa: F401
    NEW_PASSWORD,
    account_emails,
    ann_fixture,
    change_password,
    signed_in,
)


def test_a_password_change_is_told_by_e_mail_with_a_reset_link(app, ann):
    assert change_password(signed_in(app)).status_code == 302
    [email] = account_emails()
    assert email.subject == "Your Guildhall password was changed"
    assert "http://localhost/password/reset" in email.text_body


def test_a_password_reset_is_told_by_e_mail_too(app, ann):
    token = services.password_reset_token(ann)
    app.test_client().post(
        f"/password/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert [e.subject for e in account_emails()] == ["Your Guildhall password was changed"]


def test_sign_out_everywhere_is_told_by_e_mail_in_the_persons_language(app, ann):
    ann.locale = "uk"
    db.session.commit()
    assert signed_in(app).post("/signout/everywhere").status_code == 302
    [email] = account_emails()
    assert email.subject == "Вас виведено з Guildhall на всіх пристроях"
    assert "«Вийти на всіх пристроях»" in email.text_body


def test_a_wrong_current_password_is_audited(app, ann):
    assert change_password(signed_in(app), current="a guess").status_code == 400
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "account.password_change_refused")
    ).scalar_one()
    assert entry.actor_id == ann.id and entry.subject_id == ann.id
