/**
 * The subset of the Pulumi package schema (https://www.pulumi.com/docs/iac/extending-pulumi/schema/)
 * the dcr package uses, as TypeScript types. Pure.
 */

/** A property's type: a primitive, an array, a map, or a reference to a type of this schema. */
export interface TypeSpec {
  type?: "string" | "integer" | "boolean" | "array" | "object";
  items?: TypeSpec;
  additionalProperties?: TypeSpec;
  $ref?: string;
}

/** One property of a resource, an object type, the provider or the config. */
export interface PropertySpec extends TypeSpec {
  description: string;
  secret?: true;
  default?: string | number | boolean;
}

/** An enum type's value. */
export interface EnumValueSpec {
  name: string;
  value: string;
}

/** A type of the schema's `types` section: an object type or a string enum. */
export type ComplexTypeSpec =
  | { type: "object"; description: string; properties: Record<string, PropertySpec>; required?: string[] }
  | { type: "string"; description: string; enum: EnumValueSpec[] };

/** A resource (or the provider). */
export interface ResourceSpec {
  description: string;
  inputProperties: Record<string, PropertySpec>;
  properties?: Record<string, PropertySpec>;
  required?: string[];
}

/** The package schema. */
export interface PackageSpec {
  name: string;
  displayName: string;
  version: string;
  description: string;
  keywords: string[];
  license: string;
  repository: string;
  config: { variables: Record<string, PropertySpec> };
  provider: ResourceSpec;
  resources: Record<string, ResourceSpec>;
  types: Record<string, ComplexTypeSpec>;
  language: Record<string, Record<string, unknown>>;
}
