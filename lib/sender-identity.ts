/**
 * The sender domain as an SES identity with Easy DKIM and an optional custom MAIL FROM domain. It lives
 * in the stateful stack: deleting and recreating an identity issues new DKIM tokens, so the DNS records
 * would have to change with every redeploy of the functions.
 *
 * With a Route 53 hosted zone for the domain the DKIM CNAMEs and the MAIL FROM MX/SPF records are
 * created in it; without one they are stack outputs, to be added to DNS by hand (docs/DEPLOY.md).
 */
import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IPublicHostedZone, PublicHostedZone } from 'aws-cdk-lib/aws-route53';
import {
  DkimIdentity,
  EasyDkimSigningKeyLength,
  EmailIdentity,
  Identity,
  MailFromBehaviorOnMxFailure,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface SenderIdentityProps {
  /** The sender's domain, e.g. `example.com`. */
  domain: string;
  mailFromDomain?: string;
  hostedZoneId?: string;
  /** DMARC reports go here (the recommended record is an output). */
  reportEmail: string;
}

/** The hosted zone of a domain, when its id is configured. */
export const hostedZoneOf = (scope: Construct, zoneName: string, hostedZoneId?: string) =>
  hostedZoneId
    ? PublicHostedZone.fromPublicHostedZoneAttributes(scope, 'SenderZone', { hostedZoneId, zoneName })
    : undefined;

export class SenderIdentity extends Construct {
  readonly identity: EmailIdentity;
  readonly zone: IPublicHostedZone | undefined;

  constructor(scope: Construct, id: string, props: SenderIdentityProps) {
    super(scope, id);
    this.zone = hostedZoneOf(this, props.domain, props.hostedZoneId);
    this.identity = new EmailIdentity(this, 'Domain', {
      identity: this.zone ? Identity.publicHostedZone(this.zone) : Identity.domain(props.domain),
      dkimSigning: true,
      dkimIdentity: DkimIdentity.easyDkim(EasyDkimSigningKeyLength.RSA_2048_BIT),
      mailFromDomain: props.mailFromDomain,
      // A missing MX must not stop sending: SES falls back to its own MAIL FROM (SPF then not aligned).
      mailFromBehaviorOnMxFailure: props.mailFromDomain
        ? MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE
        : undefined,
    });
    this.identity.applyRemovalPolicy(RemovalPolicy.RETAIN);

    if (!this.zone) {
      this.identity.dkimRecords.forEach((record, i) => {
        new CfnOutput(this, `DkimRecord${i + 1}`, {
          value: `${record.name} CNAME ${record.value}`,
          description: `DNS record ${i + 1} of 3 for Easy DKIM of ${props.domain} (add it, then SES verifies the domain)`,
        });
      });
      if (props.mailFromDomain) {
        const region = Stack.of(this).region;
        new CfnOutput(this, 'MailFromMxRecord', {
          value: `${props.mailFromDomain} MX 10 feedback-smtp.${region}.amazonses.com`,
          description: 'DNS MX record of the custom MAIL FROM domain',
        });
        new CfnOutput(this, 'MailFromSpfRecord', {
          value: `${props.mailFromDomain} TXT "v=spf1 include:amazonses.com ~all"`,
          description: 'DNS SPF record of the custom MAIL FROM domain',
        });
      }
    }
    new CfnOutput(this, 'DmarcRecord', {
      value: `_dmarc.${props.domain} TXT "v=DMARC1; p=quarantine; rua=mailto:${props.reportEmail}"`,
      description: 'Recommended DMARC record (not created: a domain usually has one policy for all its mail)',
    });
  }
}
