// Sign documents as other issuers do today, with the Digital Credentials Consortium's own
// libraries: Ed25519Signature2020 proofs (their default, also what Learner Credential Wallet
// signs with), VC 1.1 or 2.0, did:key. What our verifier must accept from them, and refuse once
// tampered. stdin: {"seed": "<64 hex>", "documents": [unsigned...], "bits": {"length": n, "set": [i...]}}
// stdout: {"did": "...", "signed": [...], "encodedList": "<StatusList2021 base64url GZIP>"}
import fs from 'node:fs';
import {issue} from '@digitalcredentials/vc';
import {Ed25519Signature2020} from '@digitalcredentials/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalcredentials/ed25519-verification-key-2020';
import {securityLoader} from '@digitalcredentials/security-document-loader';
import {Bitstring} from '@digitalcredentials/bitstring';

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const key = await Ed25519VerificationKey2020.generate({seed: Buffer.from(input.seed, 'hex')});
const did = `did:key:${key.fingerprint()}`;
key.controller = did;
key.id = `${did}#${key.fingerprint()}`;
const documentLoader = securityLoader().build();
const signed = [];
for(const document of input.documents) {
  const suite = new Ed25519Signature2020({key, date: '2026-01-01T00:00:00Z'});
  signed.push(await issue({credential: document, suite, documentLoader}));
}
let encodedList = null;
if(input.bits) {
  const bits = new Bitstring({length: input.bits.length});
  for(const index of input.bits.set) {
    bits.set(index, true);
  }
  encodedList = await bits.encodeBits();
}
process.stdout.write(JSON.stringify({did, signed, encodedList}));
