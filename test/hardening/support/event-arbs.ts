/**
 * fast-check arbitraries for malformed trigger events.
 *
 * An event is one of:
 * - a fixture of the trigger with interesting values in the fields it reads (codes, answers,
 *   sessions, phone numbers, placeholders, emails: the content-level malformations), then
 *   0-3 structural mutations anywhere in it: a field deleted, nulled, retyped (number, boolean,
 *   array, object, huge string, unicode, lone surrogates, markup), wrapped in an array, or an
 *   object given own `__proto__` / `constructor` / `prototype` / `toString` keys;
 * - a fixture of another trigger, or one with a wrong `triggerSource`;
 * - arbitrary JSON.
 */
import fc from 'fast-check';
import { FUZZ_INVITE_CODE, FUZZ_OTP, FUZZ_PHONE, FUZZ_ROUND_ID } from './aws-stubs';
import { fixturesOf, type Json, type JsonObject, TRIGGER_KEYS, type TriggerKey } from './triggers';

const HEX32 = fc.constantFrom(FUZZ_ROUND_ID, '0'.repeat(32), 'f'.repeat(32));

const unicode = fc.constantFrom(
  '\u202eevil\u202c',
  'Zoë Ångström',
  '名前',
  '👩‍💻🏳️‍🌈',
  'e\u0301',
  '\u0000',
  '\ud800',
  '\ufeff',
  'ⅯⅯⅩⅩ',
  '١٢٣٤٥٦',
);

const markup = fc.constantFrom(
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE invites; --",
  '{{code}}',
  '{####}',
  '{username}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally.
  '${7*7}',
  '%s%s%s%n',
  '../../etc/passwd',
);

/** Strings up to 100,000 characters, sometimes. */
const hugeString = fc
  .tuple(fc.integer({ min: 1000, max: 100_000 }), fc.constantFrom('x', '9', 'é', '👍', '<', '+1'))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 2, arbitrary: unicode },
  { weight: 2, arbitrary: markup },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '__proto__', 'constructor', 'prototype', 'toString') },
);

/** An object with own keys that break naive code (`__proto__` as an own, enumerable key). */
function pollutedObject(base: JsonObject = {}): JsonObject {
  const object: JsonObject = { ...base };
  const breakers: Record<string, Json> = {
    ['__proto__']: { polluted: 'yes', isAdmin: true },
    constructor: { prototype: { polluted: 'yes' } },
    prototype: { polluted: 'yes' },
    toString: 'not a function',
    hasOwnProperty: 1,
  };
  // Own, enumerable data properties (an assignment to `__proto__` would set the prototype instead).
  for (const key of ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']) {
    Object.defineProperty(object, key, {
      value: breakers[key] as Json,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}

export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, { maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.string({ maxLength: 8 }),
      fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>,
      {
        maxKeys: 3,
      },
    ),
  },
  { weight: 1, arbitrary: fc.constant(null).map(() => pollutedObject()) },
);

type Path = (string | number)[];

function pathsOf(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      out.push([...prefix, index]);
      pathsOf(item, [...prefix, index], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push([...prefix, key]);
      pathsOf(value[key] as Json, [...prefix, key], out);
    }
  }
  return out;
}

function parentOf(
  root: JsonObject,
  path: Path,
): { parent: Record<string | number, Json>; key: string | number } {
  let node: Json = root;
  for (const step of path.slice(0, -1)) node = (node as Record<string | number, Json>)[step] as Json;
  return { parent: node as Record<string | number, Json>, key: path[path.length - 1] as string | number };
}

export type Mutation =
  | { op: 'delete' | 'null' | 'wrap' | 'pollute'; at: number }
  | { op: 'retype'; at: number; value: Json };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constantFrom('delete', 'null', 'wrap', 'pollute') as fc.Arbitrary<'delete'>,
    at: fc.nat(),
  }),
  fc.record({ op: fc.constant('retype' as const), at: fc.nat(), value: hostileValue }),
);

/** Applies a mutation to a path chosen by `at` among all paths of the (already cloned) event. */
export function mutate(event: JsonObject, mutation: Mutation): void {
  const paths = pathsOf(event);
  if (paths.length === 0) return;
  const path = paths[mutation.at % paths.length] as Path;
  const { parent, key } = parentOf(event, path);
  if (parent === null || typeof parent !== 'object') return;
  switch (mutation.op) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 'null':
      parent[key] = null;
      break;
    case 'wrap':
      parent[key] = [parent[key] as Json];
      break;
    case 'retype':
      parent[key] = mutation.value;
      break;
    case 'pollute': {
      const current = parent[key];
      parent[key] =
        current !== null && typeof current === 'object' && !Array.isArray(current)
          ? pollutedObject(current)
          : pollutedObject();
      break;
    }
  }
}

// ---- sessions (define/create) --------------------------------------------------------------

const NAMES = [
  'SRP_A',
  'PASSWORD_VERIFIER',
  'CUSTOM_CHALLENGE',
  'SMS_MFA',
  'DEVICE_SRP_AUTH',
  'DEVICE_PASSWORD_VERIFIER',
  'ADMIN_NO_SRP_AUTH',
];

export const metadataArb: fc.Arbitrary<Json | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(null, '', undefined) },
  {
    weight: 6,
    arbitrary: fc.tuple(fc.constantFrom('PHONE_REQUIRED', 'SMS_OTP'), HEX32).map(([t, id]) => `${t}:${id}`),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'SMS_OTP:',
      `SMS_OTP:${FUZZ_ROUND_ID.toUpperCase()}`,
      `sms_otp:${FUZZ_ROUND_ID}`,
      `SMS_OTP:${FUZZ_ROUND_ID}:x`,
      `SMS_OTP: ${FUZZ_ROUND_ID}`,
      `MAGIC_LINK:${FUZZ_ROUND_ID}`,
      `PHONE_REQUIRED:${FUZZ_ROUND_ID.slice(1)}`,
    ),
  },
  { weight: 1, arbitrary: hostileString },
);

export const entryArb: fc.Arbitrary<JsonObject> = fc
  .record({
    challengeName: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...NAMES) },
      { weight: 1, arbitrary: hostileString },
    ),
    challengeResult: fc.oneof(
      { weight: 12, arbitrary: fc.boolean() },
      { weight: 1, arbitrary: fc.constantFrom('true', 1, null) },
    ),
    challengeMetadata: metadataArb,
  })
  .map((entry) => {
    const out: JsonObject = {
      challengeName: entry.challengeName,
      challengeResult: entry.challengeResult as Json,
    };
    if (entry.challengeMetadata !== undefined) out.challengeMetadata = entry.challengeMetadata;
    return out;
  });

/**
 * Sessions shaped like real ones (password steps, phone rounds, code rounds), then maybe damaged;
 * `undamagedWeight` against 2 for damaged ones.
 */
export const nearValidSessionArb = (undamagedWeight = 1): fc.Arbitrary<JsonObject[]> =>
  fc
    .record({
      phonePath: fc.boolean(),
      wrongPhones: fc.nat(3),
      wrongCodes: fc.nat(3),
      final: fc.constantFrom<'ok' | 'wrong' | 'none'>('ok', 'ok', 'ok', 'wrong', 'none'),
      codeId: HEX32,
      phoneIds: fc.array(HEX32, { minLength: 4, maxLength: 4 }),
      strayCodeId: fc.option(fc.tuple(fc.nat(4), HEX32), { freq: 5 }),
      damage: fc.oneof(
        { weight: undamagedWeight, arbitrary: fc.constant([]) },
        {
          weight: 2,
          arbitrary: fc.array(
            fc.record({
              at: fc.nat(12),
              kind: fc.constantFrom('replace', 'insert', 'delete', 'flip', 'strip'),
              entry: entryArb,
            }),
            { minLength: 1, maxLength: 2 },
          ),
        },
      ),
      keepPasswordSteps: fc.constantFrom(2, 2, 2, 2, 1, 0),
      // The rounds issue 12 added (docs/protocol.md): an email code before the phone path, the
      // recovery codes that end it, or a recovery path for a user with a phone.
      emailFirst: fc.constantFrom(false, false, true),
      codesTail: fc.constantFrom<'none' | 'ok' | 'retry'>('ok', 'ok', 'retry', 'none'),
      recovery: fc.constantFrom(false, false, false, true),
    })
    .map((plan) => {
      const session: JsonObject[] = [
        { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
        { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
      ].slice(0, plan.keepPasswordSteps);
      const round = (ok: boolean, metadata: string): JsonObject => ({
        challengeName: 'CUSTOM_CHALLENGE',
        challengeResult: ok,
        challengeMetadata: metadata,
      });
      const id = (n: number) => plan.phoneIds[n] ?? FUZZ_ROUND_ID;
      if (plan.phonePath && plan.emailFirst) session.push(round(true, `EMAIL_OTP:${id(0)}`));
      if (!plan.phonePath && plan.recovery) {
        // The SMS round answered RECOVERY, then a right recovery code.
        session.push(round(false, `SMS_OTP:${id(1)}`), round(true, `RECOVERY_CODE:${id(2)}`));
      }
      if (plan.phonePath || plan.recovery) {
        for (let i = 0; i < plan.wrongPhones; i++) session.push(round(false, `PHONE_REQUIRED:${id(i)}`));
        session.push(round(true, `PHONE_REQUIRED:${id(3)}`));
      }
      const codeRounds: JsonObject[] = [];
      for (let i = 0; i < plan.wrongCodes; i++) codeRounds.push(round(false, `SMS_OTP:${plan.codeId}`));
      if (plan.final !== 'none') codeRounds.push(round(plan.final === 'ok', `SMS_OTP:${plan.codeId}`));
      if (plan.strayCodeId) {
        const [at, id] = plan.strayCodeId;
        const target = codeRounds[at % Math.max(1, codeRounds.length)];
        if (target) target.challengeMetadata = `SMS_OTP:${id}`;
      }
      session.push(...codeRounds);
      if ((plan.phonePath || plan.recovery) && plan.final === 'ok' && plan.codesTail !== 'none') {
        if (plan.codesTail === 'retry') session.push(round(false, `RECOVERY_CODES:${id(1)}`));
        session.push(round(true, `RECOVERY_CODES:${id(2)}`));
      }
      for (const damage of plan.damage) {
        const at = damage.at % (session.length + 1);
        const target = session[at];
        switch (damage.kind) {
          case 'replace':
            if (target) session[at] = damage.entry;
            break;
          case 'insert':
            session.splice(at, 0, damage.entry);
            break;
          case 'delete':
            session.splice(at, 1);
            break;
          case 'flip':
            if (target) target.challengeResult = target.challengeResult !== true;
            break;
          case 'strip':
            if (target) delete target.challengeMetadata;
            break;
        }
      }
      return session;
    });

export const sessionArb = (undamagedWeight = 1): fc.Arbitrary<JsonObject[]> =>
  fc.oneof(
    { weight: 4, arbitrary: nearValidSessionArb(undamagedWeight) },
    { weight: 1, arbitrary: fc.array(entryArb, { maxLength: 10 }) },
  );

/** User attributes around the phone: verified or not, odd values, absent. */
export const phoneAttributesArb: fc.Arbitrary<Record<string, Json | undefined>> = fc.record({
  phone_number: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(FUZZ_PHONE, '+447700900123', '+14165550123') },
    { weight: 1, arbitrary: fc.constantFrom(undefined, '', '+33612345678', '+12015550100x12', '2015550123') },
    { weight: 1, arbitrary: hostileString },
  ),
  phone_number_verified: fc.constantFrom('true', 'true', 'false', undefined, 'TRUE', 'yes'),
});

// ---- per-trigger interesting fields ----------------------------------------------------------

type Override = [Path, fc.Arbitrary<Json | undefined>];

const inviteCodeArb = fc.oneof(
  fc.constantFrom(
    FUZZ_INVITE_CODE,
    FUZZ_INVITE_CODE.toLowerCase(),
    ` ${FUZZ_INVITE_CODE.replace(/-/g, ' ')} `,
  ),
  fc.constantFrom('AB12-CD34-EF56-GH7I', 'OOOO-IIII-LLLL-0000', ''),
  hostileString,
);
const emailArb = fc.oneof(
  fc.constantFrom('ada.lovelace@example.com', ' ADA.Lovelace@Example.COM ', 'ada@b', '@', 'no-at-sign', ''),
  hostileString.map((text) => `${text}@example.com`),
  hostileString,
);
const sourceOf = (...sources: string[]) =>
  fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...sources) }, { weight: 1, arbitrary: hostileString });

const OVERRIDES: Record<TriggerKey, Override[]> = {
  'pre-signup': [
    [
      ['triggerSource'],
      sourceOf('PreSignUp_SignUp', 'PreSignUp_AdminCreateUser', 'PreSignUp_ExternalProvider'),
    ],
    [['request', 'userAttributes', 'email'], emailArb],
    [['request', 'clientMetadata', 'inviteCode'], inviteCodeArb],
    [['request', 'validationData'], fc.option(fc.record({ inviteCode: inviteCodeArb }), { nil: null })],
  ],
  'post-confirmation': [
    [['triggerSource'], sourceOf('PostConfirmation_ConfirmSignUp', 'PostConfirmation_ConfirmForgotPassword')],
    [['request', 'userAttributes', 'sub'], fc.oneof(fc.uuid(), hostileString)],
    [['request', 'userAttributes', 'email'], emailArb],
  ],
  'pre-authentication': [
    [['request', 'userAttributes', 'sub'], fc.oneof(fc.uuid(), hostileString, fc.constant(undefined))],
    [['request', 'userAttributes', 'email'], emailArb],
    [
      ['request', 'userAttributes', 'cognito:user_status'],
      fc.constantFrom('CONFIRMED', 'UNCONFIRMED', 'FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED', 'weird'),
    ],
    [['request', 'userNotFound'], fc.constantFrom(true, false, null, undefined)],
  ],
  'custom-message': [
    [
      ['triggerSource'],
      sourceOf(
        'CustomMessage_SignUp',
        'CustomMessage_AdminCreateUser',
        'CustomMessage_ResendCode',
        'CustomMessage_ForgotPassword',
        'CustomMessage_UpdateUserAttribute',
        'CustomMessage_VerifyUserAttribute',
        'CustomMessage_Authentication',
      ),
    ],
    [['request', 'codeParameter'], fc.oneof(fc.constantFrom('{####}', null, undefined, ''), hostileString)],
    [
      ['request', 'usernameParameter'],
      fc.oneof(fc.constantFrom('{username}', null, undefined), hostileString),
    ],
    [
      ['request', 'linkParameter'],
      fc.oneof(fc.constantFrom('{##Click Here##}', null, undefined), hostileString),
    ],
    [['request', 'userAttributes', 'given_name'], hostileString],
    [['request', 'userAttributes', 'name'], hostileString],
    [
      ['request', 'userAttributes', 'locale'],
      fc.oneof(fc.constantFrom('en', 'de-DE', 'es', 'xx', 'de_AT'), hostileString),
    ],
    [
      ['request', 'clientMetadata'],
      fc.option(fc.record({ locale: fc.oneof(fc.constantFrom('de', 'es'), hostileString) }), { nil: null }),
    ],
  ],
  'define-auth-challenge': [
    [['request', 'session'], sessionArb() as fc.Arbitrary<Json>],
    [['request', 'userNotFound'], fc.constantFrom(true, false, null, undefined)],
    [['request', 'userAttributes', 'phone_number_verified'], fc.constantFrom('true', 'false', undefined)],
  ],
  'create-auth-challenge': [
    [['request', 'session'], sessionArb() as fc.Arbitrary<Json>],
    [
      ['request', 'challengeName'],
      fc.constantFrom('CUSTOM_CHALLENGE', 'CUSTOM_CHALLENGE', 'SMS_MFA', 'PASSWORD_VERIFIER'),
    ],
    [['request', 'userNotFound'], fc.constantFrom(true, false, false, null, undefined)],
    [['request', 'userAttributes', 'phone_number'], phoneAttributesArb.map((a) => a.phone_number)],
    [
      ['request', 'userAttributes', 'phone_number_verified'],
      phoneAttributesArb.map((a) => a.phone_number_verified),
    ],
    [['request', 'userAttributes', 'locale'], fc.oneof(fc.constantFrom('en', 'de', 'es-MX'), hostileString)],
    [['request', 'userAttributes', 'sub'], fc.oneof(fc.uuid(), hostileString, fc.constant(undefined))],
  ],
  'verify-auth-challenge': [
    [
      ['request', 'challengeAnswer'],
      fc.oneof(
        fc.constantFrom(
          FUZZ_OTP,
          ` ${FUZZ_OTP} `,
          '000000',
          '42424',
          '4242420',
          '４２４２４２',
          '+12015550199',
          '+1 (201) 555-0199',
        ),
        fc.constantFrom('+33612345678', '+442079460000', '+12015550100 ext. 12', null, undefined),
        fc.stringMatching(/^\d{6}$/),
        hostileString,
      ),
    ],
    [
      ['request', 'privateChallengeParameters'],
      fc.oneof(
        fc.record({
          type: fc.constant('SMS_OTP'),
          id: HEX32,
          length: fc.constantFrom('6', '4', '10', '3', '11', 'six', '6.0'),
        }),
        fc.record({ type: fc.constant('PHONE_REQUIRED'), id: HEX32 }),
        fc.record({ type: hostileString, id: fc.oneof(HEX32, hostileString) }),
        fc.constantFrom(null, undefined),
      ) as fc.Arbitrary<Json | undefined>,
    ],
    [['request', 'userNotFound'], fc.constantFrom(true, false, false, null, undefined)],
    [['request', 'userAttributes', 'sub'], fc.oneof(fc.uuid(), hostileString, fc.constant(undefined))],
  ],
};

function setPath(event: JsonObject, path: Path, value: Json | undefined): void {
  let node: Json = event;
  for (const step of path.slice(0, -1)) {
    const record = node as Record<string | number, Json>;
    if (record[step] === null || typeof record[step] !== 'object') record[step] = {};
    node = record[step] as Json;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete (node as JsonObject)[last];
  else (node as JsonObject)[last] = value;
}

/** "Leave the fixture's value" (null and undefined are values here: set to null, delete). */
const KEEP = Symbol('keep');

/** A fixture with some interesting field values, then 0-3 structural mutations. */
function fieldFuzzArb(trigger: TriggerKey): fc.Arbitrary<Json> {
  const fixtures = fixturesOf(trigger);
  const overrides = OVERRIDES[trigger];
  return fc
    .record({
      base: fc.nat(fixtures.length - 1),
      values: fc.tuple(...overrides.map(([, arb]) => fc.option(arb, { freq: 2, nil: KEEP }))),
      mutations: fc.array(mutationArb, { maxLength: 3 }),
    })
    .map(({ base, values, mutations }) => {
      const event = structuredClone(fixtures[base] as JsonObject);
      values.forEach((value, index) => {
        if (value === KEEP) return;
        setPath(event, (overrides[index] as Override)[0], value as Json | undefined);
      });
      for (const mutation of mutations) mutate(event, mutation);
      return event;
    });
}

/** Another trigger's fixture, or this trigger's fixture under another source. */
function wrongSourceArb(trigger: TriggerKey): fc.Arbitrary<Json> {
  const others = TRIGGER_KEYS.filter((key) => key !== trigger).flatMap((key) => fixturesOf(key));
  const own = fixturesOf(trigger);
  return fc.oneof(
    fc.constantFrom(...others).map((event) => structuredClone(event)),
    fc
      .tuple(fc.constantFrom(...own), fc.constantFrom(...others), fc.boolean())
      .map(([mine, theirs, lowercase]) => {
        const event = structuredClone(mine);
        const source = String(theirs.triggerSource);
        event.triggerSource = lowercase ? String(mine.triggerSource).toLowerCase() : source;
        return event;
      }),
  );
}

export function malformedEventArb(trigger: TriggerKey): fc.Arbitrary<Json> {
  return fc.oneof(
    { weight: 12, arbitrary: fieldFuzzArb(trigger) },
    { weight: 2, arbitrary: wrongSourceArb(trigger) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  );
}
