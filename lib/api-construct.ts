/**
 * The HTTP API, built from the route table: one API Gateway route per table row, each integrated with
 * the function its `fn` names, and every non-public route behind the Lambda REQUEST authorizer.
 *
 * How API.md's 401/403 contract stays exact: the authorizer has no identity source and no result
 * cache, so API Gateway invokes it for every request to a protected route, header or not (the
 * apigatewayv2 CreateAuthorizer reference: identity source is optional for REQUEST authorizers and,
 * when given, a request missing it gets API Gateway's own 401 without the function running). It always
 * answers `isAuthorized: true` with `context.role` = the token's role, or `none`. The handler then
 * answers 401 UNAUTHENTICATED or 403 FORBIDDEN in our JSON error format (functions/http/api.ts).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
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
}

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

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
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
      // No identity source and no cache: see the module comment.
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
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

  /** The API's base URL (the $default stage serves it at the root). */
  get url(): string {
    return this.stage.url;
  }
}
