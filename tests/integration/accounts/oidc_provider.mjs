// A real OpenID Connect provider (panva's oidc-provider) for the tests, on loopback.
// usage: node oidc_provider.mjs <port> <client_id> <client_secret> <redirect_uri>
// The module is imported from OIDC_PROVIDER_MODULE (where the test installed it with npm).
// Its development sign-in form takes any login: that login becomes the subject and e-mail.
const { default: Provider } = await import(process.env.OIDC_PROVIDER_MODULE);
const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri],
    grant_types: ['authorization_code'], response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: `sub-${id}`, email: id, email_verified: true }),
  }),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['kelisim-test-cookie-key'] },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`ready ${port}`));
