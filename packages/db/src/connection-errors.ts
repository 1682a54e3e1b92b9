import { DatabaseUnavailableError } from './errors';

/** A URL for messages: the password replaced. */
export function redactUrl(url: string): string {
  return url.replace(/:\/\/([^:@/]+):[^@]*@/, '://$1:***@');
}

/** The driver's or the network's error code, looked for down the cause chain. */
function codeOf(error: unknown): { code?: string; message: string } {
  for (let current: unknown = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return { code, message: (current as Error).message };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

/**
 * Turns a failure to reach or log in to PostgreSQL into one sentence a user
 * can act on (wrong password, missing database, unknown host, nothing
 * listening), naming the server without its password. Other errors pass
 * through unchanged.
 */
export function describeConnectionError(error: unknown, url: string): unknown {
  const { code, message } = codeOf(error);
  let where = redactUrl(url);
  let user = '';
  let database = '';
  if (URL.canParse(url)) {
    const parsed = new URL(url);
    where = `${parsed.hostname || parsed.searchParams.get('host') || 'localhost'}:${parsed.port || 5432}`;
    user = decodeURIComponent(parsed.username);
    database = decodeURIComponent(parsed.pathname.slice(1));
  }
  const explained: Record<string, string> = {
    '28P01': `PostgreSQL at ${where} refused the password of user "${user}"`,
    '28000': `PostgreSQL at ${where} refused user "${user}": ${message}`,
    '3D000': `database "${database}" does not exist on PostgreSQL at ${where}; create it, or name another in the URL`,
    '57P03': `PostgreSQL at ${where} is starting up or shutting down; try again in a moment`,
    ENOTFOUND: `cannot find the host of ${redactUrl(url)} (no such host name)`,
    EAI_AGAIN: `cannot look up the host of ${redactUrl(url)} (name resolution failed; offline?)`,
    ECONNREFUSED: `nothing accepts connections at ${where}; is PostgreSQL running there?`,
    ETIMEDOUT: `PostgreSQL at ${where} did not answer in time`,
    EHOSTUNREACH: `the host of ${where} cannot be reached`,
  };
  const sentence = code ? explained[code] : /timeout exceeded when trying to connect/i.test(message) ? `PostgreSQL at ${where} did not answer in time` : undefined;
  if (!sentence) return error;
  return new DatabaseUnavailableError(sentence, { location: redactUrl(url), code }, { cause: error });
}
