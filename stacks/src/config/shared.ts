/**
 * Values the environments share. Kept as plain data so each environment file
 * reads as the full picture of that environment.
 */

/** The region airfill runs in. */
export const REGION = 'eu-central-1';

/** SageMaker's built-in XGBoost 1.7-1 image in {@link REGION} (the registry account differs per region). */
export const XGBOOST_IMAGE_URI = '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-xgboost:1.7-1';

/** The Terraform state bucket the bootstrap stack creates. */
export const STATE_BUCKET = 'airfill-terraform-state';

/** Where an environment keeps its Terraform state inside {@link STATE_BUCKET}. */
export function stateKey(environment: string): string {
  return `airfill/${environment}/terraform.tfstate`;
}

/** Two isolated subnets, one per zone; the VPC is a /16 so more fit later. */
export function isolatedSubnets(secondOctet: number): { availabilityZone: string; cidr: string }[] {
  return [
    { availabilityZone: `${REGION}a`, cidr: `10.${secondOctet}.0.0/20` },
    { availabilityZone: `${REGION}b`, cidr: `10.${secondOctet}.16.0/20` },
  ];
}
