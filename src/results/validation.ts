/**
 * Reading checked JSON documents (results, baselines, the gate config): messages that name the file and
 * the field, say what was expected and what was found, and tell a truncated file from a wrong one.
 */
import type { z } from 'zod';

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_$][\w$-]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * One line per zod issue: `cases[3].median: expected number, received string`. Issues whose message
 * starts with "must" read as `threshold.default must be ..., got "abc"`.
 */
export function formatZodIssue(issue: z.core.$ZodIssue, input: unknown, unknownWord = 'key'): string {
  const path = formatPath(issue.path);
  const value = valueAt(input, issue.path);
  const where = path === '' ? 'top level' : path;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `${where}: unknown ${unknownWord}${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  if (issue.message.startsWith('must')) return `${where} ${issue.message}, got ${show(value)}`;
  if (issue.code === 'invalid_type' && value === undefined) return `${where}: missing (expected ${issue.expected})`;
  if (issue.code === 'invalid_value') {
    return `${where}: expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${show(value)}`;
  }
  return `${where}: ${issue.message.replace(/^Invalid input: /, '')}`;
}

export function formatZodIssues(file: string, error: z.ZodError, input: unknown, unknownWord = 'key', limit = 5): string {
  const lines = error.issues.slice(0, limit).map((i) => `${file}: ${formatZodIssue(i, input, unknownWord)}`);
  if (error.issues.length > limit) lines.push(`${file}: ... and ${error.issues.length - limit} more problems`);
  return lines.join('\n');
}

/** `line 3, column 14` (1-based) of a character offset, to find a hand-editing mistake. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/**
 * JSON.parse with a message naming the file and saying when it looks truncated. A leading byte-order
 * mark (some Windows editors add one to a hand-edited file) is skipped: it is not part of the content.
 */
export function parseJsonText(text: string, file: string, makeError: (message: string) => Error): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw makeError(`${file}: the file is empty`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(reason);
    // Truncated: the parser ran out of text. An error at the last character (a trailing comma before
    // the closing brace, a stray brace) is a hand-editing mistake, not a cut file.
    const truncated = /end of (JSON )?input/i.test(reason) || (position !== null && Number(position[1]) >= text.trimEnd().length);
    // Newer V8 versions say the line themselves.
    const at = position === null || /\bline \d+/.test(reason) ? '' : `, ${lineAndColumn(text, Number(position[1]))}`;
    throw makeError(`${file}: not valid JSON (${reason}${at})${truncated ? '; the file looks truncated' : ''}`);
  }
}

/**
 * Parses a versioned JSON document: JSON errors, a missing or unsupported `schemaVersion`, unknown
 * keys and missing fields all become one error naming the file and what is wrong.
 */
export function parseVersionedJson<T>(
  text: string,
  file: string,
  spec: {
    readonly schema: z.ZodType<T>;
    /** The version, or the versions, this reader accepts. */
    readonly version: number | readonly number[];
    /** What the document is, for messages: `baseline`, `results file`. */
    readonly what: string;
    /** What to do about an unsupported version. */
    readonly advice: string;
    readonly makeError: (message: string) => Error;
    /** Says what the document is instead, when it is another of the suite's files (checked first). */
    readonly otherKind?: (data: Readonly<Record<string, unknown>>) => string | null;
  },
): T {
  const data = parseJsonText(text, file, spec.makeError);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw spec.makeError(`${file}: expected a JSON object at the top level, got ${Array.isArray(data) ? 'an array' : show(data)}`);
  }
  const other = spec.otherKind?.(data as Record<string, unknown>) ?? null;
  if (other !== null) throw spec.makeError(`${file}: ${other}`);
  const version = (data as Record<string, unknown>)['schemaVersion'];
  const accepted: readonly number[] = typeof spec.version === 'number' ? [spec.version] : spec.version;
  const supported = accepted.join(' or ');
  if (version === undefined) {
    throw spec.makeError(`${file}: schemaVersion is missing (supported: ${supported}); is this a ${spec.what}?`);
  }
  if (typeof version !== 'number' || !accepted.includes(version)) {
    throw spec.makeError(
      `${file}: ${spec.what} schemaVersion ${show(version)} is not supported (this version reads schemaVersion ${supported}); ${spec.advice}`,
    );
  }
  const parsed = spec.schema.safeParse(data);
  if (!parsed.success) throw spec.makeError(formatZodIssues(file, parsed.error, data));
  return parsed.data;
}
