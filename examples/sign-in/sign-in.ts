/**
 * The example sign-in page: what an app does to sign users up and in with Cognito Auth Triggers,
 * with Amplify v6 and no framework. Read it top to bottom; copy what you need.
 *
 *   1. Configure Amplify with your user pool and app client.
 *   2. Sign up with the invite code (ClientMetadata.inviteCode, checked by PreSignUp); invited
 *      users are confirmed at once and signed in automatically.
 *   3. Sign in with CUSTOM_WITH_SRP: Amplify proves the password by SRP, then hands over the
 *      rounds (EMAIL_OTP, PHONE_REQUIRED, SMS_OTP, RECOVERY_CODE, RECOVERY_CODES: docs/protocol.md);
 *      each is asked as rounds.ts says, and answered with confirmSignIn until Cognito issues
 *      tokens. The reserved answers RESEND and RECOVERY are buttons; an intent chosen on the form
 *      (change_phone, new_recovery_codes) goes with every call as ClientMetadata.intent.
 *   4. Remember this device (examples/clients/device.ts): a box at the SMS code makes a key pair
 *      (the private key non-extractable, kept in IndexedDB: device-storage.ts) and sends its public
 *      key with the code; later sign-ins send the device id with the password and the page answers
 *      DEVICE_PROOF itself, with no code. A device the stack no longer knows gets the SMS code, and
 *      the page forgets its key.
 *   5. Show the decoded ID token, and whether this device is remembered (with a way to forget it).
 * Errors a trigger throws reach the page as `<Trigger> failed with error <message>.`; the message
 * is short and safe to show (docs/two-factor.md, "Errors the app can see").
 */
import { Amplify } from 'aws-amplify';
import {
  autoSignIn,
  confirmSignIn,
  confirmSignUp,
  fetchAuthSession,
  getCurrentUser,
  type SignInOutput,
  signIn,
  signOut,
  signUp,
} from 'aws-amplify/auth';
import { DeviceSignIn } from '../clients/device';
import { canRememberDevices, deviceStorage } from './device-storage';
import { afterResend, codesFile, RECOVERY, RESEND, roundFor } from './rounds';

// ---- 1. Configuration ---------------------------------------------------------------------
// In your app: the UserPoolId and UserPoolClientId outputs of your stack, and no endpoint.
// Here the local stack describes itself, and Amplify talks to it instead of Cognito.
const stack = (await (await fetch('/_local/stack')).json()) as {
  userPoolId: string;
  clientId: string;
  endpoints: { cognito: string };
};
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: stack.userPoolId,
      userPoolClientId: stack.clientId,
      userPoolEndpoint: stack.endpoints.cognito,
    },
  },
});

// ---- The page's few helpers -----------------------------------------------------------------
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const VIEWS = ['sign-in-view', 'sign-up-view', 'confirm-view', 'round-view', 'device-view', 'done-view'];

/** Shows only the given views (sections). */
function show(...views: string[]): void {
  for (const view of VIEWS) byId(view).hidden = !views.includes(view);
}

/** One message for the person, or none. */
function say(message = ''): void {
  byId('message').textContent = message;
}

/** What to tell the person about an error: Cognito's and the triggers' messages are meant to be read. */
function explain(error: unknown): string {
  const { name, message } = error as { name?: string; message?: string };
  if (name === 'UserLambdaValidationException') {
    // "<Trigger> failed with error <message>." -> "<message>"
    return message?.replace(/^\w+ failed with error /, '').replace(/\.$/, '') ?? 'Please try again';
  }
  if (name === 'NotAuthorizedException') return 'Incorrect email, password or code. Please sign in again.';
  return message ?? 'Something went wrong, please try again';
}

/** Runs a step on a form's submit, with the button disabled meanwhile and any error said. */
function onSubmit(formId: string, step: (fields: FormData) => Promise<void>): void {
  const form = byId<HTMLFormElement>(formId);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
    if (button) button.disabled = true;
    say();
    try {
      await step(new FormData(form));
    } catch (error) {
      say(explain(error));
      // A failed sign-in cannot go on: back to the start.
      if ((error as { name?: string }).name === 'NotAuthorizedException')
        show('sign-in-view', 'sign-up-view');
    } finally {
      if (button) button.disabled = false;
    }
  });
}

const field = (fields: FormData, name: string) => String(fields.get(name) ?? '').trim();

// ---- 2. Sign-up with the invite -------------------------------------------------------------
let pendingEmail = '';

onSubmit('sign-up-form', async (fields) => {
  pendingEmail = field(fields, 'email');
  const { nextStep } = await signUp({
    username: pendingEmail,
    password: String(fields.get('password') ?? ''),
    options: {
      userAttributes: { email: pendingEmail },
      clientMetadata: { inviteCode: field(fields, 'invite') },
      autoSignIn: { authFlowType: 'CUSTOM_WITH_SRP' },
    },
  });
  if (nextStep.signUpStep === 'COMPLETE_AUTO_SIGN_IN') {
    await startSignIn(pendingEmail);
    await follow(await autoSignIn());
  } else if (nextStep.signUpStep === 'CONFIRM_SIGN_UP') {
    // Only when the stack does not confirm invited users itself (autoConfirmInvitedUsers: false).
    show('confirm-view');
  }
});

onSubmit('confirm-form', async (fields) => {
  const { nextStep } = await confirmSignUp({
    username: pendingEmail,
    confirmationCode: field(fields, 'code'),
  });
  if (nextStep.signUpStep === 'COMPLETE_AUTO_SIGN_IN') {
    await startSignIn(pendingEmail);
    await follow(await autoSignIn());
  }
});

// ---- 3. Sign-in: the password, then one round after another ----------------------------------
/**
 * What the page remembers about the sign-in under way (in memory only: nothing of a round, and
 * never a recovery code, goes to the URL, the console or storage).
 */
const current: {
  /** `ClientMetadata` of every call of this sign-in: the intent chosen on the form, if any. */
  clientMetadata?: Record<string, string> | undefined;
  /** This device's part of the sign-in (none where the browser cannot keep a key). */
  device?: DeviceSignIn | undefined;
  /** A number is being added: its SMS code is no sign-in code, so `RECOVERY` is not offered. */
  addingNumber: boolean;
  /** The type of the round on screen: when the same type comes back, the answer was not accepted. */
  type?: string | undefined;
  /** The items the round on screen lists (the new recovery codes), for Copy and Download. */
  list: string[];
} = { addingNumber: false, list: [] };

/**
 * Starts following a new sign-in of `username`: nothing of an earlier one carries over. The device
 * remembered for this user, if any, is loaded (not with an intent: an intent never skips the code).
 */
async function startSignIn(username = '', intent = ''): Promise<void> {
  Object.assign(current, {
    clientMetadata: intent ? { intent } : undefined,
    device:
      username && canRememberDevices()
        ? await DeviceSignIn.start(stack.userPoolId, deviceStorage(stack.userPoolId, username), intent)
        : undefined,
    addingNumber: false,
    type: undefined,
  });
  showList([]);
  byId<HTMLInputElement>('remember-device').checked = false;
  byId<HTMLInputElement>('device-name').value = '';
}

onSubmit('sign-in-form', async (fields) => {
  // An intent (docs/protocol.md, "Intents") adds steps after the code; it never skips one. It goes
  // with every call of the sign-in as ClientMetadata.intent.
  await startSignIn(field(fields, 'email'), field(fields, 'intent'));
  const result = await signIn({
    username: field(fields, 'email'),
    password: String(fields.get('password') ?? ''),
    // With the password (PASSWORD_VERIFIER): the remembered device's id, if any.
    options: {
      authFlowType: 'CUSTOM_WITH_SRP',
      clientMetadata: { ...current.clientMetadata, ...current.device?.passwordMetadata() },
    },
  });
  await follow(result);
});

/** Answers the round on screen (with the sign-in's ClientMetadata, and this answer's own). */
const answer = (challengeResponse: string, clientMetadata?: Record<string, string>) =>
  confirmSignIn({
    challengeResponse,
    options: { clientMetadata: { ...current.clientMetadata, ...clientMetadata } },
  });

onSubmit('round-form', async (fields) => {
  const answered = current.type;
  // A round without an input (RECOVERY_CODES) has its fixed answer (OK).
  const round = roundFor(answered);
  // "Remember this device" ticked at an SMS code: the public key goes with the code (a disabled,
  // hidden box is not in the form's fields).
  const remember =
    fields.get('remember') && current.device
      ? await current.device.offer(field(fields, 'deviceName'))
      : undefined;
  await follow(await answer(round.answer ?? field(fields, 'answer'), remember), answered);
});

byId<HTMLInputElement>('remember-device').addEventListener('change', (event) => {
  byId('device-name-label').hidden = !(event.currentTarget as HTMLInputElement).checked;
});

/**
 * The reserved answers as buttons: `RESEND` (a new code, or how long to wait) and `RECOVERY` (a
 * recovery code instead of the SMS code). Neither is ever judged as a guess.
 */
function onReservedAnswer(buttonId: string, word: string, after?: (result: SignInOutput) => void): void {
  byId<HTMLButtonElement>(buttonId).addEventListener('click', async (event) => {
    const button = event.currentTarget as HTMLButtonElement;
    button.disabled = true;
    say();
    try {
      const result = await answer(word);
      await follow(result);
      after?.(result);
    } catch (error) {
      say(explain(error));
      if ((error as { name?: string }).name === 'NotAuthorizedException')
        show('sign-in-view', 'sign-up-view');
    } finally {
      button.disabled = false;
    }
  });
}

onReservedAnswer('resend', RESEND, (result) => {
  if (result.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE')
    byId('round-retry').textContent = afterResend(result.nextStep.additionalInfo ?? {});
});
onReservedAnswer('recovery', RECOVERY);

/** Shows whatever Cognito asks next: a round, or the tokens. */
async function follow(result: SignInOutput, answered?: string): Promise<void> {
  const { nextStep } = result;
  showList([]);
  if (nextStep.signInStep === 'DONE') {
    current.type = undefined;
    // Keep a device just remembered (with the `sub` the signed text names), or forget one the
    // stack no longer knows.
    const { tokens } = await fetchAuthSession();
    await current.device?.finish(tokens?.idToken?.payload.sub);
    await showIdToken(current.device?.signedInWithDevice === true);
    return;
  }
  if (nextStep.signInStep !== 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE') {
    throw new Error(`This app does not handle the step ${nextStep.signInStep}`);
  }
  const parameters = nextStep.additionalInfo ?? {};
  current.device?.onRound(parameters.type);
  if (parameters.type === 'DEVICE_PROOF' && current.device) {
    // Nobody types a signature: the page answers for the device. A proof the stack refuses gets
    // the SMS code next.
    current.type = parameters.type;
    show('device-view');
    try {
      const proof = await current.device.proof(parameters.challenge ?? '');
      return await follow(await answer(proof), parameters.type);
    } catch (error) {
      // Nothing to retry on this view: back to the start, where the error is said.
      show('sign-in-view', 'sign-up-view');
      throw error;
    }
  }
  const round = roundFor(parameters.type);
  if (parameters.type === 'PHONE_REQUIRED') current.addingNumber = true;
  current.type = parameters.type;

  byId('round-title').textContent = round.title;
  byId('round-retry').textContent = answered !== undefined && answered === parameters.type ? round.retry : '';
  // The question: the label of the input, or the step's text when there is nothing to type.
  const input = byId<HTMLInputElement>('round-answer');
  const label = byId('round-label');
  const text = byId('round-text');
  label.textContent = round.label(parameters);
  text.textContent = round.input ? '' : round.label(parameters);
  Object.assign(input, { value: '', placeholder: '', ...round.input });
  // A disabled input is neither required nor sent.
  input.disabled = label.hidden = input.hidden = !round.input;
  text.hidden = Boolean(round.input);
  // A hint (the answer's format) is read out with the input.
  const hint = byId('round-hint');
  hint.textContent = round.hint ?? '';
  hint.hidden = !round.hint;
  if (round.hint) input.setAttribute('aria-describedby', hint.id);
  else input.removeAttribute('aria-describedby');
  showList(round.list?.(parameters) ?? []);
  byId('round-submit').textContent = round.submit ?? 'Continue';
  byId('resend').hidden = !round.resend;
  byId('recovery').hidden = !round.recovery || current.addingNumber;
  showRemember(parameters.type === 'SMS_OTP');
  show('round-view');
  (round.input ? input : byId('round-submit')).focus();
}

/** The list of the round on screen (the new recovery codes), each as text, with Copy and Download. */
function showList(items: string[]): void {
  current.list = items;
  const list = byId('round-list');
  list.replaceChildren(
    ...items.map((item) => {
      const entry = document.createElement('li');
      entry.textContent = item;
      return entry;
    }),
  );
  byId('round-status').textContent = '';
  byId('round-list-view').hidden = items.length === 0;
  // The clipboard needs a secure context (https://, or this page on localhost).
  byId('copy-list').hidden = !navigator.clipboard;
}

byId('copy-list').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(codesFile(current.list, location.host));
    byId('round-status').textContent = 'Copied. Paste them somewhere safe.';
  } catch {
    byId('round-status').textContent = 'Copying is not allowed here: download them or write them down.';
  }
});

byId('download-list').addEventListener('click', () => {
  // A file made in the page: the codes never go to a server or into a URL of their own.
  const url = URL.createObjectURL(new Blob([codesFile(current.list, location.host)], { type: 'text/plain' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: 'recovery-codes.txt' });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  byId('round-status').textContent = 'Downloaded recovery-codes.txt.';
});

// ---- 4. Remember this device ------------------------------------------------------------------
/**
 * At an SMS code: the "Remember this device" box (and, once ticked, an optional name), where the
 * browser can keep a key. When the sign-in named a device and still gets the code, say why.
 */
function showRemember(codeRound: boolean): void {
  const offered = codeRound && current.device !== undefined;
  byId('remember-view').hidden = !offered;
  byId<HTMLInputElement>('remember-device').disabled = !offered;
  byId<HTMLInputElement>('device-name').disabled = !offered;
  byId('device-name-label').hidden = !offered || !byId<HTMLInputElement>('remember-device').checked;
  byId('round-note').textContent =
    codeRound && current.device?.remembered
      ? 'This device is no longer remembered, so we texted you a code. You can remember it again below.'
      : '';
}

/** The device remembered for the signed-in user, said on the done view, with "Forget this device". */
async function showDeviceStatus(email: string, signedInWithDevice: boolean): Promise<void> {
  const storage = canRememberDevices() && email ? deviceStorage(stack.userPoolId, email) : undefined;
  const device = await storage?.load();
  const status = byId('device-status');
  const forget = byId<HTMLButtonElement>('forget-device');
  forget.hidden = !device;
  if (!device) status.textContent = 'This device is not remembered: each sign-in asks for a code.';
  else if (signedInWithDevice) status.textContent = 'Signed in with this device: no code needed.';
  else
    status.textContent = `This device is remembered${device.name ? ` as “${device.name}”` : ''}: next time, no code.`;
  forget.onclick = async () => {
    // The key is deleted here; the stack's record expires unused (or an operator revokes it).
    await storage?.forget();
    await showDeviceStatus(email, false);
  };
}

// ---- 5. Signed in: the decoded ID token -------------------------------------------------------
async function showIdToken(signedInWithDevice = false): Promise<void> {
  const { tokens } = await fetchAuthSession();
  const payload = tokens?.idToken?.payload ?? {};
  byId('id-token').textContent = JSON.stringify(payload, null, 2);
  await showDeviceStatus(typeof payload.email === 'string' ? payload.email : '', signedInWithDevice);
  show('done-view');
}

byId('sign-out').addEventListener('click', async () => {
  await signOut();
  await startSignIn();
  say();
  show('sign-in-view', 'sign-up-view');
});

// Someone already signed in on this browser sees their token; everyone else the forms.
await getCurrentUser().then(
  () => showIdToken(),
  () => show('sign-in-view', 'sign-up-view'),
);
