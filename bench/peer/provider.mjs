// The peer of Glint's benchmarks: oidc-provider with its in-memory store, configured like the Glint clients the
// benchmarks use. Two confidential clients (client_secret_basic, client_credentials): `bench-opaque` gets opaque
// access tokens, `bench-jwt` gets RS256 JWT access tokens for a resource server (resource indicators), as Glint's
// `access_token_strategy: jwt` client does. Introspection is on. Listens on 127.0.0.1:$PEER_PORT.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.PEER_PORT ?? 4600);
const secret = process.env.PEER_CLIENT_SECRET ?? 'glint-bench-peer-secret';
const jwtResource = 'urn:glint-bench:api';

// A 2048-bit RSA signing key, like Glint's (RS256).
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: randomUUID() };

const client = (clientId) => ({
  client_id: clientId,
  client_secret: secret,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'read write',
});

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [client('bench-opaque'), client('bench-jwt')],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomUUID()] },
  scopes: ['openid', 'offline_access', 'read', 'write'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    // Confidential clients may introspect any token, as Glint's admin port answers any caller.
    introspection: { enabled: true, allowedPolicy: async (_ctx, caller) => caller.clientAuthMethod !== 'none' },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Only the JWT client's tokens are for a resource server; the opaque client's are plain opaque tokens.
      defaultResource: async (_ctx, c) => (c?.clientId === 'bench-jwt' ? jwtResource : undefined),
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({
        scope: 'read write',
        accessTokenFormat: 'jwt',
        accessTokenTTL: 3600,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  ttl: { ClientCredentials: 3600 },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: true, issuer: provider.issuer }));
});
