import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { type KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { type SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { type Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { arn } from '../iam/policy';
import { type Naming } from '../naming';

/** Props of {@link Database}. */
export interface DatabaseProps {
  naming: Naming;
  subnets: Subnet[];
  securityGroup: SecurityGroup;
  /** Encrypts storage, Performance Insights and the master secret. */
  key: KmsKey;
}

/**
 * Aurora PostgreSQL 16: encrypted storage, IAM database authentication for the
 * Lambdas, master password generated and kept by RDS in Secrets Manager (it
 * never passes through Terraform state), Performance Insights, the
 * backup/deletion settings of the environment's config, an exact engine
 * version with automatic minor upgrades off (no drift), and a final snapshot
 * named per cluster.
 */
export class Database extends Construct {
  readonly cluster: RdsCluster;
  readonly instances: RdsClusterInstance[];
  /** ARN of the master user secret (RDS-managed), for the migration only. */
  readonly masterSecretArn: string;
  /** `rds-db:connect` ARN of the application user (IAM auth). */
  readonly appUserConnectArn: string;
  readonly port = 5432;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { naming, key } = props;
    const db = naming.config.database;

    const subnetGroup = new DbSubnetGroup(this, 'subnets', {
      name: naming.name('db'),
      subnetIds: props.subnets.map((subnet) => subnet.id),
    });
    const parameters = new RdsClusterParameterGroup(this, 'parameters', {
      name: naming.name('aurora-pg16'),
      family: 'aurora-postgresql16',
      description: 'airfill: TLS only',
      parameter: [
        // IAM tokens are only accepted over TLS anyway; refuse plain connections for every user.
        { name: 'rds.force_ssl', value: '1' },
        { name: 'log_min_duration_statement', value: '5000' },
      ],
    });

    const clusterIdentifier = naming.name('db');
    // RDS would create the export's log group itself: unencrypted and kept forever. Terraform makes it first.
    const postgresLogs = new CloudwatchLogGroup(this, 'postgres-logs', {
      name: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
      retentionInDays: naming.config.functions.logRetentionDays,
      kmsKeyId: key.arn,
    });

    this.cluster = new RdsCluster(this, 'cluster', {
      clusterIdentifier,
      engine: 'aurora-postgresql',
      engineVersion: db.engineVersion,
      databaseName: db.databaseName,
      masterUsername: db.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: key.arn,
      iamDatabaseAuthenticationEnabled: true,
      storageEncrypted: true,
      kmsKeyId: key.arn,
      port: this.port,
      dbSubnetGroupName: subnetGroup.name,
      dbClusterParameterGroupName: parameters.name,
      vpcSecurityGroupIds: [props.securityGroup.id],
      backupRetentionPeriod: db.backupRetentionDays,
      preferredBackupWindow: '02:00-03:00',
      copyTagsToSnapshot: true,
      deletionProtection: db.deletionProtection,
      skipFinalSnapshot: !db.finalSnapshot,
      // Unique per cluster (the creation time), so a second destroy never meets the first one's snapshot.
      finalSnapshotIdentifier: db.finalSnapshot ? Fn.join('-', [naming.name('db-final'), Fn.formatdate('YYYYMMDDhhmmss', Fn.timestamp())]) : undefined,
      enabledCloudwatchLogsExports: ['postgresql'],
      serverlessv2ScalingConfiguration: db.serverless
        ? { minCapacity: db.serverless.minCapacity, maxCapacity: db.serverless.maxCapacity }
        : undefined,
      dependsOn: [postgresLogs],
      // The snapshot name is fixed when the cluster is created; timestamp() must not change it on every plan.
      lifecycle: { ignoreChanges: ['final_snapshot_identifier'] },
    });

    // Writer first; readers (config) spread over the other zones by RDS.
    this.instances = Array.from({ length: 1 + db.readers }, (_, index) => {
      const role = index === 0 ? 'writer' : `reader-${index}`;
      return new RdsClusterInstance(this, role, {
        identifier: naming.name(`db-${role}`),
        clusterIdentifier: this.cluster.id,
        engine: 'aurora-postgresql',
        // The version is the cluster's; an instance inherits it.
        instanceClass: db.instanceClass,
        dbSubnetGroupName: subnetGroup.name,
        publiclyAccessible: false,
        // Lower tier is promoted first: the writer stays preferred.
        promotionTier: index,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: key.arn,
        performanceInsightsRetentionPeriod: db.performanceInsightsRetentionDays,
        // Pinned exactly in config and upgraded by a reviewed change, never by AWS under Terraform's feet.
        autoMinorVersionUpgrade: false,
      });
    });

    this.masterSecretArn = this.cluster.masterUserSecret.get(0).secretArn;
    this.appUserConnectArn = arn(naming, 'rds-db', `dbuser:${this.cluster.clusterResourceId}/${db.appUsername}`);
  }
}
