/**
 * The demo draws its phone numbers so that telling it again against the same stack never meets
 * the per-number send limits of an earlier telling: a number the stack has already texted is
 * passed over while an untouched one is left.
 */
import { DEMO_PHONES, freshDemoPhone } from '../../../local/demo';

describe('freshDemoPhone', () => {
  it('offers only the 100 numbers reserved for fiction (+1 415 555-0100 to -0199)', () => {
    expect(DEMO_PHONES).toHaveLength(100);
    expect(new Set(DEMO_PHONES).size).toBe(100);
    for (const phone of DEMO_PHONES) expect(phone).toMatch(/^\+14155550(1\d\d)$/);
  });

  it('never returns a number the stack has texted, while one it has not is left', async () => {
    const untouched = DEMO_PHONES[57] as string;
    const sentTo = async (phone: string) => (phone === untouched ? 0 : 3);
    for (let i = 0; i < 20; i++) await expect(freshDemoPhone(sentTo)).resolves.toBe(untouched);
  });

  it('never returns a number taken by this telling, even one with an empty outbox', async () => {
    const taken = DEMO_PHONES.slice(0, 99);
    for (let i = 0; i < 20; i++) {
      await expect(freshDemoPhone(async () => 0, taken)).resolves.toBe(DEMO_PHONES[99]);
    }
  });

  it('four draws in a telling are four different numbers, none texted before', async () => {
    const texted = new Set(DEMO_PHONES.slice(0, 60));
    const sentTo = async (phone: string) => (texted.has(phone) ? 1 : 0);
    const drawn: string[] = [];
    for (let i = 0; i < 4; i++) drawn.push(await freshDemoPhone(sentTo, drawn));
    expect(new Set(drawn).size).toBe(4);
    for (const phone of drawn) expect(texted.has(phone)).toBe(false);
  });

  it('once every number has been texted, still returns one not taken (the limits may refuse it)', async () => {
    const phone = await freshDemoPhone(async () => 1, [DEMO_PHONES[0] as string]);
    expect(DEMO_PHONES).toContain(phone);
    expect(phone).not.toBe(DEMO_PHONES[0]);
  });

  it('with every number taken, says so', async () => {
    await expect(freshDemoPhone(async () => 0, DEMO_PHONES)).rejects.toThrow('every demo number is taken');
  });
});
