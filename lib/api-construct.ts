/**
 * The HTTP API, built from the route table: one API Gateway route per table row, each integrated with
 * the function its `fn` names, and every non-public route behind the Lambda REQUEST authorizer.
 *
 * The authorizer's answer is cached per token: its identity source is the Authorization header and API
 * Gateway keeps the result `authorizerCacheTtl` (default 300 s), so a client's requests within that
 * window cost no authorizer invocation. The answer is route-independent (`isAuthorized: true` with
 * `context.role` = the token's role, or `none`), so one cached answer serves every route; the API function
 * then answers 401 UNAUTHENTICATED or 403 FORBIDDEN in our JSON error format (functions/http/api.ts). A
 * request with no Authorization header at all gets API Gateway's own 401 `{"message":"Unauthorized"}`
 * without the function running (the apigatewayv2 CreateAuthorizer reference). With a TTL of 0 the
 * authorizer has no identity source and runs on every request, header or not (docs/DEPLOY.md).
 */
import { CfnOutput, type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ARecord, type IHostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayv2DomainProperties } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { Route } from '../functions/http/routes';
import type { PolicyFunction } from './policy-function';

export interface PolicyApiProps {
  routes: readonly Route[];
  /** API function per route-table `fn`. */
  functions: ReadonlyMap<string, PolicyFunction>;
  authorizer: PolicyFunction;
  logRetention: RetentionDays;
  rateLimit: number;
  burstLimit: number;
  /** How long API Gateway caches the authorizer's answer per Authorization header; 0 turns it off. */
  authorizerCacheTtl: Duration;
  /** Serve the API on this domain (the public base URL) instead of the execute-api host. */
  customDomain?: { domainName: string; certificateArn?: string; zone?: IHostedZone };
}

/** Where API Gateway writes access logs: the prefix keeps the account's log resource policy small. */
export const accessLogGroupName = (stackName: string) => `/aws/vendedlogs/apigateway/${stackName}/access`;

/** API Gateway access log fields: who called what and how it went; never headers or bodies. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  role: '$context.authorizer.role',
});

export class PolicyApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly routes: HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: PolicyApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: `Policy versioning and change notification API (${Stack.of(this).stackName})`,
      createDefaultStage: false,
    });

    // Under /aws/vendedlogs/ API Gateway needs no per-log-group entry in the account's CloudWatch Logs
    // resource policy, whose 5,120-character limit fails stage deployments in busy accounts.
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: accessLogGroupName(Stack.of(this).stackName),
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });

    const authorizer = new HttpLambdaAuthorizer('TokenAuthorizer', props.authorizer.function, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      // Cached per token (see the module comment); without a cache, no identity source either.
      identitySource: props.authorizerCacheTtl.toSeconds() > 0 ? ['$request.header.Authorization'] : [],
      resultsCacheTtl: props.authorizerCacheTtl,
    });

    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationFor = (fn: string) => {
      const fnConstruct = props.functions.get(fn);
      if (!fnConstruct) throw new Error(`no API function "${fn}" was created for the route table`);
      let integration = integrations.get(fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${fn}-integration`, fnConstruct.function);
        integrations.set(fn, integration);
      }
      return integration;
    };

    for (const route of props.routes) {
      const httpRoute = new HttpRoute(this, `Route-${route.op}`, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: integrationFor(route.fn),
        authorizer: route.role === 'public' ? undefined : authorizer,
      });
      if (route.role === 'public') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by the API contract (docs/API.md, role "public" in functions/http/routes.ts).`,
        });
      }
      this.routes.push(httpRoute);
    }

    // Requests outside the route table reach the read function, which answers our JSON 404 (or 405 with
    // Allow for a known path under another method) instead of API Gateway's {"message":"Not Found"}. It
    // carries no data: the function finds no route for "$default" and matches the path against the table.
    if (props.customDomain) this.addCustomDomain(props.customDomain);

    const readFn = props.routes.find((r) => r.role === 'public')?.fn;
    if (readFn) {
      const fallback = new HttpRoute(this, 'Route-default', {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.DEFAULT,
        integration: integrationFor(readFn),
      });
      Validations.of(fallback).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The $default route only answers 404 NOT_FOUND / 405 METHOD_NOT_ALLOWED for requests outside the route table; it reads and returns no data.',
      });
    }
  }

  private addCustomDomain(custom: NonNullable<PolicyApiProps['customDomain']>): void {
    const certificate: ICertificate = custom.certificateArn
      ? Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn)
      : new Certificate(this, 'Certificate', {
          domainName: custom.domainName,
          // Without a hosted zone the validation CNAME is shown in the ACM console and the stack waits for it.
          validation: CertificateValidation.fromDns(custom.zone),
        });
    const domain = new DomainName(this, 'CustomDomain', { domainName: custom.domainName, certificate });
    new ApiMapping(this, 'CustomDomainMapping', { api: this.httpApi, domainName: domain, stage: this.stage });
    if (custom.zone && `.${custom.domainName}`.endsWith(`.${custom.zone.zoneName}`)) {
      new ARecord(this, 'CustomDomainRecord', {
        zone: custom.zone,
        recordName: custom.domainName,
        target: RecordTarget.fromAlias(
          new ApiGatewayv2DomainProperties(domain.regionalDomainName, domain.regionalHostedZoneId),
        ),
      });
    } else {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: `${custom.domainName} CNAME ${domain.regionalDomainName}`,
        description: 'DNS record that points the custom domain at the API',
      });
    }
  }

  /** The API's base URL (the $default stage serves it at the root). */
  get url(): string {
    return this.stage.url;
  }
}
