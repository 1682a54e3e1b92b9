/**
 * Values the environments share. Kept as plain data so each environment file
 * reads as the full picture of that environment.
 */

/** The region airfill runs in. */
export const REGION = 'eu-central-1';

/** SageMaker's built-in XGBoost 1.7-1 image in {@link REGION} (the registry account differs per region). */
export const XGBOOST_IMAGE_URI = '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-xgboost:1.7-1';

/** The repository whose GitHub Actions plan and deploy (placeholder: set yours, see stacks/README.md). */
export const GITHUB_REPOSITORY = 'airfill/airfill';

/** Two isolated subnets, one per zone; the VPC is a /16 so more fit later. */
export function isolatedSubnets(secondOctet: number): { availabilityZone: string; cidr: string }[] {
  return [
    { availabilityZone: `${REGION}a`, cidr: `10.${secondOctet}.0.0/20` },
    { availabilityZone: `${REGION}b`, cidr: `10.${secondOctet}.16.0/20` },
  ];
}
