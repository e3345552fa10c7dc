"""A small OpenID Connect provider the SSO tests run on 127.0.0.1: real HTTP, real RS256 tokens.

`provider.next_claims` changes the claims of the next ID token (a wrong
audience, an expired token, an unverified email); `id_token_leaves_out` drops
claims from it (they are then only at the userinfo endpoint). The provider can
misbehave too: `discovery`, `token_answer` and `userinfo_answer` replace an
endpoint's JSON body with raw text, and `delay` makes the token endpoint slow.
"""

import json
import secrets
import threading
import time
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "guildhall-test"
CLIENT_SECRET = "guildhall-test-secret"


class FakeOIDCProvider:
    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.codes: dict[str, str] = {}  # code -> nonce
        self.user = {"sub": "42", "email": "sso.user@example.com", "email_verified": True,
                     "name": "Sso User"}  # fmt: skip
        self.next_claims: dict = {}
        self.reset()
        self.app = self._make_app()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def reset(self):
        """Back to a well-behaved provider."""
        self.next_claims = {}
        self.id_token_leaves_out: tuple[str, ...] = ()
        self.discovery: str | None = None
        self.token_answer: str | None = None
        self.userinfo_answer: str | None = None
        self.userinfo: dict | None = None  # claims the userinfo endpoint gives (default: user)
        self.delay = 0.0
        self.discovery_requests = 0

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=5)

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": nonce, **self.user, **self.next_claims}  # fmt: skip
        for claim in self.id_token_leaves_out:
            claims.pop(claim, None)
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)

    def _make_app(self) -> Flask:
        app = Flask("fake_oidc")

        @app.get("/.well-known/openid-configuration")
        def configuration():
            self.discovery_requests += 1
            if self.discovery is not None:
                return self.app.response_class(self.discovery, mimetype="application/json")
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                jwks_uri=f"{self.issuer}/jwks",
                userinfo_endpoint=f"{self.issuer}/userinfo",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
            )

        @app.get("/authorize")
        def authorize():
            code = secrets.token_urlsafe(16)
            self.codes[code] = request.args["nonce"]
            query = urlencode({"code": code, "state": request.args["state"]})
            return redirect(f"{request.args['redirect_uri']}?{query}")

        @app.post("/token")
        def token():
            nonce = self.codes.pop(request.form.get("code", ""), None)
            if nonce is None:
                return jsonify(error="invalid_grant"), 400
            time.sleep(self.delay)
            if self.token_answer is not None:
                return self.app.response_class(self.token_answer, mimetype="application/json")
            return jsonify(access_token=secrets.token_urlsafe(16), token_type="Bearer",
                           expires_in=300, id_token=self.id_token(nonce))  # fmt: skip

        @app.get("/userinfo")
        def userinfo():
            if self.userinfo_answer is not None:
                return self.app.response_class(self.userinfo_answer, mimetype="application/json")
            return self.app.response_class(
                json.dumps(self.user if self.userinfo is None else self.userinfo),
                mimetype="application/json",
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.key]).as_dict(private=False))

        return app
