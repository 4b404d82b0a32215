import * as z from 'zod/mini';
import { readConfig } from '#shared/config';
import { customMessageEvent } from '#shared/events/custom-message';
import { brandingFrom, brandingSettings } from '#shared/messages/index';
import { trigger } from '#shared/trigger';
import { type CustomMessageDeps, customMessage } from './custom-message';

const config = readConfig({
  ...brandingSettings,
  EMAIL_VERIFICATION_STYLE: z._default(z.enum(['code', 'link'], { error: 'must be code or link' }), 'code'),
});

const deps: CustomMessageDeps = {
  branding: brandingFrom(config),
  emailVerification: config.EMAIL_VERIFICATION_STYLE,
};

export const handler = trigger('CustomMessage', customMessageEvent, (event) => customMessage(event, deps));
