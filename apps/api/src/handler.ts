import { connectReadOnly, createApiApp } from '@airfill/api';
import { connectionSettingsFromEnv, type Database } from '@airfill/db';
import { createLogger } from '@airfill/pipeline';
import { handle } from 'hono/aws-lambda';

const logger = createLogger({ fields: { lambda: 'api' } });
// One small read-only pool per container (IAM auth as DB_USER = airfill_api), opened on the first request.
let pool: Database | undefined;
const database = () => (pool ??= connectReadOnly(connectionSettingsFromEnv(), { max: 2 }));

// CloudFront compresses at the edge; the Lambda answers plain.
/** Lambda: the read API behind an API Gateway HTTP API (payload format 2.0). */
export const handler = handle(createApiApp({ database, compress: false, onError: (error, request) => logger.error('request failed', { ...request, error }) }));
