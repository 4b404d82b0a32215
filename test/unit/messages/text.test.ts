/** The text helpers every message goes through: escaping, template filling, cleaning, shortening. */
import fc from 'fast-check';
import { cleanUserValue, escapeHtml, fill, shorten, slotsOf } from '#shared/messages/text';

const unescapeHtml = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

describe('escapeHtml', () => {
  test('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;',
    );
  });

  test('leaves no raw < > " \' in any output, and every & starts one of its entities', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (input) => {
        const out = escapeHtml(input);
        expect(out).not.toMatch(/[<>"']/);
        expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
      }),
    );
  });

  test('loses nothing: unescaping gives the input back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (input) =>
        expect(unescapeHtml(escapeHtml(input))).toBe(input),
      ),
    );
  });
});

describe('fill', () => {
  test('replaces each {{slot}} and leaves Cognito-style braces alone', () => {
    expect(fill('{{code}} for {{appName}} ({username})', { code: '{####}', appName: 'App' })).toBe(
      '{####} for App ({username})',
    );
  });

  test('is a single pass: a value containing a slot marker stays literal', () => {
    expect(fill('Hi {{name}}, code {{code}}', { name: '{{code}}', code: '{####}' })).toBe(
      'Hi {{code}}, code {####}',
    );
  });

  test('encodes literal text and values with the functions given', () => {
    const out = fill('a<b {{x}} {{y}}', { x: '<x>', y: '<y>' }, escapeHtml, (slot, value) =>
      slot === 'y' ? value : escapeHtml(value),
    );
    expect(out).toBe('a&lt;b &lt;x&gt; <y>');
  });

  test('an unknown slot is a catalog bug and throws', () => {
    expect(() => fill('{{nope}}', {})).toThrow('unknown slot {{nope}}');
  });

  test('slotsOf lists the slots in order', () => {
    expect(slotsOf('{{code}} {{appName}} {{code}}')).toEqual(['code', 'appName', 'code']);
  });
});

describe('shorten', () => {
  test('keeps text that fits', () => {
    expect(shorten('Ada', 3)).toBe('Ada');
  });

  test('cuts to exactly max user-perceived characters, the last one an ellipsis', () => {
    expect(shorten('Ada Lovelace', 5)).toBe('Ada…');
    expect([...shorten('abcdefghij', 4)]).toHaveLength(4);
  });

  test('never splits an emoji sequence or an accented letter', () => {
    const family = '👨‍👩‍👧';
    expect(shorten(`${family}${family}${family}`, 2)).toBe(`${family}…`);
    expect(shorten('e\u0301e\u0301e\u0301', 2)).toBe('e\u0301…');
  });
});

describe('cleanUserValue', () => {
  test('removes control and bidi-override characters and collapses whitespace', () => {
    expect(cleanUserValue('Ada\u0000\u202E  \n Lovelace\u2066', 64)).toBe('Ada Lovelace');
  });

  test('removes braces so a name can never pose as a Cognito placeholder', () => {
    expect(cleanUserValue('{####} {username} {##Click##}', 64)).toBe('#### username ##Click##');
  });

  test('keeps letters of every script', () => {
    expect(cleanUserValue('Zoë Ñúñez 李小龍 Ωμέγα', 64)).toBe('Zoë Ñúñez 李小龍 Ωμέγα');
  });

  test('a 10,000-character name becomes at most max characters, ending in an ellipsis', () => {
    const out = cleanUserValue('A'.repeat(10_000), 64);
    expect([...out]).toHaveLength(64);
    expect(out.endsWith('…')).toBe(true);
  });

  test('drops half surrogate pairs (invalid text) and keeps whole ones', () => {
    expect(cleanUserValue('Ada\uD83D Lovelace\uDE00 😀', 64)).toBe('Ada Lovelace 😀');
  });

  test('any input: bounded, no braces, no control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (input) => {
        const out = cleanUserValue(input, 64);
        expect(out).not.toMatch(/[{}\p{Cc}]/u);
        expect(out.length).toBeLessThanOrEqual(64 * 8 + 1);
      }),
    );
  });
});
