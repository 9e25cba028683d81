import { Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import { Grant, type Grantee } from "@serverless-spacy/shared";
import { API_ROUTES, granteeKey, skipCheckov } from "@serverless-spacy/shared/internal";
import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Authorizer } from "@cdktf/provider-aws/lib/apigatewayv2-authorizer";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { API_AUTH_MODES, ApiAuthMode, ROUTE_AUTHORIZATION_TYPES, type JwtAuthorizerProps } from "./api-auth";
import { HTTP_API_MAX_INTEGRATION_TIMEOUT } from "./lambda-limits";
import { ApiAlarms } from "./api-alarms";
import type { ApiAlarmsProps } from "./function-alarms";
import { LOG_RETENTION_DAYS } from "./log-retention";
import { assertAtLeast, assertMatches, assertOneOf, invalid } from "@serverless-spacy/shared/internal";

/**
 * The routes of one model the Python handler dispatches on; they must equal `API_ROUTES` in
 * `@serverless-spacy/shared`. The default model answers them as they are, every model under
 * `/models/<name>`. Keys are the construct ids of the route and its invoke permission.
 */
export const NER_ROUTES = {
  entities: { method: "POST", path: API_ROUTES.entities },
  analyze: { method: "POST", path: API_ROUTES.analyze },
  health: { method: "GET", path: API_ROUTES.health },
} as const;

/** `GET /models`, answered by a ModelCatalog. */
export const CATALOG_ROUTE = { method: "GET", path: API_ROUTES.models } as const;

/**
 * JSON access log line: one object per request. API Gateway pastes `$context` values into the template
 * without escaping them, so a value containing `"` or `\` breaks the line's JSON (or forges fields). Only
 * variables whose values API Gateway draws from a closed alphabet are used: ids, the source IP, the time,
 * the method token, the route key of a configured route, status codes, numbers, the signer's IAM ARN and
 * account. Caller-controlled text is left out: the user agent, JWT claims (the issuer's strings), and the
 * error messages (IAM auth errors quote the caller's headers). Why a 5xx happened is found through
 * `lambdaRequestId`, the function's own request id in its log group.
 */
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
  // The function's answer as Lambda reported it (200 unless the invocation itself failed) and its request id.
  integrationStatus: "$context.integration.integrationStatus",
  lambdaRequestId: "$context.integration.requestId",
  // Who called under auth "iam": the SigV4 signer's IAM user or role ARN and account (IAM names hold no quotes).
  callerArn: "$context.identity.userArn",
  callerAccount: "$context.identity.accountId",
});

/** The settings of an API, defaults applied, as SpacyHttpApi and SpacyFunction's `api` take them. */
export interface ApiSettings {
  readonly auth: ApiAuthMode;
  readonly throttlingBurstLimit: number;
  readonly throttlingRateLimit: number;
  readonly accessLogRetentionDays: number;
}

/** Checks an API's settings; `prefix` is how the caller's props name them ("api." in SpacyFunction). */
export function validateApiSettings(
  path: string,
  prefix: string,
  settings: ApiSettings,
  jwt: JwtAuthorizerProps | undefined,
): void {
  assertOneOf(path, `${prefix}auth`, settings.auth, API_AUTH_MODES);
  if (settings.auth === ApiAuthMode.JWT && jwt === undefined) {
    invalid(path, `${prefix}jwt`, `set (issuer and audience) when ${prefix}auth is "jwt"`, jwt);
  }
  if (settings.auth !== ApiAuthMode.JWT && jwt !== undefined) {
    invalid(path, `${prefix}auth`, `"jwt" when ${prefix}jwt is set (only the JWT authorizer reads it)`, settings.auth);
  }
  if (jwt) {
    assertMatches(path, `${prefix}jwt.issuer`, jwt.issuer, /^https:\/\/[^\s]+$/, "an https URL");
    if (jwt.audience.length === 0 || jwt.audience.some((a) => a.length === 0)) {
      invalid(path, `${prefix}jwt.audience`, "a non-empty list of non-empty client ids", jwt.audience);
    }
  }
  assertAtLeast(path, `${prefix}throttlingBurstLimit`, settings.throttlingBurstLimit, 0, true);
  assertAtLeast(path, `${prefix}throttlingRateLimit`, settings.throttlingRateLimit, 0, false);
  assertOneOf(
    path,
    `${prefix}accessLogRetentionDays`,
    settings.accessLogRetentionDays,
    LOG_RETENTION_DAYS as readonly number[],
  );
}

/** A function an API integrates: a model's SpacyFunction, or the ModelCatalog behind `GET /models`. */
export interface IApiIntegrationTarget {
  /** Invoke ARN of the function or alias the API integrates. */
  readonly invokeArn: string;
  /** Name of the function, for the invoke permissions. */
  readonly functionName: string;
  /** Alias the API integrates, for the invoke permissions. @default the unqualified function */
  readonly qualifier?: string;
  /** Timeout of the function, in seconds: the integration waits as long (at most API Gateway's 30 s). */
  readonly timeoutSeconds: number;
}

/** What an API integrates to serve a model's routes: a SpacyFunction. */
export interface ISpacyApiTarget extends IApiIntegrationTarget {
  /** Name of the model, the `<name>` of its `/models/<name>/…` routes. */
  readonly modelName: string;
}

/** How a model joins an API. */
export interface AddModelOptions {
  /** Also serve the bare routes (`POST /entities`, …): the environment's default model. @default false */
  readonly default?: boolean;
  /** Serve the `/models/<name>/…` routes; false only for an API of one model that has no catalog. @default true */
  readonly modelRoutes?: boolean;
}

/** Settings of a SpacyHttpApi. */
export interface SpacyHttpApiProps {
  /** Name of the API; also names its access log group, authorizer and alarms. */
  readonly name: string;
  /**
   * Who may call the API: SigV4-signed IAM principals, bearer tokens of an OIDC issuer, or anyone.
   * @default ApiAuthMode.IAM
   */
  readonly auth?: ApiAuthMode;
  /** JWT authorizer settings; required with, and only with, auth `ApiAuthMode.JWT`. @default none */
  readonly jwt?: JwtAuthorizerProps;
  /** Stage-wide burst limit, in requests. @default 50 */
  readonly throttlingBurstLimit?: number;
  /** Stage-wide steady-state limit, in requests per second. @default 100 */
  readonly throttlingRateLimit?: number;
  /** Retention of the access log group, in days (one of CloudWatch Logs' periods). @default 30 */
  readonly accessLogRetentionDays?: number;
  /** Alarms on the API's 5xx count and 4xx rate. @default none */
  readonly alarms?: ApiAlarmsProps;
  /** Tags added to every resource. @default none */
  readonly tags?: Record<string, string>;
}

/**
 * An HTTP API in front of one or more spaCy models: each model's function answers `/models/<name>/entities`,
 * `/analyze` and `/health`, the default model also the bare routes, and a ModelCatalog `GET /models`. Every
 * route has its own integration permission, so adding a model adds resources and changes none of another's.
 */
export class SpacyHttpApi extends Construct {
  /** Where a model's routes live in an API serving several: `/models/<name>`. */
  public static modelRoutePrefix(modelName: string): string {
    return `${API_ROUTES.models}/${modelName}`;
  }

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
  /** Who may call the API. */
  public readonly auth: ApiAuthMode;
  /** Names of the alarms created (empty without `alarms`). */
  public readonly alarmNames: string[] = [];
  /** Names of the models added, in order. */
  public readonly modelNames: string[] = [];

  private readonly props: SpacyHttpApiProps;
  private defaultModelName?: string;
  private readonly authorizer?: Apigatewayv2Authorizer;
  /** `<METHOD> <path>` of every route, for the invoke grants (resolved at synth, after every addModel). */
  private readonly routeKeys: string[] = [];

  constructor(scope: Construct, id: string, props: SpacyHttpApiProps) {
    super(scope, id);
    this.props = props;
    this.auth = props.auth ?? ApiAuthMode.IAM;
    const settings: ApiSettings = {
      auth: this.auth,
      throttlingBurstLimit: props.throttlingBurstLimit ?? 50,
      throttlingRateLimit: props.throttlingRateLimit ?? 100,
      accessLogRetentionDays: props.accessLogRetentionDays ?? 30,
    };
    validateApiSettings(this.node.path, "", settings, props.jwt);
    const tags = props.tags ?? {};

    const api = new Apigatewayv2Api(this, "api", {
      name: props.name,
      protocolType: "HTTP",
      description: "spaCy named-entity recognition",
      tags,
    });
    this.authorizer =
      this.auth === ApiAuthMode.JWT && props.jwt
        ? new Apigatewayv2Authorizer(this, "jwt-authorizer", {
            apiId: api.id,
            name: `${props.name}-jwt`,
            authorizerType: "JWT",
            identitySources: ["$request.header.Authorization"],
            jwtConfiguration: { issuer: props.jwt.issuer, audience: props.jwt.audience },
          })
        : undefined;

    const accessLogs = new CloudwatchLogGroup(this, "access-logs", {
      name: `/aws/apigateway/${props.name}/access`,
      retentionInDays: settings.accessLogRetentionDays,
      tags,
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
        throttlingBurstLimit: settings.throttlingBurstLimit,
        throttlingRateLimit: settings.throttlingRateLimit,
      },
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      tags,
    });

    this.apiId = api.id;
    this.apiUrl = stage.invokeUrl;
    this.executionArn = api.executionArn;
    this.stageName = stage.name;
    this.accessLogGroupName = accessLogs.name;

    if (props.alarms) {
      const alarms = new ApiAlarms(this, "alarms", {
        ...props.alarms,
        name: props.name,
        apiId: api.id,
        stageName: stage.name,
        tags,
      });
      this.alarmNames.push(...alarms.alarmNames);
    }
  }

  /** Name of the default model (the one serving the bare routes); undefined until one is added. */
  public get defaultModel(): string | undefined {
    return this.defaultModelName;
  }

  /**
   * Serve a model's routes (`/models/<name>/entities`, `/analyze`, `/health`) and, with `default`, the bare
   * ones. Resources are keyed by the model's name, so one model's routes never move when another is added.
   */
  public addModel(target: ISpacyApiTarget, options: AddModelOptions = {}): void {
    const path = this.node.path;
    const name = target.modelName;
    assertMatches(path, "addModel: modelName", name, /^[A-Za-z0-9_.-]+$/, "a model name");
    if (this.modelNames.includes(name)) {
      invalid(path, "addModel: modelName", "a model this API does not serve yet", name);
    }
    if (options.default && this.defaultModelName !== undefined) {
      invalid(
        path,
        "addModel: options.default",
        `false: "${this.defaultModelName}" is already the default model`,
        true,
      );
    }
    if (options.modelRoutes === false && !options.default) {
      invalid(
        path,
        "addModel: options.modelRoutes",
        "true unless options.default is (the model would have no routes)",
        false,
      );
    }
    this.modelNames.push(name);
    const integration = this.integration(`model-${name}`, target);
    if (options.modelRoutes ?? true) {
      for (const [key, route] of Object.entries(NER_ROUTES)) {
        const routePath = `${SpacyHttpApi.modelRoutePrefix(name)}${route.path}`;
        this.route(`${name}-${key}`, route.method, routePath, integration, target);
      }
    }
    if (options.default) {
      this.defaultModelName = name;
      // Ids without the model's name: switching the default moves these routes, and only these.
      for (const [key, route] of Object.entries(NER_ROUTES)) {
        this.route(key, route.method, route.path, integration, target);
      }
    }
  }

  /** Serve `GET /models` from a catalog function (its invoke target). */
  public addCatalog(catalog: IApiIntegrationTarget): void {
    if (this.node.tryFindChild("catalog-route")) {
      throw new Error(`${this.node.path}: addCatalog: this API already has a catalog`);
    }
    const integration = this.integration("catalog", catalog);
    this.route("catalog", CATALOG_ROUTE.method, CATALOG_ROUTE.path, integration, catalog);
  }

  /**
   * Let a role call every route of this API under IAM auth (execute-api:Invoke on each route, models added
   * later included). The policy is named after the grantee, so granting or revoking another caller leaves it
   * alone. Returns the grant (the policy), to depend on.
   */
  public grantInvoke(grantee: Grantee): Grant {
    if (this.auth !== ApiAuthMode.IAM) {
      invalid(this.node.path, "auth", '"iam" for grantInvoke (callers sign requests with SigV4)', this.auth);
    }
    const id = `invoke-${granteeKey(this, grantee.roleName)}`;
    const existing = this.node.tryFindChild(id) as IamRolePolicy | undefined;
    if (existing) {
      return new Grant(grantee, [existing]);
    }
    const policy = Lazy.stringValue({
      produce: () => {
        const routes = this.routeKeys.map((key) => {
          const [method, path] = key.split(" ");
          return `${this.executionArn}/*/${method}${path}`;
        });
        return JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "InvokeSpacyApi", Effect: "Allow", Action: "execute-api:Invoke", Resource: routes }],
        });
      },
    });
    const created = new IamRolePolicy(this, id, {
      name: `invoke-${Token.isUnresolved(this.props.name) ? "api" : this.props.name}`,
      role: grantee.roleName,
      policy,
    });
    return new Grant(grantee, [created]);
  }

  private integration(id: string, target: IApiIntegrationTarget): Apigatewayv2Integration {
    return new Apigatewayv2Integration(this, `${id}-integration`, {
      apiId: this.apiId,
      integrationType: "AWS_PROXY",
      integrationMethod: "POST",
      integrationUri: target.invokeArn,
      payloadFormatVersion: "2.0",
      timeoutMilliseconds: Math.min(target.timeoutSeconds, HTTP_API_MAX_INTEGRATION_TIMEOUT) * 1000,
    });
  }

  private route(
    id: string,
    method: string,
    path: string,
    integration: Apigatewayv2Integration,
    target: IApiIntegrationTarget,
  ): void {
    const apiRoute = new Apigatewayv2Route(this, `${id}-route`, {
      apiId: this.apiId,
      routeKey: `${method} ${path}`,
      target: `integrations/${integration.id}`,
      authorizationType: ROUTE_AUTHORIZATION_TYPES[this.auth],
      authorizerId: this.authorizer?.id,
    });
    this.routeKeys.push(`${method} ${path}`);
    if (this.auth === ApiAuthMode.NONE) {
      skipCheckov(
        apiRoute,
        "CKV_AWS_309",
        'The environment\'s config chose api.auth "none" (the config refuses it for prod); with "iam" or "jwt" ' +
          "every route is authorized.",
      );
    }
    // Scoped to the route, so adding routes to this API later grants them nothing.
    new LambdaPermission(this, `${id}-permission`, {
      statementId: `AllowHttpApi-${id}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 100),
      action: "lambda:InvokeFunction",
      principal: "apigateway.amazonaws.com",
      functionName: target.functionName,
      qualifier: target.qualifier,
      sourceArn: `${this.executionArn}/*/${method}${path}`,
    });
  }
}
