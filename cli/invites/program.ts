/**
 * `npm run invites -- <command>`: create, list, show and revoke sign-up invitations in the
 * invites table, through the same InviteStore the triggers use (so every transition is the same
 * conditional write). See docs/invites.md.
 *
 * An invite code is printed once, by `create`, and never again: only its hash is stored.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_INVITE_DAYS, MAX_INVITE_DAYS } from '#shared/invites/invite';
import { InviteAlreadyAcceptedError, InviteNotFoundError, InviteStore } from '#shared/invites/store';
import { emailOption } from '../lib/args';
import {
  awsOptions,
  awsTarget,
  describeAwsError,
  resolveAwsEnvironment,
  resolveTableName,
  stageOption,
} from '../lib/aws';
import { CliError } from '../lib/errors';
import { formatDetails, formatJson, formatRelative, formatTable, formatTime } from '../lib/output';
import type { CommandContext, Program } from '../lib/run';
import { createInvite, type InviteView, inviteRequest, inviteView, listInvites, STATUSES } from './actions';

export const INVITES_TABLE_VARIABLE = 'INVITES_TABLE';
/**
 * Resolves where the invites live, runs `work` with a store on that table, and turns store and
 * AWS errors into one-line CLI errors. The client is closed afterwards so the process can exit.
 */
async function withStore<T>(context: CommandContext, work: (store: InviteStore) => Promise<T>): Promise<T> {
  const { options, io } = context;
  const stage = stageOption(options);
  const explicitTable = options.string('table');
  const environment = await resolveAwsEnvironment(
    { local: options.flag('local'), region: options.string('region') },
    io.env,
  );
  const tableName = resolveTableName({
    explicit: explicitTable,
    localName: environment.stack?.tables?.invites,
    envVariable: INVITES_TABLE_VARIABLE,
    env: io.env,
    stage,
    suffix: 'invites',
  });
  const target = awsTarget('dynamodb', environment);
  const client = new DynamoDBClient(target.clientOptions);
  const store = new InviteStore(
    DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
  );
  try {
    return await work(store);
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof InviteNotFoundError || error instanceof InviteAlreadyAcceptedError) {
      throw new CliError(error.message.charAt(0).toLowerCase() + error.message.slice(1));
    }
    throw describeAwsError(error, target, `table '${tableName}'`);
  } finally {
    client.destroy();
  }
}

function inviteTable(invites: readonly InviteView[]): string {
  return formatTable<InviteView>(
    [
      { header: 'email', value: (invite) => invite.email },
      { header: 'status', value: (invite) => invite.status },
      { header: 'group', value: (invite) => invite.group },
      { header: 'created', value: (invite) => formatTime(invite.createdAt) },
      { header: 'expires', value: (invite) => formatTime(invite.expiresAt) },
      { header: 'accepted', value: (invite) => formatTime(invite.acceptedAt) },
    ],
    invites,
  );
}

function inviteDetails(invite: InviteView, now: Date): string {
  return formatDetails([
    ['Email', invite.email],
    ['Status', invite.status],
    ['Group', invite.group ?? '-'],
    ['Created', formatTime(invite.createdAt)],
    ['Expires', `${formatTime(invite.expiresAt)} (${formatRelative(invite.expiresAt, now)})`],
    ['Accepted', invite.acceptedAt && `${formatTime(invite.acceptedAt)} by ${invite.acceptedBy ?? '?'}`],
    ['Revoked', formatTime(invite.revokedAt)],
  ]);
}

const tableOption = {
  table: {
    type: 'string',
    valueName: 'NAME',
    description: `Invites table (default: $${INVITES_TABLE_VARIABLE}, else cognito-auth-triggers-<stage>-invites)`,
  },
} as const;

export const invitesProgram: Program = {
  name: 'invites',
  invocation: 'npm run invites --',
  summary: 'Create, list, show and revoke sign-up invitations (one invite per email; see docs/invites.md).',
  globalOptions: {
    ...tableOption,
    ...awsOptions,
    json: { type: 'boolean', description: 'Print JSON instead of text (for scripts)' },
  },
  footer: [
    'Exit status: 0 done, 1 failed (unknown invite, accepted invite, AWS unreachable), 2 bad command line.',
    'AWS access uses the standard credential chain and AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL.',
  ].join('\n'),
  commands: {
    create: {
      summary: 'Create the invite for an email (replacing a pending one) and print its code once',
      usage: '--email EMAIL [--group GROUP] [--days N]',
      details:
        'The code is shown only here: only its hash is stored. Re-inviting an email replaces its pending,\n' +
        'expired or revoked invite (the old code stops working); an accepted invite is never replaced.',
      options: {
        email: {
          type: 'string',
          valueName: 'EMAIL',
          description: 'Address the invite is bound to (required)',
        },
        group: {
          type: 'string',
          valueName: 'GROUP',
          description: 'Cognito group to add the user to on sign-up',
        },
        days: {
          type: 'string',
          valueName: 'N',
          description: `Days until the invite expires, 1-${MAX_INVITE_DAYS} (default ${DEFAULT_INVITE_DAYS})`,
        },
      },
      run: async (context) => {
        const { options, io } = context;
        const request = inviteRequest(options);
        const now = io.now();
        const { invite, code, replaced } = await withStore(context, (store) =>
          createInvite(store, request, now),
        );
        const { email, group } = request;
        if (options.flag('json')) {
          context.print(formatJson({ ...inviteView(invite, now), code, replaced }));
          return;
        }
        context.print(
          [
            `Invite created for ${email}${replaced ? ` (replaces the ${replaced} invite)` : ''}`,
            '',
            formatDetails([
              ['Code', code],
              ['Group', group ?? '-'],
              ['Expires', `${formatTime(invite.expiresAt)} (${formatRelative(invite.expiresAt, now)})`],
            ]).replace(/^/gm, '  '),
            '',
            `This code is shown only once (only its hash is stored). Send it to ${email};`,
            'it works only for a sign-up with that address.',
          ].join('\n'),
        );
      },
    },

    list: {
      summary: 'List invites, oldest first',
      usage: '[--status STATUS]',
      options: {
        status: {
          type: 'string',
          valueName: 'STATUS',
          description: `Only invites with this status: ${STATUSES.join(', ')}`,
        },
      },
      run: async (context) => {
        const { options, io } = context;
        const status = options.choice('status', STATUSES);
        const now = io.now();
        const invites = await withStore(context, (store) => listInvites(store, now, status));
        if (options.flag('json')) {
          context.print(formatJson(invites));
          return;
        }
        if (invites.length === 0) {
          context.print(status ? `No ${status} invites.` : 'No invites.');
          return;
        }
        context.print(inviteTable(invites));
        context.print(`\n${invites.length} invite${invites.length === 1 ? '' : 's'}`);
      },
    },

    show: {
      summary: 'Show the invite for an email',
      usage: '--email EMAIL',
      options: {
        email: { type: 'string', valueName: 'EMAIL', description: 'The invited address (required)' },
      },
      run: async (context) => {
        const { options, io } = context;
        const { email } = emailOption(options);
        const invite = await withStore(context, (store) => store.get(email));
        if (!invite) throw new CliError(`no invite for ${email}`);
        const view = inviteView(invite, io.now());
        context.print(options.flag('json') ? formatJson(view) : inviteDetails(view, io.now()));
      },
    },

    revoke: {
      summary: 'Revoke the pending invite for an email (its code stops working)',
      usage: '--email EMAIL',
      details: 'Revoking a revoked invite does nothing; an accepted invite cannot be revoked.',
      options: {
        email: { type: 'string', valueName: 'EMAIL', description: 'The invited address (required)' },
      },
      run: async (context) => {
        const { options, io } = context;
        const { email } = emailOption(options);
        const now = io.now();
        const result = await withStore(context, (store) => store.revoke(email, now));
        if (options.flag('json')) {
          context.print(formatJson({ ...inviteView(result.invite, now), outcome: result.outcome }));
          return;
        }
        context.print(
          result.outcome === 'revoked'
            ? `Revoked the invite for ${email}.`
            : `The invite for ${email} was already revoked (${formatTime(result.invite.revokedAt) ?? 'earlier'}).`,
        );
      },
    },
  },
};
