/** Who may call the HTTP API. */
export enum ApiAuthMode {
  /** Anyone who knows the URL; for throwaway dev environments only. */
  NONE = "none",
  /** Callers sign requests with SigV4 and need `execute-api:Invoke` on the route (the secure default). */
  IAM = "iam",
  /** Callers send a bearer token from an OIDC issuer, checked by an API Gateway JWT authorizer. */
  JWT = "jwt",
}

/** Every {@link ApiAuthMode}, in the order messages list them. */
export const API_AUTH_MODES: readonly ApiAuthMode[] = Object.values(ApiAuthMode);

/** The API Gateway route authorization type each mode maps to. */
export const ROUTE_AUTHORIZATION_TYPES: Record<ApiAuthMode, string> = {
  [ApiAuthMode.NONE]: "NONE",
  [ApiAuthMode.IAM]: "AWS_IAM",
  [ApiAuthMode.JWT]: "JWT",
};

/** Settings of the JWT authorizer used when auth is `ApiAuthMode.JWT`. */
export interface JwtAuthorizerProps {
  /** Issuer URL the tokens' `iss` claim must equal (https), e.g. a Cognito user pool URL. */
  readonly issuer: string;
  /** Accepted values of the tokens' `aud` claim (client ids); at least one. */
  readonly audience: string[];
}
