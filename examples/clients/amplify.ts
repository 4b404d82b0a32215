/**
 * The whole sign-in with Amplify v6 (`aws-amplify/auth`): the password by SRP inside custom auth
 * (`CUSTOM_WITH_SRP`), then every round answered through the app's UI (rounds.ts). `intent`, if
 * given, goes with every answer as `ClientMetadata.intent`. With `devices` (device.ts), the
 * remembered device's `deviceId` goes with the password (Amplify sends `signIn`'s clientMetadata
 * with PASSWORD_VERIFIER), its proof answers DEVICE_PROOF, and a device remembered at an SMS code
 * is kept.
 */
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, type SignInOutput, signIn } from 'aws-amplify/auth';
import { DeviceSignIn, type DeviceStorage } from './device';
import type { Intent, SignInUi } from './rounds';

/** Resolves with true when the remembered device stood in for the SMS code. */
export async function signInWithSecondFactor(
  username: string,
  password: string,
  ui: SignInUi,
  options: { intent?: Intent; devices?: DeviceStorage } = {},
): Promise<boolean> {
  const userPoolId = Amplify.getConfig().Auth?.Cognito.userPoolId ?? '';
  const device = await DeviceSignIn.start(userPoolId, options.devices, options.intent);
  const metadata: Record<string, string> = options.intent ? { intent: options.intent } : {};
  let result: SignInOutput = await signIn({
    username,
    password,
    options: {
      authFlowType: 'CUSTOM_WITH_SRP',
      clientMetadata: { ...metadata, ...device.passwordMetadata() },
    },
  });
  while (result.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE') {
    const { answer, clientMetadata } = await device.answer(result.nextStep.additionalInfo ?? {}, ui);
    // A wrong answer comes back as the same step; a limit ends with NotAuthorizedException.
    result = await confirmSignIn({
      challengeResponse: answer,
      options: { clientMetadata: { ...metadata, ...clientMetadata } },
    });
  }
  if (result.nextStep.signInStep !== 'DONE') throw new Error(`unexpected step ${result.nextStep.signInStep}`);
  const { tokens } = await fetchAuthSession();
  await device.finish(tokens?.idToken?.payload.sub);
  return device.signedInWithDevice;
}
