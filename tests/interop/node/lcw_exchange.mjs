// The messages the Learner Credential Wallet sends (its app/lib/exchanges.ts and
// credentialRequest.ts), with the Digital Credentials Consortium's libraries it signs with:
// read the interaction URL (?iuv=1) for its protocols, start the VC-API exchange with {}, answer
// the DIDAuthentication request with a presentation signed by its did:key (Ed25519Signature2020,
// challenge and domain from the request), take the credential from the returned presentation.
// `flow: "dcc"` plays the older deep link instead: POST the signed presentation (challenge, no
// domain) to vc_request_url, read from the deep link. stdin: {interaction, deep_link,
// public_base, local_base, flow, tamper}
// stdout: {holder, response, status} (response: the issuer's JSON answer to the presentation).
import fs from 'node:fs';
import * as vc from '@digitalcredentials/vc';
import {Ed25519Signature2020} from '@digitalcredentials/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalcredentials/ed25519-verification-key-2020';
import {securityLoader} from '@digitalcredentials/security-document-loader';
import * as dbVc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const local = (url) => String(url).replace(input.public_base, input.local_base);
const key = await Ed25519VerificationKey2020.generate();
let holder = `did:key:${key.fingerprint()}`;
key.controller = holder;
key.id = `${holder}#${key.fingerprint()}`;
const suite = new Ed25519Signature2020({key});
const documentLoader = securityLoader().build();

// `suite: "eddsa-rdfc-2022"`: Digital Bazaar's own libraries sign a VC 2.0 presentation with a
// DataIntegrityProof instead (what newer wallets do).
let dbSigner = null;
if(input.suite === 'eddsa-rdfc-2022') {
  const multikey = await Ed25519Multikey.generate();
  holder = `did:key:${multikey.publicKeyMultibase}`;
  multikey.controller = holder;
  multikey.id = `${holder}#${multikey.publicKeyMultibase}`;
  dbSigner = new DataIntegrityProof({signer: multikey.signer(), cryptosuite: eddsaRdfc2022});
}
const bundled = new Map();
for(const pkg of [credentialsContext, dataIntegrityContext]) {
  for(const [url, document] of (pkg.contexts || pkg.default?.contexts || new Map())) {
    bundled.set(url, document);
  }
}
const dbLoader = async url => {
  if(bundled.has(url)) {
    return {contextUrl: null, documentUrl: url, document: bundled.get(url)};
  }
  throw new Error(`document not available offline: ${url}`);
};

async function post(url, body) {
  const answer = await fetch(local(url), {
    method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body, null, 2),
  });
  return {status: answer.status, json: await answer.json()};
}

async function signed(challenge, domain) {
  if(dbSigner) {
    const presentation = dbVc.createPresentation({holder, version: 2.0});
    return dbVc.signPresentation({presentation, suite: dbSigner, challenge, domain, documentLoader: dbLoader});
  }
  const presentation = vc.createPresentation({holder});
  const proofed = await vc.signPresentation({presentation, suite, challenge, domain, documentLoader});
  if(input.tamper === 'holder') {
    proofed.holder = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
  }
  return proofed;
}

if(input.flow === 'dcc') {
  const params = new URL(input.deep_link).searchParams;
  const presentation = await signed(params.get('challenge'));
  const {status, json} = await post(params.get('vc_request_url'), presentation);
  process.stdout.write(JSON.stringify({holder, status, response: json}));
} else {
  const interaction = await (await fetch(local(input.interaction), {headers: {Accept: 'application/json'}})).json();
  if(!interaction.protocols) { // an offer used or expired: the issuer says why
    process.stdout.write(JSON.stringify({holder, interaction}));
    process.exit(0);
  }
  const exchange = interaction.protocols.vcapi;
  const first = await post(exchange, {});
  const {challenge, domain, interact} = first.json.verifiablePresentationRequest;
  const next = interact?.service?.[0]?.serviceEndpoint ?? exchange;
  const presentation = await signed(input.tamper === 'challenge' ? 'another-challenge' : challenge, domain);
  const {status, json} = await post(next, {verifiablePresentation: presentation});
  process.stdout.write(JSON.stringify({holder, interaction, request: first.json, status, response: json}));
}
