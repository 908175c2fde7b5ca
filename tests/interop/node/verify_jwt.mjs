// Verify OB 3.0 VC-JWTs with `jose`, offline. stdin: {"tokens": [{"token", "jwks", "didDocument",
// "at"}]}. A kid that is a DID URL is resolved in the DID document, and must be listed in its
// assertionMethod: a JsonWebKey (publicKeyJwk) or a Multikey (Ed25519 -> JWK); any other kid is
// looked up in the issuer's JWK Set. stdout: [{"verified": bool, "iss", "error"}].
import * as jose from 'jose';
import {base58btc} from './base58.mjs';

function keyFromDidDocument(didDocument, kid, alg) {
  const method = (didDocument.verificationMethod || []).find(m => m.id === kid);
  if(!method || !(didDocument.assertionMethod || []).includes(kid)) {
    throw new Error(`no assertion method ${kid}`);
  }
  if(method.controller !== didDocument.id) {
    throw new Error(`${kid} is controlled by ${method.controller}, not ${didDocument.id}`);
  }
  if(method.type === 'JsonWebKey' && method.publicKeyJwk) {
    return jose.importJWK(method.publicKeyJwk, alg);
  }
  const bytes = base58btc.decode(method.publicKeyMultibase.slice(1));
  if(bytes[0] !== 0xed || bytes[1] !== 0x01 || bytes.length !== 34) {
    throw new Error('not an Ed25519 Multikey');
  }
  const x = Buffer.from(bytes.slice(2)).toString('base64url');
  return jose.importJWK({kty: 'OKP', crv: 'Ed25519', x}, 'EdDSA');
}

const input = JSON.parse(await new Promise(resolve => {
  let data = '';
  process.stdin.on('data', chunk => data += chunk);
  process.stdin.on('end', () => resolve(data));
}));
const results = [];
for(const item of input.tokens) {
  try {
    const {kid, alg} = jose.decodeProtectedHeader(item.token);
    const key = kid && kid.startsWith('did:') ?
      await keyFromDidDocument(item.didDocument, kid, alg) : jose.createLocalJWKSet(item.jwks);
    const {payload} = await jose.jwtVerify(item.token, key, {
      algorithms: ['RS256', 'EdDSA'], currentDate: new Date(item.at)
    });
    results.push({verified: true, iss: payload.iss});
  } catch(e) {
    results.push({verified: false, error: `${e.code || e.name}: ${e.message}`});
  }
}
process.stdout.write(JSON.stringify(results));
