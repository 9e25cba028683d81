import { Construct } from "constructs";
import { API_ROUTES, skipCheckov } from "@serverless-spacy/shared";
import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Authorizer } from "@cdktf/provider-aws/lib/apigatewayv2-authorizer";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { ROUTE_AUTHORIZATION_TYPES, type ApiAuthMode, type JwtAuthorizerProps } from "./api-auth";

/**
 * The routes the Python handler dispatches on; they must equal `API_ROUTES` in `@serverless-spacy/shared`.
 * Keys are the construct ids of the route and its invoke permission.
 */
export const NER_ROUTES = {
  entities: { method: "POST", path: API_ROUTES.entities },
  analyze: { method: "POST", path: API_ROUTES.analyze },
  health: { method: "GET", path: API_ROUTES.health },
} as const;

/** JSON access log line: one object per request, fields named as in API Gateway's examples. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  routeKey: "$context.routeKey",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  integrationLatency: "$context.integrationLatency",
  // Why a 5xx happened (e.g. the function timed out) is only visible here.
  integrationError: "$context.integrationErrorMessage",
  // Who called: the SigV4 signer's IAM user or role ARN (auth "iam") or the token's subject (auth "jwt");
  // both stay empty for an open API, where the source IP and user agent are all there is.
  callerArn: "$context.identity.userArn",
  callerAccount: "$context.identity.accountId",
  jwtSubject: "$context.authorizer.claims.sub",
  userAgent: "$context.identity.userAgent",
  // Why API Gateway itself answered an error (auth rejected, throttled, route not found).
  error: "$context.error.message",
  authorizerError: "$context.authorizer.error",
});

/** Settings of the HTTP API, as resolved by SpacyFunction (every default already applied). */
export interface NerHttpApiProps {
  /** Name of the API; also names its access log group and authorizer. */
  readonly name: string;
  /** Invoke ARN of the function or alias the API integrates. */
  readonly invokeArn: string;
  /** Name of the function, for the invoke permissions. */
  readonly functionName: string;
  /** Alias the API integrates, for the invoke permissions. @default the unqualified function */
  readonly qualifier?: string;
  /** Who may call the API. */
  readonly auth: ApiAuthMode;
  /** JWT authorizer settings; present exactly when auth is "jwt". @default none */
  readonly jwt?: JwtAuthorizerProps;
  /** Stage-wide burst limit, in requests. */
  readonly throttlingBurstLimit: number;
  /** Stage-wide steady-state limit, in requests per second. */
  readonly throttlingRateLimit: number;
  /** Retention of the access log group, in days. */
  readonly accessLogRetentionDays: number;
  /** Longest the API waits for the function, in milliseconds (API Gateway caps it at 30000). */
  readonly integrationTimeoutMs: number;
  /** Tags added to every resource. */
  readonly tags: Record<string, string>;
}

/** An HTTP API with `POST /entities` and `GET /health` proxied to the NER function. */
export class NerHttpApi extends Construct {
  /** ID of the API. */
  public readonly apiId: string;
  /** Invoke URL of the `$default` stage. */
  public readonly apiUrl: string;
  /** Execution ARN of the API, the prefix of every route's `execute-api:Invoke` resource. */
  public readonly executionArn: string;
  /** Name of the stage. */
  public readonly stageName: string;
  /** Name of the access log group. */
  public readonly accessLogGroupName: string;

  constructor(scope: Construct, id: string, props: NerHttpApiProps) {
    super(scope, id);

    const api = new Apigatewayv2Api(this, "api", {
      name: props.name,
      protocolType: "HTTP",
      description: "spaCy named-entity recognition",
      tags: props.tags,
    });

    const integration = new Apigatewayv2Integration(this, "integration", {
      apiId: api.id,
      integrationType: "AWS_PROXY",
      integrationMethod: "POST",
      integrationUri: props.invokeArn,
      payloadFormatVersion: "2.0",
      timeoutMilliseconds: props.integrationTimeoutMs,
    });

    const authorizer =
      props.auth === "jwt" && props.jwt
        ? new Apigatewayv2Authorizer(this, "jwt-authorizer", {
            apiId: api.id,
            name: `${props.name}-jwt`,
            authorizerType: "JWT",
            identitySources: ["$request.header.Authorization"],
            jwtConfiguration: { issuer: props.jwt.issuer, audience: props.jwt.audience },
          })
        : undefined;

    for (const [key, route] of Object.entries(NER_ROUTES)) {
      const apiRoute = new Apigatewayv2Route(this, `${key}-route`, {
        apiId: api.id,
        routeKey: `${route.method} ${route.path}`,
        target: `integrations/${integration.id}`,
        authorizationType: ROUTE_AUTHORIZATION_TYPES[props.auth],
        authorizerId: authorizer?.id,
      });
      if (props.auth === "none") {
        skipCheckov(
          apiRoute,
          "CKV_AWS_309",
          'The environment\'s config chose api.auth "none" (the config refuses it for prod); with "iam" or "jwt" ' +
            "every route is authorized.",
        );
      }
      // Scoped to the route, so adding routes to this API later grants them nothing.
      new LambdaPermission(this, `${key}-permission`, {
        statementId: `AllowHttpApi${key[0].toUpperCase()}${key.slice(1)}`,
        action: "lambda:InvokeFunction",
        principal: "apigateway.amazonaws.com",
        functionName: props.functionName,
        qualifier: props.qualifier,
        sourceArn: `${api.executionArn}/*/${route.method}${route.path}`,
      });
    }

    const accessLogs = new CloudwatchLogGroup(this, "access-logs", {
      name: `/aws/apigateway/${props.name}/access`,
      retentionInDays: props.accessLogRetentionDays,
      tags: props.tags,
    });
    skipCheckov(accessLogs, "CKV_AWS_158");
    skipCheckov(
      accessLogs,
      "CKV_AWS_338",
      "Retention is a per-environment choice (the function's logRetentionDays): access logs record caller IPs, " +
        "kept only as long as operating the API needs.",
    );

    const stage = new Apigatewayv2Stage(this, "stage", {
      apiId: api.id,
      name: "$default",
      autoDeploy: true,
      defaultRouteSettings: {
        throttlingBurstLimit: props.throttlingBurstLimit,
        throttlingRateLimit: props.throttlingRateLimit,
      },
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      tags: props.tags,
    });

    this.apiId = api.id;
    this.apiUrl = stage.invokeUrl;
    this.executionArn = api.executionArn;
    this.stageName = stage.name;
    this.accessLogGroupName = accessLogs.name;
  }
}
