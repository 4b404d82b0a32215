/**
 * The pool's 3072-bit modular exponentiations (SRP), on a thread of their own (local/cognito/modpow.ts).
 *
 * Each one costs about a millisecond of OpenSSL; a sign-in needs three, a new password one. On the
 * pool's thread they held up every other request meanwhile (the triggers, the HTTP handling);
 * here they run beside it.
 *
 * Plain JavaScript on purpose: a worker thread does not inherit a TypeScript loader under every
 * runner (jest transforms modules in-process only).
 *
 * Requests: { id, op: 'powG', exponent } -> g^exponent mod N;
 *           { id, op: 'srpSecret', A, v, u, b } -> (A * v^u mod N)^b mod N.
 * Numbers travel as bigint. Answers: { id, value } or { id, error }.
 */
const { createDiffieHellman, getDiffieHellman } = require('node:crypto');
const { parentPort } = require('node:worker_threads');

const PRIME = getDiffieHellman('modp15').getPrime();
const N = BigInt(`0x${PRIME.toString('hex')}`);
// A DiffieHellman object over the group: private key = exponent, so OpenSSL does the math.
const engine = createDiffieHellman(PRIME, Buffer.from([2]));

function toBuffer(value) {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex');
}

function toBigInt(buffer) {
  return buffer.length === 0 ? 0n : BigInt(`0x${buffer.toString('hex')}`);
}

function powG(exponent) {
  engine.setPrivateKey(toBuffer(exponent));
  engine.generateKeys();
  return toBigInt(engine.getPublicKey());
}

/** base^exponent mod N; OpenSSL refuses bases of 0, 1 and N-1 (it throws). */
function pow(base, exponent) {
  engine.setPrivateKey(toBuffer(exponent));
  return toBigInt(engine.computeSecret(toBuffer(base)));
}

parentPort.on('message', (request) => {
  try {
    let value;
    if (request.op === 'powG') value = powG(request.exponent);
    else if (request.op === 'srpSecret') value = pow((request.A * pow(request.v, request.u)) % N, request.b);
    else throw new Error(`unknown operation ${request.op}`);
    parentPort.postMessage({ id: request.id, value });
  } catch (error) {
    parentPort.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
