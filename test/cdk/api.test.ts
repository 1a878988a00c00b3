import { describe, expect, it } from 'vitest';
import { type Route, routeKey, routes } from '../../functions/http/routes';
import { type Cfn, logicalId, resourcesOf, testApp, testConfig } from './support';

const { stateless, statelessTemplate: template } = testApp();
const resources = template.toJSON().Resources as Record<string, Cfn>;
const apiRoutes = resourcesOf(template, 'AWS::ApiGatewayV2::Route');
const routeByKey = new Map(apiRoutes.map(([, r]) => [r.Properties.RouteKey as string, r]));
const authorizers = resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer');

/** The function logical id a route's integration invokes. */
function targetFunction(route: Cfn): string {
  const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref as string;
  return resources[integrationId].Properties.IntegrationUri['Fn::GetAtt'][0];
}

describe('HTTP API built from the route table', () => {
  it('has an API Gateway route for every route in the table, and only the $default fallback besides', () => {
    for (const route of routes) expect(routeByKey.has(routeKey(route)), routeKey(route)).toBe(true);
    expect([...routeByKey.keys()].sort()).toEqual([...routes.map(routeKey), '$default'].sort());
  });

  it('puts the Lambda authorizer on every non-public route and none on public routes', () => {
    const [authorizerId] = authorizers[0]!;
    for (const route of routes) {
      const props = routeByKey.get(routeKey(route)).Properties;
      if (route.role === 'public') {
        expect(props.AuthorizationType, routeKey(route)).toBe('NONE');
        expect(props.AuthorizerId, routeKey(route)).toBeUndefined();
      } else {
        expect(props.AuthorizationType, routeKey(route)).toBe('CUSTOM');
        expect(props.AuthorizerId, routeKey(route)).toEqual({ Ref: authorizerId });
      }
    }
  });

  it('routes each request to the function its fn names', () => {
    for (const route of routes) {
      const expected = logicalId(stateless.functions.get(route.fn)!.function);
      expect(targetFunction(routeByKey.get(routeKey(route))), routeKey(route)).toBe(expected);
    }
  });

  it('sends unmatched paths to the read function, without an authorizer, for the JSON 404', () => {
    const fallback = routeByKey.get('$default');
    expect(fallback.Properties.AuthorizationType).toBe('NONE');
    expect(targetFunction(fallback)).toBe(logicalId(stateless.functions.get('read')!.function));
  });

  it('uses one REQUEST authorizer with simple responses, cached 300 s per Authorization header', () => {
    expect(authorizers).toHaveLength(1);
    const props = authorizers[0]![1].Properties;
    expect(props).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 300,
      IdentitySource: ['$request.header.Authorization'],
    });
    expect(props.AuthorizerUri['Fn::Join'][1]).toContainEqual({
      'Fn::GetAtt': [logicalId(stateless.functions.get('authorizer')!.function), 'Arn'],
    });
  });

  it('takes the authorizer cache TTL from authorizerCacheTtlSeconds, and 0 runs it on every request', () => {
    const ttl = (context: Record<string, unknown>) =>
      resourcesOf(
        testApp({ ...testConfig, ...context }).statelessTemplate,
        'AWS::ApiGatewayV2::Authorizer',
      )[0]![1].Properties;
    expect(ttl({ authorizerCacheTtlSeconds: '60' })).toMatchObject({
      AuthorizerResultTtlInSeconds: 60,
      IdentitySource: ['$request.header.Authorization'],
    });
    expect(ttl({ authorizerCacheTtlSeconds: '0' })).toMatchObject({
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: [],
    });
  });

  it('writes access logs to a log group under /aws/vendedlogs/', () => {
    const [, stage] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage')[0]!;
    const groupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
    expect(resources[groupId].Properties.LogGroupName).toBe(
      '/aws/vendedlogs/apigateway/PolicyNotify-test-Stateless/access',
    );
  });

  it('logs access as JSON without headers and throttles the stage', () => {
    const [, stage] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.AutoDeploy).toBe(true);
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    expect(stage.Properties.AccessLogSettings.Format).not.toMatch(/header|body/i);
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 100,
      ThrottlingBurstLimit: 200,
    });
  });

  it('fails synth naming the function when the route table has an fn without grants', () => {
    const withConsole: Route[] = [
      ...(routes as readonly Route[]),
      {
        method: 'GET',
        path: '/console/campaigns',
        role: 'publisher',
        fn: 'console' as Route['fn'],
        op: 'x' as never,
      },
    ];
    expect(() => testApp(testConfig, { nag: false, routes: withConsole })).toThrow(
      /route table names function "console" \(GET \/console\/campaigns\).*add "console" to functionNeeds \(functions\/composition\/needs.ts\)/,
    );
  });
});
