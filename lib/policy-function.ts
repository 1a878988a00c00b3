/**
 * The one Lambda function construct: fixes the runtime, architecture, bundling, logging and tracing
 * defaults so each function declares only its entry, environment and grants. Every function gets its
 * own role with no managed policies: logs may go only to its own log group, and everything else it may
 * do is added explicitly by the stack.
 */
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { type IPrincipal, type PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  type ILayerVersion,
  LayerVersion,
  LoggingFormat,
  RecursiveLoop,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import {
  bundleOptions,
  NODE_MAJOR,
  POWERTOOLS_VERSION,
  powertoolsLayerParameter,
  SOURCE_MAPS_NODE_OPTIONS,
} from './bundling';

/** Repository root: entries, package-lock.json and tsconfig.json are resolved from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The official Powertools layer of the pinned release, one per stack: its ARN is read at deploy time
 * from the public SSM parameter AWS keeps in every region (a CloudFormation parameter of type
 * AWS::SSM::Parameter::Value<String>). Every function gets it; bundles take Tracer (and the X-Ray SDK) from it.
 */
export function powertoolsLayer(scope: Construct): ILayerVersion {
  const stack = Stack.of(scope);
  const id = 'PowertoolsLayer';
  const existing = stack.node.tryFindChild(id) as ILayerVersion | undefined;
  if (existing) return existing;
  const arn = StringParameter.valueForStringParameter(stack, powertoolsLayerParameter(POWERTOOLS_VERSION));
  return LayerVersion.fromLayerVersionArn(stack, id, arn);
}

const runtimes: Record<number, Runtime> = { 22: Runtime.NODEJS_22_X, 24: Runtime.NODEJS_24_X };

export interface PolicyFunctionProps {
  /** Handler file relative to the repository root, exporting `handler`. */
  entry: string;
  environment?: Record<string, string>;
  timeout: Duration;
  memorySize: number;
  logRetention: RetentionDays;
  description?: string;
  /** Where failed asynchronous invocations (SNS, EventBridge) go after Lambda's retries. */
  deadLetterQueue?: IQueue;
  /** Let a function that re-enqueues to its own queue by design run past Lambda's loop detection. */
  allowRecursiveLoop?: boolean;
  /** Concurrency set aside for (and capped to) this function: a campaign cannot starve the API. */
  reservedConcurrency?: number;
  /** CloudWatch namespace of the business metrics (Powertools Metrics). */
  metricsNamespace: string;
  /** Map stack traces at run time (NODE_OPTIONS=--enable-source-maps), at a cold-start cost. */
  sourceMapsAtRuntime?: boolean;
  /** Shell commands run after esbuild, with the asset's input and output folders (extra files). */
  afterBundling?: (inputDir: string, outputDir: string) => string[];
}

export class PolicyFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PolicyFunctionProps) {
    super(scope, id);
    const runtime = runtimes[NODE_MAJOR];
    if (!runtime)
      throw new Error(`lib/bundling.ts targets Node ${NODE_MAJOR}, which has no Lambda runtime here`);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      // The function is stateless; its logs go with it (the retention period bounds them anyway).
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${Stack.of(this).stackName}/${id}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}${props.entry}`,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      handler: 'handler',
      runtime,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      layers: [powertoolsLayer(this)],
      deadLetterQueue: props.deadLetterQueue,
      reservedConcurrentExecutions: props.reservedConcurrency,
      recursiveLoop: props.allowRecursiveLoop ? RecursiveLoop.ALLOW : RecursiveLoop.TERMINATE,
      environment: {
        ...(props.sourceMapsAtRuntime ? { NODE_OPTIONS: SOURCE_MAPS_NODE_OPTIONS } : {}),
        AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
        // Powertools: every function logs and counts as one service, in the configured namespace.
        POWERTOOLS_SERVICE_NAME: 'policy-notify',
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: bundleOptions.target,
        minify: bundleOptions.minify,
        sourceMap: bundleOptions.sourcemap,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: bundleOptions.sourcesContent,
        mainFields: [...bundleOptions.mainFields],
        banner: bundleOptions.banner,
        externalModules: [...bundleOptions.external],
        tsconfig: `${PROJECT_ROOT}tsconfig.json`,
        // The `charset` bundling prop is not passed to esbuild by aws-cdk-lib 2.276: say it directly, or
        // every non-ASCII character (Vietnamese email text) would be escaped and the bundle grow ~10%.
        ...(props.afterBundling
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: props.afterBundling,
              },
            }
          : {}),
        esbuildArgs: {
          '--charset': bundleOptions.charset,
          '--legal-comments': bundleOptions.legalComments,
          ...Object.fromEntries(
            Object.entries(bundleOptions.alias).map(([from, to]) => [`--alias:${from}`, to]),
          ),
        },
      },
    });

    // Active tracing adds xray:PutTraceSegments / PutTelemetryRecords on "*" to the role.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray statement added by active tracing uses Resource "*": xray:PutTraceSegments and ' +
        'xray:PutTelemetryRecords support no resource-level permissions. Every other statement names its resource.',
    });
  }

  get grantPrincipal(): IPrincipal {
    return this.role;
  }

  addToRolePolicy(statement: PolicyStatement): void {
    this.role.addToPrincipalPolicy(statement);
  }

  addEnvironment(key: string, value: string): void {
    this.function.addEnvironment(key, value);
  }
}
