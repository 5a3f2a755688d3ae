/**
 * Looks through Terraform JSON (synthesized stacks, `terraform show -json` plans, state) for
 * anything that looks like a secret value, before it is uploaded or kept anywhere:
 *   node --import tsx tools/secrets-scan/scan.ts <file.json>...   (exit 1 on a finding)
 * Heuristics, each a class seen in real leaks: SSM SecureStrings under Terraform (their value
 * is read back into state on every refresh), JWTs, AWS access keys, PEM private keys, known
 * development secrets, and literal values of attributes named like secrets.
 */
import { readFileSync } from 'node:fs';
import { LOCAL_AUTH } from '@relay/platform-config';

export interface Finding {
  path: string;
  reason: string;
}

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/;
const ACCESS_KEY = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const SECRET_NAMED = /(secret|password|passwd|token|private_key|api_key|value_wo)$/i;
const NOT_A_VALUE = /(_arn|_name|_parameter|_id|_version|_length|_ttl|_type|_header|_url)$/i;
const KNOWN_SECRETS = [LOCAL_AUTH.secret];

export function findSecrets(document: unknown): Finding[] {
  const findings: Finding[] = [];
  const visit = (value: unknown, path: string, key: string) => {
    if (typeof value === 'string') {
      if (JWT.test(value)) findings.push({ path, reason: 'a JSON Web Token' });
      if (ACCESS_KEY.test(value)) findings.push({ path, reason: 'an AWS access key id' });
      if (PRIVATE_KEY.test(value)) findings.push({ path, reason: 'a PEM private key' });
      if (KNOWN_SECRETS.some((s) => value.includes(s))) findings.push({ path, reason: 'a known development secret' });
      const literal = !value.startsWith('${') && value.length >= 16;
      if (literal && SECRET_NAMED.test(key) && !NOT_A_VALUE.test(key)) findings.push({ path, reason: `a literal value in "${key}"` });
      return;
    }
    if (Array.isArray(value)) return value.forEach((v, i) => visit(v, `${path}[${i}]`, key));
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record['type'] === 'SecureString' && ('value' in record || 'name' in record)) {
        findings.push({ path, reason: 'an SSM SecureString managed by Terraform (its value is refreshed into state)' });
      }
      for (const [k, v] of Object.entries(record)) visit(v, path ? `${path}.${k}` : k, k);
    }
  };
  visit(document, '', '');
  return findings;
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: scan.ts <file.json>...');
    process.exit(2);
  }
  let total = 0;
  for (const file of files) {
    const findings = findSecrets(JSON.parse(readFileSync(file, 'utf8')));
    for (const f of findings) console.error(`${file}: ${f.path}: ${f.reason}`);
    total += findings.length;
  }
  console.log(total === 0 ? `no secrets found in ${files.length} file(s)` : `${total} possible secret(s) found`);
  process.exit(total === 0 ? 0 : 1);
}
