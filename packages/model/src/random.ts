/** The model's masks and splits draw from the shared seeded PRNG, so two models are compared on exactly the same holdout. */
export { seededRandom } from '@airfill/schema';
