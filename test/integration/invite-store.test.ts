import { dynamodb } from '#shared/aws/dynamodb';
import { generateInviteCode } from '#shared/invites/code';
import { newInvite } from '#shared/invites/invite';
import { InviteStore } from '#shared/invites/store';

const store = new InviteStore(dynamodb, 'invites-test');
let n = 0;
const uniqueEmail = () => `race-${process.pid}-${Date.now()}-${n++}@example.com`;

test('20 concurrent consumes of one invite by different users leave exactly one winner', async () => {
  const email = uniqueEmail();
  await store.put(newInvite({ email, code: generateInviteCode(), days: 7, now: new Date() }));

  const subs = Array.from({ length: 20 }, (_, i) => `sub-${i}`);
  const results = await Promise.all(subs.map((sub) => store.consume(email, sub, new Date())));

  const winners = results.filter((r) => r.outcome === 'accepted');
  expect(winners).toHaveLength(1);
  expect(results.filter((r) => r.outcome === 'accepted_by_other')).toHaveLength(19);
  const stored = await store.get(email);
  expect(stored?.status).toBe('accepted');
  expect(winners[0]?.outcome === 'accepted' && winners[0].invite.acceptedBy).toBe(stored?.acceptedBy);
});
