import { TerraformResource, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';

type Taggable = TerraformResource & { tags?: Record<string, string>; tagsInput?: Record<string, string> };

function isTaggable(node: IConstruct): node is Taggable {
  return TerraformResource.isTerraformResource(node) && 'tagsInput' in node;
}

/**
 * Tags every taggable resource: cost allocation and the preview sweep both key on these.
 * A resource's own tags win over the defaults.
 */
export class TaggingAspect implements IAspect {
  constructor(private readonly tags: Record<string, string>) {}

  visit(node: IConstruct): void {
    if (isTaggable(node)) node.tags = { ...this.tags, ...(node.tagsInput ?? {}) };
  }
}
