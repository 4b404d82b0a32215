/**
 * The read-only SMS account questions of the local SNS: `GetSMSSandboxAccountStatus` (is the account
 * in the SMS sandbox?) and `GetSMSAttributes` (the account's SMS settings, `MonthlySpendLimit`
 * among them), answered in SNS's awsQuery XML from the stack's settings, so a tool that checks an
 * account (`npm run doctor`) reads here what it would read from SNS. Nothing here changes anything.
 *
 * API reference: https://docs.aws.amazon.com/sns/latest/api/API_GetSMSSandboxAccountStatus.html and
 * https://docs.aws.amazon.com/sns/latest/api/API_GetSMSAttributes.html
 */

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** What the local account answers. */
export interface SmsAccount {
  /** In the SMS sandbox: only verified destination numbers get texts (default false). */
  inSandbox: boolean;
  /** The account's SMS attributes, as GetSMSAttributes returns them. */
  attributes: Record<string, string>;
}

/** A local stack is an account out of the sandbox with a 100 USD monthly SMS spend limit. */
export const DEFAULT_SMS_ACCOUNT: SmsAccount = {
  inSandbox: false,
  attributes: { MonthlySpendLimit: '100', DefaultSMSType: 'Transactional' },
};

export const ACCOUNT_ACTIONS = ['GetSMSSandboxAccountStatus', 'GetSMSAttributes'] as const;

/** The XML answer to one of ACCOUNT_ACTIONS, or undefined for any other action. */
export function accountAnswer(
  params: URLSearchParams,
  account: SmsAccount,
  requestId: string,
): string | undefined {
  const action = params.get('Action');
  const metadata = `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`;
  if (action === 'GetSMSSandboxAccountStatus') {
    return `<GetSMSSandboxAccountStatusResponse xmlns="${XMLNS}"><GetSMSSandboxAccountStatusResult><IsInSandbox>${account.inSandbox}</IsInSandbox></GetSMSSandboxAccountStatusResult>${metadata}</GetSMSSandboxAccountStatusResponse>`;
  }
  if (action === 'GetSMSAttributes') {
    // `attributes.member.N` names the attributes wanted; none: every attribute.
    const wanted = [...params.entries()]
      .filter(([key]) => /^attributes\.member\.\d+$/.test(key))
      .map(([, v]) => v);
    const entries = Object.entries(account.attributes)
      .filter(([name]) => wanted.length === 0 || wanted.includes(name))
      .map(([key, value]) => `<entry><key>${escapeXml(key)}</key><value>${escapeXml(value)}</value></entry>`)
      .join('');
    return `<GetSMSAttributesResponse xmlns="${XMLNS}"><GetSMSAttributesResult><attributes>${entries}</attributes></GetSMSAttributesResult>${metadata}</GetSMSAttributesResponse>`;
  }
  return undefined;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
