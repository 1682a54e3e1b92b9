import { Construct } from 'constructs';
import { arn } from '../iam/policy';
import { connectToDatabase } from '../iam/statements';
import { databaseEnvironmentOf, lambdaEnvironment, type FunctionsProps } from './functions';
import { AirfillFunction } from './lambda-function';

/** Props of {@link ModelPromotion}: what the pipeline's functions are built from. */
export type ModelPromotionProps = Omit<FunctionsProps, 'stateMachineName' | 'imageUri'>;

/**
 * The promote-model Lambda: a person's promotion or rollback of a
 * parameter's model in one `aws lambda invoke`. Its role updates the
 * `models` table (as the app user), the approval of packages in the
 * environment's package groups only, and the current-model pointers only;
 * no workflow invokes it.
 */
export class ModelPromotion extends Construct {
  readonly function: AirfillFunction;

  constructor(scope: Construct, id: string, props: ModelPromotionProps) {
    super(scope, id);
    const { naming, database, network, key, model } = props;
    const groups = Object.values(model.packageGroups);
    this.function = new AirfillFunction(this, 'promote-model', {
      naming,
      app: 'promote-model',
      description: "Promotes a registered model or rolls a parameter back; keeps the models table, the packages' approval and the current-model pointer in step",
      bundleDir: props.bundles['promote-model'],
      statements: [
        connectToDatabase(database.appUserConnectArn),
        {
          Sid: 'ApprovePackages',
          Effect: 'Allow',
          Action: 'sagemaker:UpdateModelPackage',
          // A package's ARN is <group>/<version>.
          Resource: groups.map((group) => arn(naming, 'sagemaker', `model-package/${group.modelPackageGroupName}/*`)),
        },
        { Sid: 'PointAtCurrentModel', Effect: 'Allow', Action: 'ssm:PutParameter', Resource: arn(naming, 'ssm', `parameter${naming.modelPointerPath}/*`) },
      ],
      environment: { ...lambdaEnvironment('promoteModel', { AIRFILL_ENV: naming.config.name }), ...databaseEnvironmentOf(database, naming) },
      subnets: network.subnets,
      securityGroup: network.functionSecurityGroup,
      key,
    });
  }
}
