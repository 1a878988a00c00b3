/** Kept apart from notify-adapters.test.ts, whose SES mock replaces every client's send. */
import { SESClient } from '@aws-sdk/client-ses';
import { describe, expect, it } from 'vitest';
import { SesMailer } from '../../functions/adapters/ses';
import { MailSendError } from '../../functions/domain/notification';

describe('SesMailer serialisation', () => {
  it('classifies a body the SDK cannot encode (lone surrogate) as rejected, without a request', async () => {
    // Nothing listens on port 9: the SDK fails while encoding, before any connection is tried.
    const client = new SESClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
      endpoint: 'http://127.0.0.1:9',
    });
    const error = await new SesMailer(client)
      .send({ from: 'a@b.example', to: 'c@d.example', subject: 'S', text: 'Ann\ud800', html: '<p>x</p>' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailSendError);
    expect(error).toMatchObject({ kind: 'rejected', code: 'SerializationError' });
    client.destroy();
  });
});
