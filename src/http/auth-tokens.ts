/**
 * Bearer tokens for the HTTP transport: a file of `TOKEN PRINCIPAL` lines (blank lines and `#` comments
 * ignored). Each token names the principal its requests act for. Tokens are compared in constant time.
 * Everything here is pure but `loadTokens`; token-file-watch.ts reloads the file while serving.
 *
 * A token is never kept, logged or put in an error: the table holds SHA-256 digests, and what identifies a token
 * outside it (a session's, a listen stream's) is its digest too (`tokenDigest`).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import { OAuthError, OAuthErrorCode, type AuthInfo, type OAuthTokenVerifier } from "@modelcontextprotocol/server";
import { SettingsError } from "../config.js";

/** Principal names as they appear in logs and the database: no spaces or control characters. */
const PRINCIPAL = /^[A-Za-z0-9._@:+-]{1,200}$/;
/** Static tokens do not expire; the SDK's bearer middleware still wants a time (seconds). */
const NEVER = Number.MAX_SAFE_INTEGER;

export interface TokenTable {
  /** The principal a token acts for, or undefined for an unknown token. */
  principalOf(token: string): string | undefined;
  readonly principals: ReadonlySet<string>;
  /** Each token's digest (`tokenDigest`) with its principal. */
  readonly digests: ReadonlyMap<string, string>;
}

/**
 * Parses the token file's text. Throws SettingsError naming the line at fault; the message quotes nothing of
 * the line, since a misplaced token would be quoted with it.
 */
export function parseTokens(text: string, source = "the token file"): TokenTable {
  const entries: Array<{ digest: Buffer; principal: string }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const parts = line.split(/\s+/);
    const [token, principal] = parts;
    if (parts.length !== 2 || !token || !principal) throw new SettingsError(`${source}, line ${i + 1}: expected "TOKEN PRINCIPAL"`);
    if (token.length < 16) throw new SettingsError(`${source}, line ${i + 1}: a token must have at least 16 characters`);
    if (!PRINCIPAL.test(principal)) throw new SettingsError(`${source}, line ${i + 1}: a principal may only use letters, digits and . _ @ : + - (at most 200)`);
    const digest = sha256(token);
    if (entries.some((e) => timingSafeEqual(e.digest, digest))) throw new SettingsError(`${source}, line ${i + 1}: the token is listed twice`);
    entries.push({ digest, principal });
  });
  if (entries.length === 0) throw new SettingsError(`${source} lists no tokens`);
  return {
    principalOf(token) {
      const digest = sha256(token);
      let found: string | undefined;
      for (const e of entries) if (timingSafeEqual(e.digest, digest)) found = e.principal;
      return found;
    },
    principals: new Set(entries.map((e) => e.principal)),
    digests: new Map(entries.map((e) => [e.digest.toString("hex"), e.principal])),
  };
}

/** Reads and parses the token file; SettingsError when it cannot be read or is malformed. */
export function loadTokens(file: string): { table: TokenTable; text: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new SettingsError(`cannot read --auth-tokens file ${file}: ${(error as Error).message}`);
  }
  return { table: parseTokens(text, file), text };
}

/**
 * The tokens of `before` that `after` takes away: those it no longer lists, and those it gives to another
 * principal (what they opened acts for the old one). As digests.
 */
export function revokedTokens(before: TokenTable, after: TokenTable): Set<string> {
  const revoked = new Set<string>();
  for (const [digest, principal] of before.digests) if (after.digests.get(digest) !== principal) revoked.add(digest);
  return revoked;
}

/** How a token is known outside the table: its SHA-256, in hex. */
export function tokenDigest(token: string): string {
  return sha256(token).toString("hex");
}

/**
 * The verifier the SDK's `requireBearerAuth` calls, against the table in force at each request (`tokens()`):
 * the principal goes into `AuthInfo.clientId`, the token's digest into `extra.tokenDigest`.
 */
export function tokenVerifier(tokens: () => TokenTable): OAuthTokenVerifier {
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const principal = tokens().principalOf(token);
      if (!principal) throw new OAuthError(OAuthErrorCode.InvalidToken, "unknown bearer token");
      return { token, clientId: principal, scopes: [], expiresAt: NEVER, extra: { tokenDigest: tokenDigest(token) } };
    },
  };
}

/** The digest the verifier put on an authenticated request, if any. */
export function digestOf(auth: AuthInfo | undefined): string | undefined {
  const digest = auth?.extra?.tokenDigest;
  return typeof digest === "string" ? digest : undefined;
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
