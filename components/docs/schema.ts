/** Just enough of JSON Schema to describe the API's fields in prose. */
export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  format?: string;
  pattern?: string;
  description?: string;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxItems?: number;
  $ref?: string;
};

export type Field = { name: string; type: string; required: boolean; notes: string[] };

export function typeOf(s: JsonSchema): string {
  if (s.$ref) return s.$ref.split("/").pop() ?? "object";
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map(typeOf).join(" | ");
  if (s.type === "array") return `${s.items ? typeOf(s.items) : "any"}[]`;
  if (Array.isArray(s.type)) return s.type.join(" | ");
  if (s.type) return s.format ? `${s.type} (${s.format})` : s.type;
  if (s.properties) return "object";
  return "any";
}

function notesOf(s: JsonSchema): string[] {
  const notes: string[] = [];
  const inner = (s.anyOf ?? s.oneOf ?? []).find((x) => x.type !== "null") ?? s;
  const target = inner.type === "array" ? { ...inner, ...(inner.items ?? {}) } : inner;
  if (s.description) notes.push(s.description);
  if (target.minLength !== undefined) notes.push(`min length ${target.minLength}`);
  if (target.maxLength !== undefined) notes.push(`max length ${target.maxLength}`);
  if (target.minimum !== undefined) notes.push(`≥ ${target.minimum}`);
  if (target.exclusiveMinimum !== undefined) notes.push(`> ${target.exclusiveMinimum}`);
  if (target.maximum !== undefined) notes.push(`≤ ${target.maximum}`);
  if (target.pattern) notes.push(`pattern ${target.pattern}`);
  if (inner.maxItems !== undefined) notes.push(`at most ${inner.maxItems} values`);
  if (s.default !== undefined) notes.push(`default ${JSON.stringify(s.default)}`);
  return notes;
}

/** An object schema's fields, nested objects flattened as a.b and arrays of objects as a[].b. */
export function fieldsOf(s: JsonSchema, prefix = "", depth = 0): Field[] {
  const props = { ...Object.assign({}, ...(s.allOf ?? []).map((x) => x.properties ?? {})), ...(s.properties ?? {}) };
  const required = new Set([...(s.required ?? []), ...(s.allOf ?? []).flatMap((x) => x.required ?? [])]);
  const out: Field[] = [];
  for (const [name, child] of Object.entries(props) as [string, JsonSchema][]) {
    const full = `${prefix}${name}`;
    const nullable = (child.anyOf ?? []).find((x) => x.type !== "null");
    const objectLike = nullable?.properties ? nullable : child;
    out.push({ name: full, type: typeOf(child), required: required.has(name), notes: notesOf(child) });
    if (depth >= 3) continue;
    if (objectLike.properties) out.push(...fieldsOf(objectLike, `${full}.`, depth + 1));
    else if (child.type === "array" && child.items?.properties)
      out.push(...fieldsOf(child.items, `${full}[].`, depth + 1));
  }
  return out;
}
