/** `npm run messages:preview` writes every message in every language and an index linking them. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageKinds, supportedLocales } from '#shared/messages/index';
import { OWN_EMAILS, writePreview } from '../../../scripts/messages-preview';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'preview-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('one HTML file per kind and language, all linked from index.html', () => {
  const index = writePreview(dir, { APP_NAME: 'Acme <Preview>' });
  expect(index).toBe(join(dir, 'index.html'));
  const html = readFileSync(index, 'utf8');
  for (const locale of supportedLocales) {
    for (const kind of messageKinds) {
      const file = `${locale}/${kind}.html`;
      expect(existsSync(join(dir, file))).toBe(true);
      expect(html).toContain(`href="${file}"`);
    }
  }
  for (const locale of supportedLocales) {
    for (const name of OWN_EMAILS) {
      expect(existsSync(join(dir, locale, `${name}.html`))).toBe(true);
      expect(html).toContain(`href="${locale}/${name}.txt"`);
    }
  }
  expect(OWN_EMAILS).toContain('SecurityNotice-phone_changed');
  expect(readFileSync(join(dir, 'es', 'SecurityNotice-phone_changed.txt'), 'utf8')).toContain(
    'Número anterior: +*******0199',
  );
  expect(html).toContain('Acme &lt;Preview&gt;');
  expect(readFileSync(join(dir, 'de', 'AdminCreateUser.html'), 'utf8')).toContain(
    'Willkommen bei Acme &lt;Preview&gt;',
  );
});

test('bad branding is refused with the variable named, writing nothing', () => {
  expect(() => writePreview(join(dir, 'out'), { SIGN_IN_URL: 'ftp://x' })).toThrow('SIGN_IN_URL');
  expect(existsSync(join(dir, 'out'))).toBe(false);
});
