/**
 * The provider object Pulumi serializes into every DcrClient's state (`__provider`).
 *
 * It is deliberately a stub: each method requires this package's compiled implementation by
 * name from the project's node_modules at run time. So `__provider` stays tiny, identical for
 * every resource, holds no secret, and refresh/delete of old state run the INSTALLED code
 * rather than a copy frozen into state. Nothing here may capture module-level
 * values other than plain strings.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as impl from "./dynamic";
import type { DcrInputs, DcrOutputs } from "./types";

function load(): typeof impl {
  return require("pulumi-dcr/dist/provider/dynamic.js") as typeof impl;
}

/** The serialized provider: configure/check/diff/create/read/update/delete forward to dynamic.ts. */
export const dcrProvider: pulumi.dynamic.ResourceProvider<DcrInputs, DcrOutputs> = {
  configure: (req) => load().configure(req),
  check: (olds, news) => load().check(olds, news),
  diff: (id, olds, news) => load().diff(id, olds, news),
  create: (inputs) => load().create(inputs),
  read: (id, props) => load().read(id, props as DcrOutputs),
  update: (id, olds, news) => load().update(id, olds, news),
  delete: (id, props) => load().remove(id, props),
};
