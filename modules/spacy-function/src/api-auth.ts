/**
 * Who may call the HTTP API.
 * - `iam`: callers sign requests with SigV4 and need `execute-api:Invoke` on the route (the secure default).
 * - `jwt`: callers send a bearer token from an OIDC issuer, checked by an API Gateway JWT authorizer.
 * - `none`: anyone who knows the URL; for throwaway dev environments only.
 */
export const API_AUTH_MODES = ["none", "iam", "jwt"] as const;

export type ApiAuthMode = (typeof API_AUTH_MODES)[number];

/** The API Gateway route authorization type each mode maps to. */
export const ROUTE_AUTHORIZATION_TYPES: Record<ApiAuthMode, string> = {
  none: "NONE",
  iam: "AWS_IAM",
  jwt: "JWT",
};

/** Settings of the JWT authorizer used when auth is "jwt". */
export interface JwtAuthorizerProps {
  /** Issuer URL the tokens' `iss` claim must equal (https), e.g. a Cognito user pool URL. */
  readonly issuer: string;
  /** Accepted values of the tokens' `aud` claim (client ids); at least one. */
  readonly audience: string[];
}
