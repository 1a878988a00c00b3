/**
 * What must outlive any deployment: the four tables (built from functions/adapters/dynamodb/tables.ts,
 * never restated here) and the API token secret. Everything is retained when the stack or a resource
 * is deleted, tables refuse deletion outright and keep 35 days of point-in-time recovery.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type ITable,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { type KeyDef, type TableDef, type TableKey, tableDefs } from '../functions/adapters/dynamodb/tables';
import { SenderIdentity, type SenderIdentityProps } from './sender-identity';

const attribute = (k: KeyDef) => ({
  name: k.name,
  type: k.type === 'N' ? AttributeType.NUMBER : AttributeType.STRING,
});

export function buildTable(scope: Construct, def: TableDef): Table {
  const table = new Table(scope, def.id, {
    partitionKey: attribute(def.partitionKey),
    sortKey: def.sortKey ? attribute(def.sortKey) : undefined,
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: def.ttlAttribute,
  });
  for (const index of def.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: attribute(index.partitionKey),
      sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
      projectionType: index.projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
    });
  }
  return table;
}

export interface StatefulStackProps extends StackProps {
  /** The sender domain's SES identity; omitted when the domain is verified outside this app. */
  sender?: SenderIdentityProps;
}

export class StatefulStack extends Stack {
  readonly tables: Record<TableKey, ITable>;
  /** `{"app": [...], "publisher": [...]}` bearer tokens, read by the authorizer (see docs/DEPLOY.md). */
  readonly apiTokens: Secret;
  readonly sender: SenderIdentity | undefined;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);
    const tables = {} as Record<TableKey, ITable>;
    for (const key of Object.keys(tableDefs) as TableKey[]) tables[key] = buildTable(this, tableDefs[key]);
    this.tables = tables;

    // CloudFormation can generate one random value per secret: the publisher's first token, so staff can
    // publish right after deploying. App tokens are added per client app (docs/DEPLOY.md), which also
    // lets each app's token be revoked on its own.
    this.apiTokens = new Secret(this, 'ApiTokens', {
      description: 'Bearer tokens of the policy-notify API: {"app": [...], "publisher": [...]}',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ app: [] }),
        generateStringKey: 'publisher',
        passwordLength: 48,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.apiTokens).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret holds bearer tokens handed to client apps and staff out of band; a rotation Lambda cannot ' +
        'reach those clients. Rotation is the documented overlap procedure in docs/DEPLOY.md (add the new token ' +
        'to the array, move clients, remove the old one), which the authorizer supports by accepting several tokens.',
    });
    this.sender = props.sender ? new SenderIdentity(this, 'Sender', props.sender) : undefined;

    new CfnOutput(this, 'ApiTokensSecretArn', {
      value: this.apiTokens.secretArn,
      description: 'Secret with the API bearer tokens (docs/DEPLOY.md: reading and rotating tokens)',
    });
  }
}
