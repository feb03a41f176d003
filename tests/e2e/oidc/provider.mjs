// A real OpenID Connect provider for the sign-on tests (oidc-provider from npm, its development login pages).
// Configured from the environment: OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI and
// OIDC_ACCOUNTS (JSON: {"login": {"name": "...", "groups": ["..."]}}). Any login typed on its page signs in as
// that subject; the claims come from OIDC_ACCOUNTS (an unknown login gets a name and no groups).
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], profile: ['name'], groups: ['groups'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const known = accounts[id] || { name: `Unknown ${id}`, groups: [] };
    return { accountId: id, async claims() { return { sub: id, name: known.name, groups: known.groups }; } };
  },
  ttl: { Session: 600, Interaction: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
