/**
 * Checks the generator's SRP math (bench/stack/srp-client.ts) against amazon-cognito-identity-js,
 * the client Cognito's own documentation points at: same a, B, salt, user and password must give
 * the same A, the same 16-byte key and the same timestamp format. Also times one key on each side,
 * which is why the generator does not use the library.
 */
import { randomBytes } from 'node:crypto';
import { cognitoTimestamp, ephemeralFrom, N, padHex, passwordKey, toBigInt } from './srp-client';

/** The parts of the library's untyped internals used here. */
interface JsBigInteger {
  toString(radix: number): string;
}
interface Helper {
  smallAValue: JsBigInteger;
  largeAValue: JsBigInteger | undefined;
  getLargeAValue(callback: (error: unknown, value: JsBigInteger) => void): void;
  getPasswordAuthenticationKey(
    username: string,
    password: string,
    serverB: JsBigInteger,
    salt: JsBigInteger,
    callback: (error: unknown, key: Uint8Array) => void,
  ): void;
}
interface Library {
  AuthenticationHelper: new (poolName: string) => Helper;
  DateHelper: new () => { getNowString(): string };
}

export interface CrossCheck {
  ok: boolean;
  problems: string[];
  /** Milliseconds for one password key (A, g^x and S computed), each implementation. */
  oursMs: number;
  libraryMs: number;
}

export function crossCheck(): CrossCheck {
  const library = require('amazon-cognito-identity-js') as Library;
  const BigInteger = (
    require('amazon-cognito-identity-js/lib/BigInteger') as {
      default: new (hex: string, radix: number) => JsBigInteger;
    }
  ).default;
  const problems: string[] = [];
  const poolName = 'BENCHpool1';
  const userIdForSrp = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
  const password = 'Correct-Horse-Battery-9';
  const saltHex = padHex(toBigInt(randomBytes(16)));
  const srpBHex = (toBigInt(randomBytes(384)) % N).toString(16);
  const aHex = randomBytes(128).toString('hex');

  const libraryStart = process.hrtime.bigint();
  const helper = new library.AuthenticationHelper(poolName);
  helper.smallAValue = new BigInteger(aHex, 16);
  helper.largeAValue = undefined;
  let libraryA = '';
  let libraryKey: Buffer | undefined;
  // The library's callbacks run synchronously in Node.
  helper.getLargeAValue((error, value) => {
    if (error) throw error;
    libraryA = value.toString(16);
  });
  helper.getPasswordAuthenticationKey(
    userIdForSrp,
    password,
    new BigInteger(srpBHex, 16),
    new BigInteger(saltHex, 16),
    (error, key) => {
      if (error) throw error;
      libraryKey = Buffer.from(key);
    },
  );
  const libraryMs = Number(process.hrtime.bigint() - libraryStart) / 1e6;

  const oursStart = process.hrtime.bigint();
  const ephemeral = ephemeralFrom(toBigInt(aHex));
  const key = passwordKey({ poolName, userIdForSrp, password, saltHex, srpBHex, ephemeral, cache: false });
  const oursMs = Number(process.hrtime.bigint() - oursStart) / 1e6;

  if (ephemeral.A.toString(16) !== libraryA) problems.push('A = g^a differs from amazon-cognito-identity-js');
  if (!libraryKey || !key.equals(libraryKey))
    problems.push('the password key differs from amazon-cognito-identity-js');
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = new Date();
    const theirs = new library.DateHelper().getNowString();
    const after = new Date();
    if (Math.floor(before.getTime() / 1000) !== Math.floor(after.getTime() / 1000)) continue;
    if (cognitoTimestamp(before) !== theirs)
      problems.push(`timestamp "${cognitoTimestamp(before)}" vs "${theirs}"`);
    break;
  }
  return { ok: problems.length === 0, problems, oursMs, libraryMs };
}
