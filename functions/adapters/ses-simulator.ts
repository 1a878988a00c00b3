/**
 * Local stand-in for what SES does after it accepts a message (docs/NOTIFICATIONS.md, local SES events):
 * the emulator only stores mail, so this wraps the local Mailer and, once a send is accepted, publishes
 * the events SES would publish through the configuration set and SNS — to the very `ses-events`
 * handler Lambda runs. Addresses at `simulator.amazonses.com` behave like AWS's mailbox simulator
 * (`bounce@`, `complaint@`, `suppressionlist@`, `success@`, with an optional `+label`); every other
 * address is delivered. Local mode only: in AWS, SES itself publishes these events.
 */
import type { SNSEvent } from 'aws-lambda';
import type { Mailer, OutgoingEmail } from '../ports';

export const SIMULATOR_DOMAIN = 'simulator.amazonses.com';

type Outcome = 'delivery' | 'bounce' | 'complaint' | 'suppressionlist';

/** What SES's mailbox simulator does with an address (any other address is delivered). */
export function simulatorOutcome(address: string): Outcome {
  const [local, domain] = address.trim().toLowerCase().split('@');
  if (domain !== SIMULATOR_DOMAIN || !local) return 'delivery';
  const box = local.split('+')[0];
  if (box === 'bounce') return 'bounce';
  if (box === 'complaint') return 'complaint';
  if (box === 'suppressionlist') return 'suppressionlist';
  return 'delivery';
}

/** The SES events (event-publishing format) that follow an accepted send to `email.to`. */
export function simulatedEvents(
  email: OutgoingEmail,
  messageId: string,
  at: Date,
): Record<string, unknown>[] {
  const timestamp = at.toISOString();
  const mail = {
    timestamp,
    source: email.from,
    messageId,
    destination: [email.to],
    tags: Object.fromEntries(Object.entries(email.tags ?? {}).map(([k, v]) => [k, [v]])),
  };
  const delivery = {
    eventType: 'Delivery',
    mail,
    delivery: { timestamp, recipients: [email.to], processingTimeMillis: 1, smtpResponse: '250 2.6.0 OK' },
  };
  const bounce = (bounceSubType: string, diagnosticCode: string) => ({
    eventType: 'Bounce',
    mail,
    bounce: {
      bounceType: 'Permanent',
      bounceSubType,
      bouncedRecipients: [{ emailAddress: email.to, action: 'failed', status: '5.1.1', diagnosticCode }],
      timestamp,
      feedbackId: `local-${messageId}`,
    },
  });
  switch (simulatorOutcome(email.to)) {
    case 'bounce':
      return [bounce('General', 'smtp; 550 5.1.1 user unknown')];
    case 'suppressionlist':
      return [bounce('OnAccountSuppressionList', 'Amazon SES did not send the message to this address')];
    case 'complaint':
      // The simulator delivers, then the recipient's provider reports a complaint.
      return [
        delivery,
        {
          eventType: 'Complaint',
          mail,
          complaint: {
            complainedRecipients: [{ emailAddress: email.to }],
            timestamp,
            feedbackId: `local-${messageId}`,
            complaintFeedbackType: 'abuse',
          },
        },
      ];
    default:
      return [delivery];
  }
}

export const snsEventOf = (messages: Record<string, unknown>[]): SNSEvent =>
  ({
    Records: messages.map((m, i) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:local:000000000000:ses-events',
      Sns: {
        Type: 'Notification',
        MessageId: `local-${Date.now()}-${i}`,
        TopicArn: 'arn:aws:sns:local:000000000000:ses-events',
        Message: JSON.stringify(m),
        Timestamp: new Date().toISOString(),
      },
    })),
  }) as unknown as SNSEvent;

/**
 * Sends through `inner`, then (a little later, as SES would) hands the events to `publish`. `idle()`
 * resolves once every published event has been handled, so a test can wait for them.
 */
export class SimulatingMailer implements Mailer {
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly inner: Mailer,
    private readonly publish: (event: SNSEvent) => Promise<unknown>,
    private readonly opts: { delayMs?: number; onError?: (e: unknown) => void; now?: () => Date } = {},
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const out = await this.inner.send(email);
    // Stamped when published, after the send returned, as SES's own events are.
    const job = new Promise<void>((resolve) => setTimeout(resolve, this.opts.delayMs ?? 20))
      .then(() =>
        this.publish(
          snsEventOf(simulatedEvents(email, out.messageId, (this.opts.now ?? (() => new Date()))())),
        ),
      )
      .then(
        () => {},
        (e) => this.opts.onError?.(e),
      );
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
    return out;
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
