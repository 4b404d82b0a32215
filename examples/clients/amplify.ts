/**
 * The whole sign-in with Amplify v6 (`aws-amplify/auth`): the password by SRP inside custom auth
 * (`CUSTOM_WITH_SRP`), then every round answered through the app's UI (rounds.ts). `intent`, if
 * given, goes with every answer as `ClientMetadata.intent`.
 */
import { confirmSignIn, type SignInOutput, signIn } from 'aws-amplify/auth';
import { answerRound, type Intent, type SignInUi } from './rounds';

export async function signInWithSecondFactor(
  username: string,
  password: string,
  ui: SignInUi,
  intent?: Intent,
): Promise<void> {
  const clientMetadata = intent ? { intent } : undefined;
  let result: SignInOutput = await signIn({
    username,
    password,
    options: { authFlowType: 'CUSTOM_WITH_SRP', clientMetadata },
  });
  while (result.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE') {
    const answer = await answerRound(result.nextStep.additionalInfo ?? {}, ui);
    // A wrong answer comes back as the same step; a limit ends with NotAuthorizedException.
    result = await confirmSignIn({ challengeResponse: answer, options: { clientMetadata } });
  }
  if (result.nextStep.signInStep !== 'DONE') throw new Error(`unexpected step ${result.nextStep.signInStep}`);
}
