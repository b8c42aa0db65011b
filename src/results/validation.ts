/** Turns zod issues into messages a user can act on: `path.to.field: what is wrong`. */
import type { z } from 'zod';

export function formatIssues(error: z.ZodError, limit = 10): string {
  const lines = error.issues.slice(0, limit).map((issue) => {
    const path = issue.path.length === 0 ? '(top level)' : issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    return `  ${path}: ${issue.message}`;
  });
  if (error.issues.length > limit) lines.push(`  … and ${error.issues.length - limit} more`);
  return lines.join('\n');
}
