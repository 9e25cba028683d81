import type { ReferenceObject, SchemaObject } from "openapi3-ts/oas31";

/** A property of an object schema, marked required or optional. */
export interface SchemaProperty<Optional extends boolean = boolean> {
  readonly schema: SchemaObject | ReferenceObject;
  readonly optional: Optional;
}

/**
 * One entry per property of `T`, required where `T` requires it and optional where `T` makes it optional.
 * The schemas of the OpenAPI document are written against the API's TypeScript types through this: a field
 * added to, removed from or made optional in a type without the same change to its schema (or the other way
 * round) fails the type check, so the document cannot drift from the types the client and callers use.
 */
export type PropertiesOf<T> = {
  // `{} extends Pick<T, K>` holds exactly for optional keys.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  readonly [K in keyof T]-?: {} extends Pick<T, K> ? SchemaProperty<true> : SchemaProperty<false>;
};

export function required(schema: SchemaObject | ReferenceObject): SchemaProperty<false> {
  return { schema, optional: false };
}

export function optional(schema: SchemaObject | ReferenceObject): SchemaProperty<true> {
  return { schema, optional: true };
}

/** A closed object schema (no properties beyond those of `T`) with `T`'s required properties. */
export function objectSchema<T>(description: string, properties: PropertiesOf<T>): SchemaObject {
  const entries = Object.entries(properties) as [string, SchemaProperty][];
  const requiredNames = entries.filter(([, property]) => !property.optional).map(([name]) => name);
  return {
    type: "object",
    description,
    properties: Object.fromEntries(entries.map(([name, property]) => [name, property.schema])),
    ...(requiredNames.length > 0 ? { required: requiredNames } : {}),
    additionalProperties: false,
  };
}

/** A reference to a schema of `components.schemas`. */
export function ref(name: string): ReferenceObject {
  return { $ref: `#/components/schemas/${name}` };
}
