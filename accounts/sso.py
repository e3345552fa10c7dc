"""Optional single sign-on with OpenID Connect (Authlib), on when OIDC_ISSUER is set."""

import json

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, url_for
from flask_babel import gettext as _
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from markupsafe import Markup
from requests import ConnectionError, RequestException, Timeout

from accounts import services
from accounts.models import User
from core.errors import DomainError


def init_sso(app: Flask) -> None:
    oauth = OAuth(app)  # one registry per app, so each app talks to its own provider
    app.extensions["guildhall_oauth"] = oauth
    app.jinja_env.globals["sso_provider_name"] = provider_name
    if app.config.get("OIDC_ISSUER"):
        oauth.register(
            "oidc",
            client_id=app.config["OIDC_CLIENT_ID"],
            client_secret=app.config["OIDC_CLIENT_SECRET"],
            server_metadata_url=app.config["OIDC_ISSUER"].rstrip("/")
            + "/.well-known/openid-configuration",
            # Every call to the provider gives up after OIDC_TIMEOUT seconds.
            client_kwargs={
                "scope": "openid email profile",
                "default_timeout": app.config["OIDC_TIMEOUT"],
            },
        )


# What a discovery document must name for the sign-in to work at all.
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
# A userinfo answer is a few claims; anything bigger is not read to the end.
MAX_USERINFO_BYTES = 64 * 1024


def sso_enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def provider():
    return current_app.extensions["guildhall_oauth"].create_client("oidc")


def provider_name() -> str:
    return current_app.config["OIDC_PROVIDER_NAME"] or _("company account")


def _unreachable() -> DomainError:
    return DomainError(
        _("%(provider)s cannot be reached right now. Please try again in a few minutes.",
          provider=provider_name())
    )  # fmt: skip


def _load_metadata(client) -> dict:
    """The provider's discovery document, checked; a broken one is forgotten (so the next
    sign-in asks again) and is a DomainError, like an unreachable provider."""
    try:
        metadata = client.load_server_metadata()
    except (RequestException, ValueError, TypeError, AttributeError):
        # Down, unreachable, slow, or its answer is not a JSON object.
        metadata = None
    if not isinstance(metadata, dict) or not all(
        isinstance(metadata.get(name), str) and metadata[name] for name in REQUIRED_ENDPOINTS
    ):
        client.server_metadata.clear()
        raise _unreachable()
    return metadata


def start_sign_in(redirect_uri: str):
    """The redirect to the provider; a DomainError when the provider cannot be reached."""
    client = provider()
    _load_metadata(client)
    try:
        return client.authorize_redirect(redirect_uri)
    except (OAuthError, RequestException, ValueError, KeyError):
        raise _unreachable() from None


def _email_verified(claims: dict) -> bool:
    # Some providers send the boolean as a string.
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _userinfo(client, token: dict) -> dict:
    """The userinfo endpoint's claims: a JSON object of bounded size, else a DomainError."""
    endpoint = client.load_server_metadata().get("userinfo_endpoint")
    if not endpoint:
        return {}
    try:
        response = client.get(endpoint, token=token, stream=True)
        with response:
            response.raise_for_status()
            body = response.raw.read(MAX_USERINFO_BYTES + 1, decode_content=True)
        if len(body) > MAX_USERINFO_BYTES:
            raise ValueError("userinfo answer too large")
        userinfo = json.loads(body)
    except (Timeout, ConnectionError):
        raise _unreachable() from None
    except (OAuthError, RequestException, ValueError):
        raise DomainError(_("Single sign-on did not complete. Please try again.")) from None
    if not isinstance(userinfo, dict):
        raise DomainError(_("The sign-in provider's answer could not be trusted."))
    return userinfo


def _claims(client, token: dict) -> dict:
    """The person's claims: the ID token's, and the userinfo endpoint's when the ID token
    leaves the e-mail or its verification out (as providers do by default for the
    authorization-code flow). Without a checked ID token naming its subject, nothing."""
    claims = dict(token.get("userinfo") or {})
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise DomainError(_("The sign-in provider's answer could not be trusted."))
    if claims.get("email") and "email_verified" in claims:
        return claims
    userinfo = _userinfo(client, token)
    if not userinfo:
        return claims
    # The userinfo answer speaks for the ID token's subject only (OpenID Connect Core 5.3.2).
    if userinfo.get("sub") != subject:
        raise DomainError(_("The sign-in provider's answer could not be trusted."))
    return {**claims, **userinfo}


def _unconfirmed_account(user: User) -> DomainError:
    if current_app.config["PASSWORD_SIGN_IN"]:
        link = Markup('<a href="{}">{}</a>').format(
            url_for("accounts.request_password_reset"), _("Forgot your password?")
        )
        message = Markup(
            _("An account with %(email)s exists, but its address was never confirmed, so "
              "single sign-on cannot open it. Set a new password for it with %(link)s (that "
              "confirms the address), then sign in again.")
        ) % {"email": user.email, "link": link}  # fmt: skip
    else:
        message = _("An account with %(email)s exists, but its address was never confirmed, "
                    "so single sign-on cannot open it. Ask a site admin for help.",
                    email=user.email)  # fmt: skip
    return DomainError(message)


def provider_claims() -> dict:
    """Check the provider's answer and return what it says about the person.

    It asks the provider over the network: run it outside any transaction (on SQLite a
    command holds the database's write lock). Every refusal is a DomainError with a
    message for the person signing in.
    """
    client = provider()
    _load_metadata(client)
    try:
        token = client.authorize_access_token()
    except ExpiredTokenError:
        raise DomainError(_("The sign-in took too long and expired. Please try again.")) from None
    except ClaimError as error:
        # A token for another client fails on its audience (or on a missing azp).
        if getattr(error, "claim", None) in ("aud", "azp"):
            raise DomainError(_("The sign-in was meant for another application.")) from None
        raise DomainError(_("The sign-in provider's answer could not be trusted.")) from None
    except (Timeout, ConnectionError):
        raise _unreachable() from None
    except (OAuthError, JoseError, RequestException, ValueError, TypeError, AttributeError):
        # Also a token answer that is JSON but not an object.
        raise DomainError(_("Single sign-on did not complete. Please try again.")) from None
    if not isinstance(token, dict):
        raise DomainError(_("Single sign-on did not complete. Please try again."))
    claims = _claims(client, token)
    email = claims.get("email")
    if not email:
        raise DomainError(_("The sign-in provider did not share your email address."))
    if not isinstance(email, str):
        raise DomainError(_("The sign-in provider's answer could not be trusted."))
    if not _email_verified(claims):
        raise DomainError(_("Your email address is not verified with the sign-in provider."))
    return claims


def account_for(claims: dict) -> User:
    """The account the provider's checked claims name: found, or made for them."""
    email = claims["email"]
    user = services.find_user_by_email(email)
    if user is None:
        # Creating the account applies the allowed-domain rule.
        user = services.create_user(
            email, claims.get("name") or email.split("@")[0], None, email_confirmed=True
        )
    elif not user.email_confirmed:
        # Someone signed up with this address and never proved it: the account may not be
        # its owner's, so single sign-on must not hand it over.
        raise _unconfirmed_account(user)
    if not user.active:
        raise DomainError(_("This account is deactivated."))
    return user
