/**
 * Writes provider/plugin/schema.json, the `dcr` Pulumi package schema, from the one source
 * (provider/schema/build.ts over the argument/output tables) with every description read from
 * the TSDoc of its property. Run: `node .build/scripts/gen-schema.js [<out file>]` after
 * `tsc -p tsconfig.test.json` (scripts/gen-sdk.sh does both, then the SDKs).
 */
import { existsSync, readFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ARG_NAMES } from "../provider/args";
import { buildSchema, schemaText, type SchemaDocs } from "../provider/schema/build";
import { ADOPT_FIELDS, KEY_RECORD_FIELDS, OUTPUT_FIELDS } from "../provider/schema/types";
import { readDeclarationDocs, type DeclarationDocs } from "./tsdoc";

/** Where the committed schema lives, relative to the repository root. */
export const SCHEMA_PATH = "provider/plugin/schema.json";

/** The descriptions, read from the sources under `repo`; every documented name must have one. */
export function readSchemaDocs(repo: string): SchemaDocs {
  const read = (file: string, name: string): DeclarationDocs =>
    readDeclarationDocs(file, readFileSync(path.join(repo, file), "utf8"), name);
  const pick = <N extends string>(docs: DeclarationDocs, names: readonly N[]): Record<N, string> => {
    const out = {} as Record<N, string>;
    for (const n of names) {
      const doc = docs.members[n];
      if (!doc) throw new Error(`${n}: no TSDoc comment to describe it in the schema`);
      out[n] = doc;
    }
    return out;
  };
  const args = read("provider/args.ts", "DcrClientArgs");
  const adopt = read("provider/args.ts", "DcrAdoptArgs");
  const client = read("provider/resource.ts", "DcrClient");
  const keyRecord = read("provider/types.ts", "KeyRecord");
  return {
    client: client.doc,
    inputs: pick(args, ARG_NAMES),
    outputs: pick(client, Object.keys(OUTPUT_FIELDS) as (keyof typeof OUTPUT_FIELDS)[]),
    adopt: { type: adopt.doc, members: pick(adopt, Object.keys(ADOPT_FIELDS) as (keyof typeof ADOPT_FIELDS)[]) },
    keyRecord: {
      type: keyRecord.doc,
      members: pick(keyRecord, Object.keys(KEY_RECORD_FIELDS) as (keyof typeof KEY_RECORD_FIELDS)[]),
    },
    keyAlgorithm: read("provider/key-algorithms.ts", "KeyAlgorithm").doc,
    redirectUpdateMode: read("provider/plan/redirects.ts", "RedirectUpdateMode").doc,
  };
}

/** The schema text the sources under `repo` give (version from its package.json). */
export function generateSchemaText(repo: string): string {
  const { version } = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string };
  return schemaText(buildSchema(readSchemaDocs(repo), version));
}

/** The repository root: the nearest directory above `from` holding provider/args.ts. */
export function findRepo(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "provider", "args.ts"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository (provider/args.ts) above ${from}`);
  }
}

if (require.main === module) {
  const repo = findRepo(__dirname);
  const out = path.resolve(process.argv[2] ?? path.join(repo, SCHEMA_PATH));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, generateSchemaText(repo));
  console.log(`gen-schema: wrote ${path.relative(process.cwd(), out) || out}`);
}
