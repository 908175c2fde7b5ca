// A wallet, played by the OpenWallet Foundation's OID4VCI client (@openid4vc/openid4vci 0.4.6):
// it resolves the offer, reads the issuer's metadata, trades the pre-authorized code and the
// transaction code for a token, asks for a nonce, proves possession of a fresh key and receives
// the credential. Reads on stdin: {offer, tx_code, public_base, local_base, now, key, binding,
// configuration (default: the offer's first)};
// every URL of public_base is fetched from local_base (the live server on loopback).
// Prints {credential, holder, proof_jwt, access_token} or {error, status, body}.
import { readFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import * as jose from 'jose';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { clientAuthenticationAnonymous } from '@openid4vc/oauth2';
import { setGlobalConfig } from '@openid4vc/utils';

const input = JSON.parse(readFileSync(0, 'utf8'));
if(input.allow_http) {
  setGlobalConfig({ allowInsecureUrls: true }); // a test server on loopback, without TLS
}
const fetchLocal = (url, init) => fetch(String(url).replace(input.public_base, input.local_base), init);

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58(bytes) {
  let value = BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'));
  let out = '';
  while(value > 0n) { out = ALPHABET[Number(value % 58n)] + out; value /= 58n; }
  for(const byte of bytes) { if(byte !== 0) break; out = '1' + out; }
  return out;
}

const alg = input.key === 'ES256' ? 'ES256' : 'EdDSA';
const { publicKey, privateKey } = await jose.generateKeyPair(alg, { crv: alg === 'EdDSA' ? 'Ed25519' : undefined, extractable: true });
const jwk = await jose.exportJWK(publicKey);
let signer, holder;
if(input.binding === 'jwk') {
  signer = { method: 'jwk', publicJwk: jwk, alg };
  holder = 'did:jwk:' + Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(jwk).sort()))).toString('base64url');
} else if(input.binding === 'did:key') {
  const raw = Buffer.from(jwk.x, 'base64url');
  holder = 'did:key:z' + base58(Buffer.concat([Buffer.from([0xed, 0x01]), raw]));
  signer = { method: 'did', didUrl: `${holder}#${holder.slice('did:key:'.length)}`, alg };
} else {
  holder = 'did:jwk:' + Buffer.from(JSON.stringify(jwk)).toString('base64url');
  signer = { method: 'did', didUrl: `${holder}#0`, alg };
}

const callbacks = {
  fetch: fetchLocal,
  hash: (data) => createHash('sha256').update(data).digest(),
  generateRandom: (n) => randomBytes(n),
  signJwt: async (_signer, { header, payload }) => ({
    jwt: await new jose.SignJWT(payload).setProtectedHeader(header).sign(privateKey),
    signerJwk: jwk,
  }),
  clientAuthentication: clientAuthenticationAnonymous(),
};

try {
  const client = new Openid4vciClient({ callbacks });
  const offer = await client.resolveCredentialOffer(input.offer);
  const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer, issuerMetadata, txCode: input.tx_code,
  });
  const { c_nonce } = await client.requestNonce({ issuerMetadata });
  const credentialConfigurationId = input.configuration ?? offer.credential_configuration_ids[0];
  const { jwt } = await client.createCredentialRequestJwtProof({
    issuerMetadata, credentialConfigurationId, signer, nonce: c_nonce, issuedAt: new Date(input.now),
  });
  const response = await client.retrieveCredentials({
    issuerMetadata, credentialConfigurationId, accessToken: accessTokenResponse.access_token,
    proof: { proof_type: 'jwt', jwt },
  });
  const body = response.credentialResponse;
  const credential = body.credentials ? body.credentials[0].credential : body.credential;
  process.stdout.write(JSON.stringify({
    credential, holder, proof_jwt: jwt, access_token: accessTokenResponse.access_token,
    version: issuerMetadata.originalDraftVersion ?? null,
  }));
} catch(error) {
  const details = error.response ? { status: error.response.status } : {};
  process.stdout.write(JSON.stringify({
    error: `${error.name}: ${error.message}`.slice(0, 2000),
    body: error.errorResponse ?? error.credentialErrorResponse ?? null, ...details,
  }));
}
