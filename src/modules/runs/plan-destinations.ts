import { checkLiteralHost, type AddressPolicy } from '../../platform/net/egress-policy.js';
import { ApiError } from '../../platform/http/api-error.js';
import type { Plan } from '../workflows/plan.schema.js';
import { checkUrl } from '../../platform/net/url-allowlist.js';

/** Every top-level URL of a plan with the body field it came from. */
function planUrlFields(plan: Plan): { field: string; url: string }[] {
  const out: { field: string; url: string }[] = [];
  if (plan.start_url !== undefined) out.push({ field: 'plan.start_url', url: plan.start_url });
  plan.steps.forEach((step, i) => {
    if ('navigate' in step) out.push({ field: `plan.steps.${i}.navigate`, url: step.navigate });
  });
  return out;
}

/**
 * Submit-time view of the browser egress policy, for what is known without
 * DNS: the team's allowlist (403 `domain_not_allowed`), the scheme (400), and
 * literal private addresses or `localhost` (403 `destination_not_allowed`).
 * Names that resolve to private addresses are refused when the browser
 * connects. Inputs substituted at run time are checked then.
 */
export function assertPlanDestinations(plan: Plan, allowedDomains: readonly string[], policy: AddressPolicy): void {
  const urls = planUrlFields(plan);
  if (allowedDomains.length > 0) {
    const refused = urls.find((u) => !checkUrl(u.url, allowedDomains).allowed);
    if (refused) throw new ApiError('domain_not_allowed', "A plan URL is outside the team's allowed_domains", { url: refused.url });
  }
  const badScheme = urls.filter((u) => {
    const verdict = checkUrl(u.url, []);
    return !verdict.allowed && (verdict.reason === 'scheme' || verdict.reason === 'unparseable');
  });
  if (badScheme.length > 0) {
    throw ApiError.validation('Plan URLs must be absolute http or https URLs', {
      fields: badScheme.map((u) => ({ field: u.field, message: 'must be an absolute http or https URL', in: 'body' })),
    });
  }
  const withUserinfo = urls.find((u) => !checkUrl(u.url, []).allowed);
  if (withUserinfo) throw new ApiError('domain_not_allowed', 'A plan URL carries credentials or has no host', { url: withUserinfo.url });
  for (const u of urls) {
    const verdict = checkLiteralHost(new URL(u.url).hostname, policy);
    if (verdict && !verdict.allowed) {
      throw new ApiError('destination_not_allowed', `A plan URL names a ${verdict.range} address, which the browser egress policy refuses`, { url: u.url });
    }
  }
}
