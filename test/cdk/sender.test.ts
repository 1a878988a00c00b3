import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type Cfn, resourcesOf, testApp, testConfig } from './support';

const plain = testApp();
const withZone = testApp({
  ...testConfig,
  mailFromDomain: 'mail.example.com',
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  apiDomainName: 'policies.example.com',
});

const outputs = (t: ReturnType<typeof testApp>['statefulTemplate']) =>
  Object.entries(t.toJSON().Outputs as Record<string, Cfn>);

describe('the sender domain as an SES identity', () => {
  it('creates an email identity for the sender domain with 2048-bit Easy DKIM, retained on delete', () => {
    const identities = resourcesOf(plain.statefulTemplate, 'AWS::SES::EmailIdentity');
    expect(identities).toHaveLength(1);
    const [, identity] = identities[0]!;
    expect(identity.Properties).toMatchObject({
      EmailIdentity: 'example.com',
      DkimAttributes: { SigningEnabled: true },
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
    });
    expect(identity.DeletionPolicy).toBe('Retain');
  });

  it('outputs the three DKIM CNAME records when no hosted zone is given, and creates none', () => {
    const dkim = outputs(plain.statefulTemplate).filter(([k]) => /^SenderDkimRecord[123]/.test(k));
    expect(dkim).toHaveLength(3);
    for (const [, o] of dkim) expect(JSON.stringify(o.Value)).toContain(' CNAME ');
    expect(resourcesOf(plain.statefulTemplate, 'AWS::Route53::RecordSet')).toEqual([]);
  });

  it('creates the DKIM CNAMEs and the MAIL FROM MX and SPF records in the hosted zone when given', () => {
    const records = resourcesOf(withZone.statefulTemplate, 'AWS::Route53::RecordSet').map(
      ([, r]) => r.Properties,
    );
    expect(records.filter((r) => r.Type === 'CNAME')).toHaveLength(3);
    for (const r of records) expect(r.HostedZoneId).toBe('Z0123456789ABCDEFGHIJ');
    expect(records).toContainEqual(expect.objectContaining({ Type: 'MX', Name: 'mail.example.com.' }));
    expect(records).toContainEqual(
      expect.objectContaining({
        Type: 'TXT',
        Name: 'mail.example.com.',
        ResourceRecords: ['"v=spf1 include:amazonses.com ~all"'],
      }),
    );
    expect(outputs(withZone.statefulTemplate).filter(([k]) => /DkimRecord/.test(k))).toEqual([]);
    withZone.statefulTemplate.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.com',
      MailFromAttributes: { MailFromDomain: 'mail.example.com', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
    });
  });

  it('leaves the identity out when manageSenderIdentity is false', () => {
    const external = testApp({ ...testConfig, manageSenderIdentity: 'false' });
    expect(resourcesOf(external.statefulTemplate, 'AWS::SES::EmailIdentity')).toEqual([]);
  });

  it('refuses a MAIL FROM domain outside the sender domain', () => {
    expect(() => testApp({ ...testConfig, mailFromDomain: 'mail.other.org' })).toThrow(
      /mailFromDomain must be a subdomain of the sender domain example\.com/,
    );
  });
});

describe('the public base URL on a custom domain', () => {
  it('serves the API on apiDomainName with a DNS-validated ACM certificate and an alias record', () => {
    const t = withZone.statelessTemplate;
    t.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'policies.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [
        { DomainName: 'policies.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      ],
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'policies.example.com' });
    expect(resourcesOf(t, 'AWS::ApiGatewayV2::ApiMapping')).toHaveLength(1);
    t.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'policies.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
    });
  });

  it('uses a given certificate and outputs the DNS target when there is no hosted zone', () => {
    const arn = 'arn:aws:acm:ap-southeast-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    const t = testApp({
      ...testConfig,
      apiDomainName: 'policies.example.com',
      apiCertificateArn: arn,
    }).statelessTemplate;
    expect(resourcesOf(t, 'AWS::CertificateManager::Certificate')).toEqual([]);
    t.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'policies.example.com',
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: arn })],
    });
    expect(Object.keys(t.toJSON().Outputs).some((k) => k.includes('CustomDomainTarget'))).toBe(true);
  });

  it('has no custom domain unless apiDomainName is set', () => {
    expect(resourcesOf(plain.statelessTemplate, 'AWS::ApiGatewayV2::DomainName')).toEqual([]);
  });

  it('refuses an apiDomainName that is not the public base URL host', () => {
    expect(() => testApp({ ...testConfig, apiDomainName: 'api.example.com' })).toThrow(
      /publicBaseUrl must be https:\/\/api\.example\.com when apiDomainName is set/,
    );
  });
});
