/**
 * The plain-text part of our own emails (messages/notices.ts): the same copy as the HTML part, in
 * reading order, for clients that show no HTML and for the local outbox. Values go in as they are
 * (plain text needs no escaping); a facts row with only empty values is left out, as in the HTML.
 */
import type { Block, Catalog, EmailCopy } from './catalog';
import { shownFacts } from './html';
import { fill } from './text';

type Values = Readonly<Record<string, string>>;

function block(b: Block, values: Values): string {
  switch (b.kind) {
    case 'text':
      return fill(b.text, values);
    case 'code':
      return `    ${values.verification ?? ''}`;
    case 'fields':
      return b.items.map((item) => `${fill(item.label, values)}: ${values[item.slot] ?? ''}`).join('\n');
    case 'facts':
      return shownFacts(b.items, values)
        .map((item) => `${fill(item.label, values)}: ${fill(item.value, values)}`)
        .join('\n');
    case 'signInButton':
      return `${fill(b.text, values)}: ${values.signInUrl ?? ''}`;
  }
}

/** Heading, greeting, the blocks as paragraphs, then the footer below a signature line. */
export function renderEmailText(catalog: Catalog, copy: EmailCopy, values: Values): string {
  const greeting = values.name ? catalog.greeting.named : catalog.greeting.anonymous;
  const paragraphs = [
    fill(copy.heading, values),
    fill(greeting, values),
    ...copy.blocks.map((b) => block(b, values)),
  ].filter((paragraph) => paragraph !== '');
  return `${paragraphs.join('\n\n')}\n\n-- \n${catalog.footer.map((line) => fill(line, values)).join('\n')}\n`;
}
