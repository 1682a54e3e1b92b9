import { z } from 'zod';

const throttle = z.object({
  /** Requests admitted at once (token bucket size). */
  burst: z.number().int().min(1).max(5000),
  /** Steady requests per second. */
  ratePerSecond: z.number().min(1).max(10_000),
});

/**
 * The read API and the dashboard of one environment (issue 13). Every field
 * has a default, so an environment file says only what differs.
 */
export const readApiConfigSchema = z.object({
  /**
   * Who may call the API: SigV4-signed requests of IAM principals of the
   * account (`iam`), or bearer tokens of an OpenID Connect issuer (`jwt`;
   * the dashboard sends the token it was given, see packages/dashboard).
   */
  auth: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('iam') }),
      z.object({
        type: z.literal('jwt'),
        issuer: z.url({ protocol: /^https$/, error: 'the JWT issuer must be an https URL' }),
        audience: z.array(z.string().min(1)).min(1),
      }),
    ])
    .default({ type: 'iam' }),
  /** Limits of every route not named in `routeThrottles`. */
  throttle: throttle.default({ burst: 100, ratePerSecond: 50 }),
  /** Tighter limits for the expensive routes, by API Gateway route key. */
  routeThrottles: z.record(z.string().regex(/^GET \/api\//), throttle).default({
    'GET /api/series': { burst: 40, ratePerSecond: 20 },
    'GET /api/series/summary': { burst: 20, ratePerSecond: 10 },
    'GET /api/sensors': { burst: 20, ratePerSecond: 10 },
    'GET /api/completeness': { burst: 10, ratePerSecond: 5 },
  }),
  /** Days the API Gateway access logs are kept. */
  accessLogRetentionDays: z.number().int().min(1).default(90),
  /** Raster tiles under the dashboard's map (`https://.../{z}/{x}/{y}.png`); null: the bundled outline only. */
  tileUrl: z
    .string()
    .regex(/^https:\/\/.*\{z\}.*\{x\}.*\{y\}/, { error: 'a tile URL is https with {z}, {x} and {y}' })
    .nullable()
    .default(null),
  tileAttribution: z.string().default(''),
  /** CloudFront edge locations used for the dashboard. */
  priceClass: z.enum(['PriceClass_100', 'PriceClass_200', 'PriceClass_All']).default('PriceClass_100'),
});

/** Validated read API config. */
export type ReadApiConfig = z.output<typeof readApiConfigSchema>;
