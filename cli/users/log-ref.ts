/**
 * `users log-ref`: the keyed hash the triggers log instead of a user name (`user`: `u_` and 16 hex,
 * #shared/user-ref), so an operator can follow one user through the logs (the saved query "Sign-in
 * trail of one user", docs/operations.md). The key is the stage's `logHashKey`, given in
 * LOG_HASH_KEY (never on the command line, where shell history would keep it).
 *
 * `--email E` hashes the pool's user name of that user (a UUID in a pool that signs in by email);
 * `--username NAME` hashes a name as it was typed (an unknown user's attempts), with no lookup.
 */
import { userRef } from '#shared/user-ref';
import { UsageError } from '../lib/errors';
import { formatJson } from '../lib/output';
import type { Command, CommandContext } from '../lib/run';
import { openTarget, withUser } from './target';

const MIN_KEY_LENGTH = 32;

function hashKey(context: CommandContext): string {
  const key = context.io.env.LOG_HASH_KEY?.trim();
  if (!key)
    throw new UsageError('set LOG_HASH_KEY to the stage`s logHashKey (the key the triggers hash with)');
  if (key.length < MIN_KEY_LENGTH) {
    throw new UsageError(
      `LOG_HASH_KEY must be at least ${MIN_KEY_LENGTH} characters, as the triggers require`,
    );
  }
  return key;
}

export const logRefCommand: Command = {
  summary: 'The `user` hash the logs carry for a user, to search the logs for their trail',
  usage: '--email EMAIL | --username NAME',
  details:
    'LOG_HASH_KEY must hold the stage`s logHashKey. Without one deployed, each Lambda instance hashes\n' +
    'with a random key and no trail can be followed (docs/two-factor.md, "Logs").',
  options: {
    email: { type: 'string', valueName: 'EMAIL', description: 'A user of the pool, by email' },
    username: { type: 'string', valueName: 'NAME', description: 'A user name as typed (no lookup)' },
  },
  run: async (context) => {
    const { options } = context;
    const key = hashKey(context);
    const typed = options.string('username');
    if (typed !== undefined && options.string('email') !== undefined) {
      throw new UsageError('give --email or --username, not both');
    }
    let userPoolId: string;
    let userName: string;
    let email: string | undefined;
    if (typed !== undefined) {
      const target = await openTarget(context);
      target.close();
      userPoolId = target.userPoolId;
      userName = typed;
    } else {
      if (options.string('email') === undefined) throw new UsageError('--email or --username is required');
      ({ userPoolId, userName, email } = await withUser(context, async ({ userPoolId, user }) => ({
        userPoolId,
        userName: user.username,
        email: user.email,
      })));
    }
    const user = userRef(userPoolId, userName, key);
    context.print(options.flag('json') ? formatJson({ userPoolId, email, userName, user }) : user);
  },
};
