// panva's oidc-provider (a certified OpenID Connect provider) on 127.0.0.1, for the SSO tests.
//
// Its default settings, with what every deployment adds: one client, the standard
// `email` and `profile` scopes, and an account lookup. Sign-in and consent are its own
// development interactions (any login, any password). As by default, an authorization
// code's ID token carries `sub` only: the e-mail and name come from the userinfo endpoint.
//
// usage: node oidc_provider_node.mjs CLIENT_ID CLIENT_SECRET REDIRECT_URI ACCOUNTS_JSON
// ACCOUNTS_JSON maps a login to its claims, e.g. {"nina": {"email": "nina@example.com",
// "email_verified": true, "name": "Nina"}}. The first line printed is {"issuer": "..."}.
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const [clientId, clientSecret, redirectUri, accountsJson] = process.argv.slice(2);
const accounts = JSON.parse(accountsJson);

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
    }],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    async findAccount(ctx, login) {
      const claims = accounts[login];
      if (!claims) return undefined;
      return { accountId: login, async claims() { return { sub: login, ...claims }; } };
    },
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
