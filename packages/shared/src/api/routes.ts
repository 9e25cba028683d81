/**
 * Routes of the HTTP API, relative to its base URL (the stage's invoke URL or a custom domain).
 * The API Gateway routes and the Python handler's dispatch must use the same paths.
 */
export const API_ROUTES = {
  /** POST an `EntitiesRequest`. */
  entities: "/entities",
  /** POST an `AnalysisRequest`. */
  analyze: "/analyze",
  /** GET a `HealthResponse`. */
  health: "/health",
  /** GET a `ModelsResponse`; each model's own routes are the ones above under `/models/<name>`. */
  models: "/models",
} as const;
