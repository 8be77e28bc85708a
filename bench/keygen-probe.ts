/**
 * Times key generation inside the provider: wraps the packed package's
 * `generateKeyMaterial` (the module instance the round-tripped provider really uses) with a
 * stopwatch, so each provider call's time can be split into keygen and everything else.
 */
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { packedModules } from "../test/support/engine";

type AnyFn = (...args: unknown[]) => Promise<unknown>;

export interface KeygenProbe {
  /** Milliseconds spent in key generation since the last `take()`, and resets it. */
  take(): number;
  /** Calls the real generator directly (for keygen timed on its own). */
  generate: AnyFn;
  restore(): void;
}

export function installKeygenProbe(): KeygenProbe {
  const file = path.join(packedModules, "pulumi-dcr", "dist", "provider", "crypto.js");
  const mod = require(file) as Record<string, unknown>;
  const original = mod.generateKeyMaterial as AnyFn | undefined;
  if (typeof original !== "function") throw new Error(`${file} exports no generateKeyMaterial`);
  let spent = 0;
  const wrapped: AnyFn = async (...args) => {
    const t0 = performance.now();
    try {
      return await original(...args);
    } finally {
      spent += performance.now() - t0;
    }
  };
  try {
    mod.generateKeyMaterial = wrapped;
  } catch {
    // fall through to the check below
  }
  if (mod.generateKeyMaterial !== wrapped) {
    throw new Error(
      "crypto.generateKeyMaterial is not patchable (re-exported through a getter?): keygen cannot be split out",
    );
  }
  return {
    take() {
      const s = spent;
      spent = 0;
      return s;
    },
    generate: original,
    restore() {
      mod.generateKeyMaterial = original;
    },
  };
}
