import { API_ROUTES } from "./routes";

/** Path parameter naming the model in the model-scoped routes. */
export const MODEL_PATH_PARAMETER = "model";

/** `GET` the `ModelsResponse`: every model the API serves. */
export const MODELS_ROUTE = API_ROUTES.models;

/**
 * The unprefixed routes that also exist per model, under `/models/{model}`: the same bodies, served by that
 * model instead of the default one. API Gateway has one literal route per model
 * (`POST /models/en_core_web_sm/entities`).
 */
export const MODEL_SCOPED_ROUTES = [API_ROUTES.entities, API_ROUTES.analyze, API_ROUTES.health] as const;

/** The templated path of a model-scoped route: `/models/{model}/entities`. */
export function modelRouteTemplate(route: (typeof MODEL_SCOPED_ROUTES)[number]): string {
  return `${MODELS_ROUTE}/{${MODEL_PATH_PARAMETER}}${route}`;
}

/** The literal path of a route for one model: `/models/en_core_web_sm/entities`. */
export function modelRoute(model: string, route: (typeof MODEL_SCOPED_ROUTES)[number]): string {
  return `${MODELS_ROUTE}/${encodeURIComponent(model)}${route}`;
}
