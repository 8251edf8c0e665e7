// A real OpenID provider for the tests: the certified `oidc-provider` package, on loopback.
//
//   node tests/oidc_provider.mjs PORT
//
// Two clients, PKCE required: cx-assessment (client_secret_basic) and cx-assessment-jwt
// (private_key_jwt, as Login.gov; GET /test/client-key gives the tests its private key). No sign-in page: the
// authorization request's login_hint is the account that signs in (its email; an address that
// starts with "unverified" has email_verified false), and login_hint=cancel makes the person
// cancel (error=access_denied). Test-only: GET /test/tamper?mode=M makes the next token
// response carry an ID token that is broken in one way (bad_signature, wrong_audience,
// expired, unknown_kid), or the token endpoint fail (token_down); GET /test/counts says how
// often the keys were fetched.
import Provider from 'oidc-provider';
import {
  SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair, importJWK,
} from 'jose';

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;
const CLIENT_ID = 'cx-assessment';
const CLIENT_SECRET = 'test-only-client-secret-0123456789abcdef';

async function signingKey(kid) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}
const key = await signingKey('test-key-1');
const strangerKey = await signingKey('test-key-unknown');
const clientKeys = await generateKeyPair('RS256', { extractable: true });
const clientPublicKey = { ...(await exportJWK(clientKeys.publicKey)), alg: 'RS256', use: 'sig' };
const clientPrivatePem = await exportPKCS8(clientKeys.privateKey);
const counts = { jwks: 0, token: 0 };
let tamper = null;

const loopback = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//;
const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: ['http://localhost/sign-in/sso/test/callback'],
    post_logout_redirect_uris: ['http://localhost/'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }, {
    client_id: `${CLIENT_ID}-jwt`,
    jwks: { keys: [clientPublicKey] },
    redirect_uris: ['http://localhost/sign-in/sso/test/callback'],
    post_logout_redirect_uris: ['http://localhost/'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
  }],
  jwks: { keys: [key] },
  cookies: { keys: ['test-only-cookie-key'] },
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, email: sub, email_verified: !sub.startsWith('unverified') };
      },
    };
  },
  // First-party: no consent screen. The grant covers what the client asked for.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope || 'openid');
    await grant.save();
    return grant;
  },
});
// The app runs on a port the tests choose: let any loopback address be a redirect URI.
provider.Client.prototype.redirectUriAllowed = (uri) => loopback.test(uri);
provider.Client.prototype.postLogoutRedirectUriAllowed = (uri) => loopback.test(uri);

async function broken(idToken, mode) {
  const claims = decodeJwt(idToken);
  const header = decodeProtectedHeader(idToken);
  const now = Math.floor(Date.now() / 1000);
  const sign = async (payload, jwk) => new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: header.typ })
    .sign(await importJWK(jwk, 'RS256'));
  switch (mode) {
    case 'bad_signature': {
      const [h, p, s] = idToken.split('.');
      const bytes = Buffer.from(s, 'base64url');
      bytes[0] ^= 0xff;
      return `${h}.${p}.${bytes.toString('base64url')}`;
    }
    case 'wrong_audience': return sign({ ...claims, aud: 'another-client' }, key);
    case 'expired': return sign({ ...claims, iat: now - 3600, exp: now - 1800 }, key);
    case 'unknown_kid': return sign(claims, strangerKey);
    default: throw new Error(`unknown tamper mode ${mode}`);
  }
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/test/tamper') {
    tamper = ctx.query.mode || null;
    ctx.body = { tamper };
    return;
  }
  if (ctx.path === '/test/client-key') {
    ctx.body = clientPrivatePem;
    return;
  }
  if (ctx.path === '/test/counts') {
    ctx.body = counts;
    return;
  }
  if (ctx.path.startsWith('/interaction/')) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const hint = details.params.login_hint || 'ada@agency.gov';
    const result = hint === 'cancel'
      ? { error: 'access_denied', error_description: 'The person cancelled.' }
      : { login: { accountId: hint } };
    await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return;
  }
  if (ctx.path === '/jwks') counts.jwks += 1;
  if (ctx.path === '/token' && tamper === 'token_down') {  // the token endpoint fails
    tamper = null;
    ctx.status = 503;
    ctx.body = 'Service Unavailable';
    return;
  }
  await next();
  if (ctx.path === '/token') {
    counts.token += 1;
    if (tamper && ctx.body && ctx.body.id_token) {
      ctx.body = { ...ctx.body, id_token: await broken(ctx.body.id_token, tamper) };
      tamper = null;
    }
  }
});

provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
