/**
 * The only place the SES mailer is constructed: the send worker's emails and the publish function's
 * test emails go through the same adapter, with the same configuration set (delivery events).
 */
import type { SESClient } from '@aws-sdk/client-ses';
import { SesMailer } from '../adapters/ses';
import type { Mailer } from '../ports';

export const sesMailer = (ses: SESClient, configurationSet: string | undefined): Mailer =>
  new SesMailer(ses, { configurationSet });
