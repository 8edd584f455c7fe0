/**
 * Bearer tokens for the HTTP transport: a file of `TOKEN PRINCIPAL` lines (blank lines and `#` comments
 * ignored). Each token names the principal its requests act for. Tokens are compared in constant time.
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
}

/** Parses the token file's text. Throws SettingsError naming the line at fault. */
export function parseTokens(text: string, source = "the token file"): TokenTable {
  const entries: Array<{ digest: Buffer; principal: string }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const parts = line.split(/\s+/);
    const [token, principal] = parts;
    if (parts.length !== 2 || !token || !principal) throw new SettingsError(`${source}, line ${i + 1}: expected "TOKEN PRINCIPAL"`);
    if (token.length < 16) throw new SettingsError(`${source}, line ${i + 1}: a token must have at least 16 characters`);
    if (!PRINCIPAL.test(principal)) throw new SettingsError(`${source}, line ${i + 1}: principal "${principal}" may only use letters, digits and . _ @ : + -`);
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
  };
}

export function loadTokens(file: string): TokenTable {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new SettingsError(`cannot read --auth-tokens file ${file}: ${(error as Error).message}`);
  }
  return parseTokens(text, file);
}

/** The verifier the SDK's `requireBearerAuth` calls: the principal goes into `AuthInfo.clientId`. */
export function tokenVerifier(tokens: TokenTable): OAuthTokenVerifier {
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const principal = tokens.principalOf(token);
      if (!principal) throw new OAuthError(OAuthErrorCode.InvalidToken, "unknown bearer token");
      return { token, clientId: principal, scopes: [], expiresAt: NEVER };
    },
  };
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
