/**
 * The bad-input corpus: each case is a set of DcrClient inputs that check() must refuse,
 * naming `property`, before any request reaches the IdP. Used by the unit test of check()
 * and by the engine-level test that counts IdP requests.
 */
import { generateKeyPairSync } from "node:crypto";

export interface BadInput {
  name: string;
  /** Inputs merged over a valid base ({ registrationEndpoint, initialAccessToken }). */
  inputs: Record<string, unknown>;
  /** The property the failure must name. */
  property: string;
  /** Words the reason must contain. */
  reason: RegExp;
}

const PUBLIC_PEM = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEgVI8W/Fq/hDcoZktTRLAWGkaw+uE
/esW7ZGXZbU+v/xQHKgi3/ZiQcVUiY5MnAhztnXP5mAITPbnrph8kTF2gA==
-----END PUBLIC KEY-----`;

/** A fresh private key PEM (PKCS#8) of one key type, as a user would bring it. */
function privatePem(type: "rsa2048" | "rsa1024" | "p256" | "ed25519"): string {
  const pair =
    type === "p256"
      ? generateKeyPairSync("ec", { namedCurve: "P-256" })
      : type === "ed25519"
        ? generateKeyPairSync("ed25519")
        : generateKeyPairSync("rsa", { modulusLength: type === "rsa2048" ? 2048 : 1024 });
  return pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

/**
 * Real private keys of each algorithm's key type, refused for the algorithm given with them:
 * the secret must not appear in any message even when the input is wrong.
 */
const MISFIT_KEYS: BadInput[] = [
  {
    name: "an RS256 key (RSA 2048) with keyAlgorithm ES256",
    inputs: { signingKeyPem: privatePem("rsa2048"), keyAlgorithm: "ES256" },
    property: "signingKeyPem",
    reason: /RSA 2048-bit key, but keyAlgorithm ES256/,
  },
  {
    name: "a PS256 key of 1024 bits",
    inputs: { signingKeyPem: privatePem("rsa1024"), keyAlgorithm: "PS256" },
    property: "signingKeyPem",
    reason: /RSA 1024-bit key.*at least 2048 bits/,
  },
  {
    name: "an ES256 key (P-256) with keyAlgorithm EdDSA",
    inputs: { signingKeyPem: privatePem("p256"), keyAlgorithm: "EdDSA" },
    property: "signingKeyPem",
    reason: /needs an Ed25519 key/,
  },
  {
    name: "an EdDSA key (Ed25519) with keyAlgorithm RS256",
    inputs: { signingKeyPem: privatePem("ed25519"), keyAlgorithm: "RS256" },
    property: "signingKeyPem",
    reason: /ed25519 key, but keyAlgorithm RS256/,
  },
];

export const BAD_INPUTS: BadInput[] = [
  {
    name: "endpoint not a URL",
    inputs: { registrationEndpoint: "not a url" },
    property: "registrationEndpoint",
    reason: /absolute URL/,
  },
  {
    name: "endpoint relative",
    inputs: { registrationEndpoint: "/api/oidc/register" },
    property: "registrationEndpoint",
    reason: /absolute URL/,
  },
  {
    name: "endpoint http on a public host",
    inputs: { registrationEndpoint: "http://idp.example.com/register" },
    property: "registrationEndpoint",
    reason: /https/,
  },
  {
    name: "endpoint with credentials",
    inputs: { registrationEndpoint: "https://user:pw@idp.example.com/register" },
    property: "registrationEndpoint",
    reason: /credentials/,
  },
  {
    name: "endpoint ftp scheme",
    inputs: { registrationEndpoint: "ftp://idp.example.com/register" },
    property: "registrationEndpoint",
    reason: /https/,
  },
  {
    name: "unicode look-alike host",
    inputs: { registrationEndpoint: "https://idp.ex\u0430mple.com/register" },
    property: "registrationEndpoint",
    reason: /ASCII/,
  },
  {
    name: "issuer and endpoint both",
    inputs: { issuer: "https://idp.example.com" },
    property: "issuer",
    reason: /either registrationEndpoint or issuer/,
  },
  {
    name: "neither issuer nor endpoint",
    inputs: { registrationEndpoint: undefined },
    property: "registrationEndpoint",
    reason: /either registrationEndpoint or issuer/,
  },
  {
    name: "redirect URI with fragment",
    inputs: { redirectUris: ["https://app.example.com/cb#frag"] },
    property: "redirectUris[0]",
    reason: /fragment/,
  },
  {
    name: "redirect URI http public",
    inputs: { redirectUris: ["https://ok.example.com/cb", "http://app.example.com/cb"] },
    property: "redirectUris[1]",
    reason: /https/,
  },
  {
    name: "redirect URI javascript scheme",
    inputs: { redirectUris: ["javascript:alert(1)"] },
    property: "redirectUris[0]",
    reason: /private-use scheme/,
  },
  {
    name: "redirect URI duplicates",
    inputs: { redirectUris: ["https://a.example.com/cb", "https://a.example.com/cb"] },
    property: "redirectUris",
    reason: /duplicates/,
  },
  {
    name: "10 000 redirect URIs",
    inputs: { redirectUris: Array.from({ length: 10000 }, (_, i) => `https://app.example.com/cb/${i}`) },
    property: "redirectUris",
    reason: /at most 100/,
  },
  { name: "redirect URIs not a list", inputs: { redirectUris: 42 }, property: "redirectUris", reason: /list/ },
  {
    name: "negative rotateAfterDays",
    inputs: { rotateAfterDays: -5 },
    property: "rotateAfterDays",
    reason: /at least 0/,
  },
  {
    name: "NaN rotateAfterDays from config",
    inputs: { rotateAfterDays: "abc" },
    property: "rotateAfterDays",
    reason: /whole number/,
  },
  {
    name: "fractional rotateAfterDays",
    inputs: { rotateAfterDays: 1.5 },
    property: "rotateAfterDays",
    reason: /whole number/,
  },
  { name: "huge retireAfterDays", inputs: { retireAfterDays: 1e12 }, property: "retireAfterDays", reason: /at most/ },
  {
    name: "maxKeys 0 with retire off",
    inputs: { maxKeys: 0, retireAfterDays: 0 },
    property: "maxKeys",
    reason: /forever/,
  },
  { name: "maxKeys 1 (no overlap)", inputs: { maxKeys: 1 }, property: "maxKeys", reason: /overlap/ },
  {
    name: "retire before rotate",
    inputs: { rotateAfterDays: 30, retireAfterDays: 10 },
    property: "retireAfterDays",
    reason: /greater than rotateAfterDays/,
  },
  {
    name: "negative publishAheadDays",
    inputs: { publishAheadDays: -1 },
    property: "publishAheadDays",
    reason: /at least 0/,
  },
  {
    name: "publishAheadDays not less than rotateAfterDays",
    inputs: { rotateAfterDays: 10, retireAfterDays: 40, publishAheadDays: 10 },
    property: "publishAheadDays",
    reason: /less than rotateAfterDays/,
  },
  {
    name: "maxKeys 2 leaves no room for the key published ahead",
    inputs: { maxKeys: 2, publishAheadDays: 7 },
    property: "maxKeys",
    reason: /at least 3 .*publishAheadDays is 7/,
  },
  {
    name: "retire before a key published ahead stops signing",
    inputs: { rotateAfterDays: 30, retireAfterDays: 35, publishAheadDays: 7 },
    property: "retireAfterDays",
    reason: /rotateAfterDays \(30\) \+ publishAheadDays \(7\)/,
  },
  { name: "unknown algorithm", inputs: { keyAlgorithm: "HS256" }, property: "keyAlgorithm", reason: /RS256/ },
  { name: "unknown update method", inputs: { updateMethod: "POST" }, property: "updateMethod", reason: /PUT/ },
  {
    name: "unknown redirect mode",
    inputs: { redirectUpdateMode: "append" },
    property: "redirectUpdateMode",
    reason: /merge/,
  },
  {
    name: "jwks in metadata next to jwksUri",
    inputs: { jwksUri: "https://app.example.com/jwks.json", metadata: { jwks: { keys: [] } } },
    property: "metadata.jwks",
    reason: /jwksUri/,
  },
  {
    name: "redirect_uris in metadata",
    inputs: { metadata: { redirect_uris: ["https://a.example.com"] } },
    property: "metadata.redirect_uris",
    reason: /redirectUris/,
  },
  { name: "metadata not an object", inputs: { metadata: "[1,2]" }, property: "metadata", reason: /object/ },
  {
    name: "PEM that is not a key",
    inputs: { signingKeyPem: "-----BEGIN PRIVATE KEY-----\nnot base64!!\n-----END PRIVATE KEY-----" },
    property: "signingKeyPem",
    reason: /signingKeyPem|private key/,
  },
  {
    name: "public PEM where a private key is needed",
    inputs: { signingKeyPem: PUBLIC_PEM, keyAlgorithm: "ES256" },
    property: "signingKeyPem",
    reason: /private/,
  },
  { name: "not a PEM at all", inputs: { signingKeyPem: "hello" }, property: "signingKeyPem", reason: /PEM/ },
  ...MISFIT_KEYS,
  {
    name: "adopt missing its RAT",
    inputs: { adopt: { clientId: "bff-server" } },
    property: "adopt.registrationAccessToken",
    reason: /string/,
  },
  {
    name: "adopt with an http URI",
    inputs: {
      adopt: { clientId: "c", registrationAccessToken: "t", registrationClientUri: "http://idp.example.com/reg/c" },
    },
    property: "adopt.registrationClientUri",
    reason: /https/,
  },
  { name: "empty clientId", inputs: { clientId: "" }, property: "clientId", reason: /empty/ },
  {
    name: "clientId with control characters",
    inputs: { clientId: "bff\nserver" },
    property: "clientId",
    reason: /control/,
  },
  { name: "non-string clientName from config", inputs: { clientName: 12 }, property: "clientName", reason: /string/ },
  {
    name: "boolean from config not a boolean",
    inputs: { rotationSafe: "yes" },
    property: "rotationSafe",
    reason: /true or false/,
  },
  { name: "kid with spaces", inputs: { kid: "my key" }, property: "kid", reason: /letters, digits/ },
  {
    name: "ratRenewalPath without placeholder",
    inputs: { ratRenewalPath: "/api/admin/tokens" },
    property: "ratRenewalPath",
    reason: /\{client_id\}/,
  },
  { name: "timeout zero", inputs: { timeoutSeconds: 0 }, property: "timeoutSeconds", reason: /at least 1/ },
  {
    name: "unknown argument",
    inputs: { rotateAfterDayz: 3 },
    property: "rotateAfterDayz",
    reason: /not a DcrClient argument/,
  },
  {
    name: "pushgateway not a URL",
    inputs: { pushgatewayUrl: "pushgateway:9091" },
    property: "pushgatewayUrl",
    reason: /https|URL/,
  },
];
