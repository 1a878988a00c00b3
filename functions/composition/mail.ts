/**
 * The only place the SES mailer is constructed: the send worker's, for notifications and the publish
 * function's queued test emails alike, with the configuration set (delivery events).
 */
import type { SESClient } from '@aws-sdk/client-ses';
import { SesMailer } from '../adapters/ses';
import type { Mailer } from '../ports';

export const sesMailer = (ses: SESClient, configurationSet: string | undefined): Mailer =>
  new SesMailer(ses, { configurationSet });
