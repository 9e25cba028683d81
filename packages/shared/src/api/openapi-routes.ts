/** What route matching reads of an OpenAPI document (kept structural: no OpenAPI types for callers to install). */
export interface OpenApiPaths {
  readonly paths?: Readonly<Record<string, object>>;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** An operation of the document as an API Gateway route key: "POST /models/{model}/entities". */
export function documentRouteKeys(document: OpenApiPaths): string[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((method) => (item as Record<string, unknown>)[method] !== undefined).map(
      (method) => `${method.toUpperCase()} ${path}`,
    ),
  );
}

/**
 * The document's route key that an API Gateway route key serves, or undefined. A literal route matches a
 * templated one segment for segment (`POST /models/en_core_web_sm/entities` is `POST /models/{model}/entities`);
 * a template parameter never matches an empty segment or one with a slash.
 */
export function documentRouteFor(document: OpenApiPaths, routeKey: string): string | undefined {
  const [method, path] = routeKey.split(" ");
  return documentRouteKeys(document).find((key) => {
    const [keyMethod, template] = key.split(" ");
    if (keyMethod !== method) {
      return false;
    }
    const pattern = template
      .split(/(\{[^}]+\})/)
      .map((part) => (/^\{[^}]+\}$/.test(part) ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("");
    return new RegExp(`^${pattern}$`).test(path);
  });
}

/** Whether a document route key has a path parameter (served per model, one literal API Gateway route each). */
export function isTemplated(routeKey: string): boolean {
  return routeKey.includes("{");
}
