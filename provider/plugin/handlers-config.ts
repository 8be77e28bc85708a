/** The provider-level methods: plugin info, schema, and config (CheckConfig, DiffConfig, Configure). */
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { configFrom } from "./config";
import { configDiffResponse } from "./detailed-diff";
import { decode } from "./marshal";
import { SCHEMA_TEXT } from "./schema";
import type { PluginState } from "./state";
import { PLUGIN_VERSION } from "./version";

/** GetPluginInfo: the package version. */
export function pluginInfo(): PluginInfo {
  return new PluginInfo().setVersion(PLUGIN_VERSION);
}

/** GetSchema: the committed schema's text. */
export function schema(): pb.GetSchemaResponse {
  return new pb.GetSchemaResponse().setSchema(SCHEMA_TEXT);
}

/** CheckConfig: config is validated where it is used (Check names the argument); kept, echoed back. */
export function checkConfig(state: PluginState, req: pb.CheckRequest): pb.CheckResponse {
  state.config.set(decode(req.getNews()).values);
  return new pb.CheckResponse().setInputs(req.getNews());
}

/** DiffConfig: a changed `dcr:*` value updates the provider in place, never replaces it. */
export function diffConfig(req: pb.DiffRequest): pb.DiffResponse {
  const olds = decode(req.getOldInputs() ?? req.getOlds()).values;
  return configDiffResponse(olds, decode(req.getNews()).values);
}

/** Configure: keeps the config; secrets travel marked; previews need no provider call. */
export function configure(state: PluginState, req: pb.ConfigureRequest): pb.ConfigureResponse {
  const variables = new Map(req.getVariablesMap().toArray());
  state.config.set(configFrom(decode(req.getArgs()).values, variables));
  return new pb.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(false);
}
