/** A setting the operator got wrong: the server says which and exits, before it serves anything. */
export class SettingsError extends Error {
  override name = "SettingsError";
}

/** A flag's value as a positive number (an integer where asked). Throws SettingsError. */
export function positive(flag: string, raw: string, integer: boolean): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new SettingsError(`${flag} must be a positive ${integer ? "integer" : "number"}, got "${raw}"`);
  }
  return n;
}
