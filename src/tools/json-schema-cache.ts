/**
 * Tool schemas converted to JSON Schema once, not on every `tools/list`. SDK v2 converts a registered zod
 * schema through its Standard Schema `~standard.jsonSchema` each time it lists the tools (about 30 ms for this
 * server's seven tools on the 2-core bench machine), and over 2026-07-28 HTTP every request has a session server
 * of its own. The schemas are module constants shared by every session, so one conversion per schema, direction
 * and target serves them all; each caller gets its own copy (the SDK spreads the result into its answer).
 */
interface JsonSchemaConverter {
  input(options: { target: string }): Record<string, unknown>;
  output(options: { target: string }): Record<string, unknown>;
}

interface StandardProps {
  jsonSchema?: JsonSchemaConverter;
  [key: string]: unknown;
}

const converted = new WeakMap<object, Map<string, Record<string, unknown>>>();
const wrapped = new WeakMap<object, object>();

/** `schema` with its JSON Schema conversion memoized; `schema` itself for anything that has none. */
export function withCachedJsonSchema<S>(schema: S): S {
  if (typeof schema !== "object" || schema === null) return schema;
  const standard = (schema as { "~standard"?: StandardProps })["~standard"];
  const convert = standard?.jsonSchema;
  if (!standard || !convert) return schema;
  const known = wrapped.get(schema);
  if (known) return known as S;
  const memo = (io: "input" | "output") => (options: { target: string }) => {
    let byKey = converted.get(schema);
    if (!byKey) converted.set(schema, (byKey = new Map()));
    const key = `${io}\u0000${options.target}`;
    let result = byKey.get(key);
    if (!result) byKey.set(key, (result = convert[io](options)));
    return structuredClone(result);
  };
  const cachedStandard = { ...standard, jsonSchema: { input: memo("input"), output: memo("output") } };
  const proxy = new Proxy(schema, {
    get: (target, property, receiver) => (property === "~standard" ? cachedStandard : Reflect.get(target, property, receiver)),
  });
  wrapped.set(schema, proxy);
  return proxy;
}
