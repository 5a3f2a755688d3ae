import { TerraformIterator, Token, type TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';

export interface DnsValidatedCertificateProps {
  /** The public hosted zone the name lives in. */
  zoneId: string;
  domainName: string;
  /** us-east-1 for CloudFront; the stack's own region otherwise. */
  provider?: TerraformProvider;
}

/**
 * An ACM certificate validated through its Route 53 zone. `arn` is the validated certificate,
 * so whatever uses it (listener, distribution) waits for issuance instead of failing on a
 * pending certificate during the first apply.
 */
export class DnsValidatedCertificate extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    const certificate = new AcmCertificate(this, 'certificate', {
      domainName: props.domainName,
      validationMethod: 'DNS',
      keyAlgorithm: 'EC_prime256v1',
      options: { certificateTransparencyLoggingPreference: 'ENABLED' },
      lifecycle: { createBeforeDestroy: true },
      provider: props.provider,
    });
    const options = TerraformIterator.fromComplexList(certificate.domainValidationOptions, 'domain_name');
    const records = new Route53Record(this, 'validation', {
      forEach: options,
      zoneId: props.zoneId,
      name: options.getString('resource_record_name'),
      type: options.getString('resource_record_type'),
      records: [options.getString('resource_record_value')],
      ttl: 300,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, 'validated', {
      certificateArn: certificate.arn,
      validationRecordFqdns: Token.asList(TerraformIterator.fromResources(records).pluckProperty('fqdn')),
      provider: props.provider,
    });
    this.arn = validation.certificateArn;
  }
}
