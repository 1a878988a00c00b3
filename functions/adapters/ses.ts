/**
 * Sends with the SES v1 API (`SendEmail`): the only actions the local emulator (aws-ses-v2-local)
 * answers are SendEmail / SendRawEmail (v1) and SendEmail (v2); nothing here calls any other action.
 * SDK errors become MailSendError with a kind that decides retry or final failure.
 */
import { SESClient, type SESClientConfig, SendEmailCommand } from '@aws-sdk/client-ses';
import { MailSendError } from '../domain/notification';
import type { Mailer, OutgoingEmail } from '../ports';
import { type AwsEndpoint, createAwsClient } from './aws-client';

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'LimitExceededException',
]);
/** Final for this message: retrying sends the same rejected request again. */
const PERMANENT = new Set([
  'MessageRejected',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'ValidationError',
  'MailFromDomainNotVerifiedException',
  'MailFromDomainNotVerified',
]);

export function classifySesError(e: unknown): MailSendError {
  if (e instanceof MailSendError) return e;
  const name = e instanceof Error ? e.name : 'Unknown';
  const message = e instanceof Error ? e.message : String(e);
  // SES v1 reports "Maximum sending rate exceeded." (and the daily quota) as code Throttling; some
  // proxies only keep the message.
  if (THROTTLING.has(name) || /maximum send(ing)? rate exceeded|rate exceeded/i.test(message))
    return new MailSendError('throttled', name, 'SES throttled the send', { cause: e });
  // Thrown by the SDK while encoding the request (a lone surrogate in a field): nothing was sent, and
  // sending the same content again fails the same way.
  if (e instanceof URIError || name === 'URIError')
    return new MailSendError('rejected', 'SerializationError', 'the message could not be encoded', {
      cause: e,
    });
  if (PERMANENT.has(name)) return new MailSendError('rejected', name, message.slice(0, 300), { cause: e });
  return new MailSendError('transient', name, message.slice(0, 300), { cause: e });
}

/**
 * The worker decides about retries (it paces and backs off itself), so the SDK does not retry: a retry
 * the worker does not see would break its pacing.
 */
export const createSesClient = (where: AwsEndpoint = {}): SESClient =>
  createAwsClient(SESClient, where, {
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 15_000 },
  } satisfies SESClientConfig);

export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESClient,
    private readonly opts: { configurationSet?: string | undefined } = {},
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    try {
      const out = await this.client.send(
        new SendEmailCommand({
          Source: email.from,
          Destination: { ToAddresses: [email.to] },
          Message: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: email.text, Charset: 'UTF-8' },
              Html: { Data: email.html, Charset: 'UTF-8' },
            },
          },
          ...(this.opts.configurationSet ? { ConfigurationSetName: this.opts.configurationSet } : {}),
          ...(email.tags
            ? { Tags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })) }
            : {}),
        }),
      );
      return { messageId: out.MessageId ?? '' };
    } catch (e) {
      throw classifySesError(e);
    }
  }
}
