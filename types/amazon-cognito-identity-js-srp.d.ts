/**
 * The SRP helpers amazon-cognito-identity-js exports at run time without type declarations
 * (examples/clients/sdk-v3.ts proves the password with them over plain SDK v3 calls).
 */
declare module 'amazon-cognito-identity-js' {
  export class AuthenticationHelper {
    constructor(poolName: string);
    getLargeAValue(callback: (error: unknown, aValue: { toString(radix: number): string }) => void): void;
    getPasswordAuthenticationKey(
      username: string,
      password: string,
      serverB: unknown,
      salt: unknown,
      callback: (error: unknown, key: number[]) => void,
    ): void;
  }
  export class DateHelper {
    getNowString(): string;
  }
}

declare module 'amazon-cognito-identity-js/lib/BigInteger' {
  export default class BigInteger {
    constructor(value: string, radix: number);
  }
}
