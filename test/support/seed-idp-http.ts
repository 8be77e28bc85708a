/**
 * Reading requests for the seed-style IdP fixture (seed-idp.ts): a JSON object body (at most
 * 5 MB) and the bearer token.
 */
import type { IncomingMessage } from "node:http";
import { errorReply, type Json, type Reply } from "./seed-idp-store";

const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** A request the fixture refuses while reading it; `reply` is the answer. */
export class BodyError extends Error {
  constructor(readonly reply: Reply) {
    super(String(reply.body?.error_description));
  }
}

/** Reads the whole body (≤ 5 MB) and parses it as a JSON object; an empty body is `{}`. */
export async function readJsonObject(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length; // an oversized body is drained, not kept, so the client reads the 413 cleanly
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) throw new BodyError(errorReply(413, "invalid_request", "request body exceeds 5 MB"));
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BodyError(errorReply(400, "invalid_request", "request body must be JSON"));
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new BodyError(errorReply(400, "invalid_client_metadata", "request body must be a JSON object"));
  }
  return parsed as Json;
}

/** The bearer token of the Authorization header, if any. */
export function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}
