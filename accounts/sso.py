"""Optional single sign-on with OpenID Connect (Authlib), on when OIDC_ISSUER is set."""

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from flask_babel import gettext as _
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from requests import RequestException

from accounts import services
from accounts.models import User
from core.errors import DomainError


def init_sso(app: Flask) -> None:
    oauth = OAuth(app)  # one registry per app, so each app talks to its own provider
    app.extensions["guildhall_oauth"] = oauth
    if app.config.get("OIDC_ISSUER"):
        oauth.register(
            "oidc",
            client_id=app.config["OIDC_CLIENT_ID"],
            client_secret=app.config["OIDC_CLIENT_SECRET"],
            server_metadata_url=app.config["OIDC_ISSUER"].rstrip("/")
            + "/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile"},
        )


def sso_enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def provider():
    return current_app.extensions["guildhall_oauth"].create_client("oidc")


def provider_name() -> str:
    return current_app.config["OIDC_PROVIDER_NAME"]


def start_sign_in(redirect_uri: str):
    """The redirect to the provider; a DomainError when the provider cannot be reached."""
    try:
        return provider().authorize_redirect(redirect_uri)
    except (OAuthError, RequestException, ValueError, KeyError):
        # Its discovery document did not come (down, unreachable, or not an OIDC issuer).
        raise DomainError(
            _("%(provider)s cannot be reached right now. Please try again in a few minutes.",
              provider=provider_name())
        ) from None  # fmt: skip


def _claims(token: dict) -> dict:
    """The person's claims: the ID token's, and the userinfo endpoint's when the ID token
    leaves the e-mail out (as providers do by default for the authorization-code flow)."""
    claims = dict(token.get("userinfo") or {})
    if claims.get("email"):
        return claims
    try:
        userinfo = provider().userinfo(token=token)
    except (OAuthError, RequestException, ValueError):
        raise DomainError(_("Single sign-on did not complete. Please try again.")) from None
    # The userinfo answer speaks for the ID token's subject only (OpenID Connect Core 5.3.2).
    if userinfo.get("sub") != claims.get("sub"):
        raise DomainError(_("The sign-in provider's answer could not be trusted."))
    return {**claims, **userinfo}


def finish_sign_in() -> User:
    """Check the provider's answer and return the matching (or new) account.

    Every refusal is a DomainError with a message for the person signing in.
    """
    try:
        token = provider().authorize_access_token()
    except ExpiredTokenError:
        raise DomainError(_("The sign-in took too long and expired. Please try again.")) from None
    except ClaimError as error:
        # A token for another client fails on its audience (or on a missing azp).
        if getattr(error, "claim", None) in ("aud", "azp"):
            raise DomainError(_("The sign-in was meant for another application.")) from None
        raise DomainError(_("The sign-in provider's answer could not be trusted.")) from None
    except (OAuthError, JoseError, RequestException, ValueError):
        raise DomainError(_("Single sign-on did not complete. Please try again.")) from None
    claims = _claims(token)
    email = claims.get("email")
    if not email:
        raise DomainError(_("The sign-in provider did not share your email address."))
    if claims.get("email_verified") is not True:
        raise DomainError(_("Your email address is not verified with the sign-in provider."))
    user = services.find_user_by_email(email)
    if user is None:
        # Creating the account applies the allowed-domain rule.
        user = services.create_user(
            email, claims.get("name") or email.split("@")[0], None, email_confirmed=True
        )
    elif not user.email_confirmed:
        # Someone signed up with this address and never proved it: the account may not be
        # its owner's, so single sign-on must not hand it over.
        raise DomainError(
            _("An account with %(email)s exists, but its address was never confirmed, so "
              "single sign-on cannot open it. Set a new password for it with \"Forgot your "
              "password?\" (that confirms the address), then sign in again.", email=user.email)
        )  # fmt: skip
    if not user.active:
        raise DomainError(_("This account is deactivated."))
    return user
