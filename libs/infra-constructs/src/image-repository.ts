import { Construct } from 'constructs';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { IMAGE_TAG_PREFIXES, imageRepositoryName, type Environment } from '@relay/platform-config';

/** How many deployed images stay: the running one and the rollback targets behind it. */
export const LIVE_IMAGES_KEPT = 20;

/**
 * A service's image registry, created with the account (bootstrap) so that the pipeline can
 * push before the first apply of the service. Immutable tags, scan on push, and a lifecycle
 * that never expires an image a service may run: ECR evaluates rules by priority and an image
 * a higher rule selects is never expired by a lower one, so the `live-` rule shields every
 * deployed image from the count rule for pushed-but-never-deployed ones.
 */
export class ImageRepository extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: { env: Environment; service: string }) {
    super(scope, id);
    const { env } = props;
    this.repository = new EcrRepository(this, 'repository', {
      name: imageRepositoryName(env, props.service),
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'AES256' }],
      forceDelete: env.kind !== 'prod',
    });
    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `deployed images: keep the last ${LIVE_IMAGES_KEPT} (the running one and its rollback targets)`,
            selection: { tagStatus: 'tagged', tagPrefixList: [IMAGE_TAG_PREFIXES.live], countType: 'imageCountMoreThan', countNumber: LIVE_IMAGES_KEPT },
            action: { type: 'expire' },
          },
          {
            rulePriority: 2,
            description: 'untagged layers and build leftovers expire fast',
            selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: env.retention.ecrUntaggedDays },
            action: { type: 'expire' },
          },
          {
            rulePriority: 3,
            description: `pushed but never deployed: keep the last ${env.retention.ecrKeepImages}`,
            selection: {
              tagStatus: 'tagged',
              tagPrefixList: [IMAGE_TAG_PREFIXES.pushed],
              countType: 'imageCountMoreThan',
              countNumber: env.retention.ecrKeepImages,
            },
            action: { type: 'expire' },
          },
        ],
      }),
    });
  }
}
