/**
 * The example sign-in page: what an app does to sign users up and in with Cognito Auth Triggers,
 * with Amplify v6 and no framework. Read it top to bottom; copy what you need.
 *
 *   1. Configure Amplify with your user pool and app client.
 *   2. Sign up with the invite code (ClientMetadata.inviteCode, checked by PreSignUp); invited
 *      users are confirmed at once and signed in automatically.
 *   3. Sign in with CUSTOM_WITH_SRP: Amplify proves the password by SRP, then hands over the
 *      rounds (PHONE_REQUIRED, SMS_OTP, ...); each is asked as rounds.ts says, and answered with
 *      confirmSignIn until Cognito issues tokens.
 *   4. Show the decoded ID token.
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
import { afterResend, roundFor } from './rounds';

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
const VIEWS = ['sign-in-view', 'sign-up-view', 'confirm-view', 'round-view', 'done-view'];

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
    const button = form.querySelector('button');
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
  if (nextStep.signUpStep === 'COMPLETE_AUTO_SIGN_IN') await follow(await autoSignIn());
});

// ---- 3. Sign-in: the password, then one round after another ----------------------------------
onSubmit('sign-in-form', async (fields) => {
  const result = await signIn({
    username: field(fields, 'email'),
    password: String(fields.get('password') ?? ''),
    options: { authFlowType: 'CUSTOM_WITH_SRP' },
  });
  await follow(result);
});

/** The type of the round on screen: when the same type comes back, the answer was not accepted. */
let roundOnScreen: string | undefined;

onSubmit('round-form', async (fields) => {
  const answered = roundOnScreen;
  await follow(await confirmSignIn({ challengeResponse: field(fields, 'answer') }), answered);
});

// `RESEND` is a reserved answer of a code round: a new code (or how long to wait), never a guess.
byId<HTMLButtonElement>('resend').addEventListener('click', async (event) => {
  const button = event.currentTarget as HTMLButtonElement;
  button.disabled = true;
  say();
  try {
    const result = await confirmSignIn({ challengeResponse: 'RESEND' });
    await follow(result);
    if (result.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE')
      byId('round-retry').textContent = afterResend(result.nextStep.additionalInfo ?? {});
  } catch (error) {
    say(explain(error));
    if ((error as { name?: string }).name === 'NotAuthorizedException') show('sign-in-view', 'sign-up-view');
  } finally {
    button.disabled = false;
  }
});

/** Shows whatever Cognito asks next: a round, or the tokens. */
async function follow(result: SignInOutput, answered?: string): Promise<void> {
  const { nextStep } = result;
  if (nextStep.signInStep === 'DONE') {
    roundOnScreen = undefined;
    await showIdToken();
    return;
  }
  if (nextStep.signInStep !== 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE') {
    throw new Error(`This app does not handle the step ${nextStep.signInStep}`);
  }
  const parameters = nextStep.additionalInfo ?? {};
  const round = roundFor(parameters.type);
  byId('round-title').textContent = round.title;
  byId('round-label').textContent = round.label(parameters);
  byId('round-retry').textContent = answered !== undefined && answered === parameters.type ? round.retry : '';
  const input = byId<HTMLFormElement>('round-form').elements.namedItem('answer') as HTMLInputElement;
  Object.assign(input, { value: '', placeholder: '', ...round.input });
  byId('resend').hidden = !round.resend;
  roundOnScreen = parameters.type;
  show('round-view');
  input.focus();
}

// ---- 4. Signed in: the decoded ID token -------------------------------------------------------
async function showIdToken(): Promise<void> {
  const { tokens } = await fetchAuthSession();
  byId('id-token').textContent = JSON.stringify(tokens?.idToken?.payload ?? {}, null, 2);
  show('done-view');
}

byId('sign-out').addEventListener('click', async () => {
  await signOut();
  say();
  show('sign-in-view', 'sign-up-view');
});

// Someone already signed in on this browser sees their token; everyone else the forms.
await getCurrentUser().then(showIdToken, () => show('sign-in-view', 'sign-up-view'));
