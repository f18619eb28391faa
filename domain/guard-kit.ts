/**
 * A tiny validator kit for the workflow bundle, where zod costs ~100 ms of CPU
 * and megabytes of heap per lead because the bundle is evaluated afresh for
 * every workflow. Each combinator mirrors one zod 4 behaviour the payload
 * schemas rely on (the order checks run in, which failures stop a field,
 * default messages), so guards built from it refuse exactly what zod refuses,
 * at the same paths. test/unit/domain/guards.test.ts proves it against zod.
 */

export interface Issue {
  /** Keys and array indexes joined with '.'; '' for the body itself. */
  path: string;
  message: string;
}

export type GuardResult<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

/** Checks `value` found at `path`, appends any issues, and returns the normalised value (meaningless once it added an issue). */
export type Guard<T> = (value: unknown, path: string, issues: Issue[]) => T;

/** A guard whose key may be absent (or undefined) in its object. */
export type OptionalGuard<T> = Guard<T | undefined> & { readonly optional: true };

type Out<G> = G extends Guard<infer T> ? T : never;
type Shape = Record<string, Guard<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalGuard<unknown> ? K : never }[keyof S];
type ObjectOut<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Out<S[K]> } & { [K in OptionalKeys<S>]?: Out<S[K]> };

export function run<T>(guard: Guard<T>, value: unknown): GuardResult<T> {
  const issues: Issue[] = [];
  const out = guard(value, '', issues);
  return issues.length === 0 ? { ok: true, value: out } : { ok: false, issues };
}

const at = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);

/** zod's name for what arrived: 'null', 'array', 'NaN', 'Infinity', a class name, or the typeof. */
function received(input: unknown): string {
  if (typeof input === 'number') return Number.isNaN(input) ? 'NaN' : Number.isFinite(input) ? 'number' : String(input);
  if (typeof input !== 'object') return typeof input;
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  const proto: unknown = Object.getPrototypeOf(input);
  const ctor = (input as { constructor?: { name?: string } }).constructor;
  return proto !== Object.prototype && 'constructor' in input && ctor ? String(ctor.name) : 'object';
}

const invalidType = (expected: string, input: unknown): string => `Invalid input: expected ${expected}, received ${received(input)}`;

/** Length in code points, as zod 4 counts strings (a surrogate pair is one character). */
function codePoints(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

export interface StringRules {
  trim?: boolean;
  lower?: boolean;
  min?: readonly [number, string];
  max?: readonly [number, string];
  /** Predicates on the trimmed/lowercased value; every one runs, like zod's non-aborting checks. */
  refine?: readonly (readonly [(s: string) => boolean, string])[];
  /** Replaces the default "expected string" message, like `z.string({ message })`. */
  message?: string;
}

export function string(rules: StringRules = {}): Guard<string> {
  const { min, max, refine = [] } = rules;
  return (value, path, issues) => {
    // zod would also length-check a non-string that has a `length`; one issue is enough to name the field.
    if (typeof value !== 'string') {
      issues.push({ path, message: rules.message ?? invalidType('string', value) });
      return '';
    }
    let s = rules.trim ? value.trim() : value;
    if (rules.lower) s = s.toLowerCase();
    if (min && s.length < 2 * min[0] && (s.length < min[0] || codePoints(s) < min[0])) issues.push({ path, message: min[1] });
    if (max && s.length > max[0] && codePoints(s) > max[0]) issues.push({ path, message: max[1] });
    for (const [ok, message] of refine) if (!ok(s)) issues.push({ path, message });
    return s;
  };
}

/** `inner`, then — only if it passed, like a zod pipe — `transform` and a check of the transformed value. */
export function pipe(inner: Guard<string>, transform: (s: string) => string, check: (s: string) => boolean, message: string): Guard<string> {
  return (value, path, issues) => {
    const before = issues.length;
    const s = inner(value, path, issues);
    if (issues.length > before) return s;
    const out = transform(s);
    if (!check(out)) issues.push({ path, message });
    return out;
  };
}

/** `z.int().min(min).max(max)`; a schema-level `message` replaces every message, as in zod. */
export function int(min: number, max: number, message?: string): Guard<number> {
  return (value, path, issues) => {
    const say = (fallback: string) => void issues.push({ path, message: message ?? fallback });
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      say(invalidType('number', value));
      return 0;
    }
    // A fraction stops the field; every range check below runs, as zod's do.
    if (!Number.isInteger(value)) {
      say(invalidType('int', value));
      return 0;
    }
    if (value > Number.MAX_SAFE_INTEGER) say(`Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`);
    if (value < Number.MIN_SAFE_INTEGER) say(`Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`);
    if (value < min) say(`Too small: expected number to be >=${min}`);
    if (value > max) say(`Too big: expected number to be <=${max}`);
    return value;
  };
}

export function bool(message?: string): Guard<boolean> {
  return (value, path, issues) => {
    if (typeof value === 'boolean') return value;
    issues.push({ path, message: message ?? invalidType('boolean', value) });
    return false;
  };
}

export function oneOf<const V extends readonly string[]>(values: V): Guard<V[number]> {
  const allowed = new Set<unknown>(values);
  const quoted = values.map((v) => `"${v}"`);
  const message = values.length === 1 ? `Invalid input: expected ${quoted[0]}` : `Invalid option: expected one of ${quoted.join('|')}`;
  return (value, path, issues) => {
    if (!allowed.has(value)) issues.push({ path, message });
    return value as V[number];
  };
}

/** `z.array(element).max(max)`: an over-long array is refused whole, before any element is looked at. */
export function array<T>(element: Guard<T>, max: number): Guard<T[]> {
  return (value, path, issues) => {
    if (!Array.isArray(value)) {
      issues.push({ path, message: invalidType('array', value) });
      return [];
    }
    if (value.length > max) {
      issues.push({ path, message: `Too big: expected array to have <=${max} items` });
      return [];
    }
    const out: T[] = new Array<T>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = element(value[i], at(path, i), issues);
    return out;
  };
}

export function optional<T>(inner: Guard<T>): OptionalGuard<T> {
  const guard: Guard<T | undefined> = (value, path, issues) => (value === undefined ? undefined : inner(value, path, issues));
  return Object.assign(guard, { optional: true as const });
}

/** `z.strictObject(shape)`: fields in shape order, then one issue listing every unknown key. */
export function strictObject<S extends Shape>(shape: S): Guard<ObjectOut<S>> {
  const keys = Object.keys(shape);
  const known = new Set(keys);
  return (value, path, issues) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ path, message: invalidType('object', value) });
      return {} as ObjectOut<S>;
    }
    const input = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const guard = shape[key] as Guard<unknown> & { optional?: true };
      const field = input[key];
      if (guard.optional && field === undefined) {
        if (key in input) out[key] = undefined;
        continue;
      }
      out[key] = guard(field, at(path, key), issues);
    }
    const unknown: string[] = [];
    for (const key in input) if (!known.has(key)) unknown.push(key);
    if (unknown.length > 0) {
      issues.push({ path, message: `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${unknown.map((k) => `"${k}"`).join(', ')}` });
    }
    return out as ObjectOut<S>;
  };
}
