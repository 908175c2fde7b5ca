// Verify OB 3.0 credentials with the Digital Credentials Consortium's verifier-core (what their
// wallet and VerifierPlus use). It takes no document loader, so globalThis.fetch is replaced:
// it answers from the documents given (DID documents, status lists, the OB 3.0 JSON Schema)
// and refuses everything else. The online issuer-registry step is not judged (no registries).
// stdin: {"credentials": [...], "documents": {url: document}}.
// stdout: {"results": [{"steps": {id: valid}, "schema": [valid...], "errors": [...]}], "refused": [...]}.
import fs from 'node:fs';

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const refused = [];
globalThis.fetch = async resource => {
  const url = typeof resource === 'string' ? resource : resource.url;
  const document = input.documents[url];
  if(!document) {
    refused.push(url);
    throw new TypeError(`network access refused in tests: ${url}`);
  }
  return new Response(JSON.stringify(document), {status: 200, headers: {'content-type': 'application/json'}});
};
const {verifyCredential} = await import('@digitalcredentials/verifier-core');

const results = [];
for(const credential of input.credentials) {
  const result = await verifyCredential({credential, knownDIDRegistries: []});
  const steps = Object.fromEntries((result.log || []).map(step => [step.id, step.valid]));
  const schema = (result.additionalInformation || [])
    .filter(info => info.id === 'schema_check')
    .flatMap(info => info.results.map(r => r.result.valid));
  const errors = (result.errors || []).map(e => `${e.name}: ${e.message}`);
  results.push({steps, schema, errors});
}
process.stdout.write(JSON.stringify({results, refused}));
