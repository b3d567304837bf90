import { ForbiddenError } from '../../domain/src/index.js';
import type { Principal } from './actor.js';

/**
 * Who may do what, in one place (DESIGN.md, users): an enterprise acts for itself, a bureau inside
 * its region prefix, regulators read everything and write nothing, admins do everything.
 */
export const access = {
  /** Region-scoped work (figures, releases, monitoring, registrations): a bureau inside its prefix; regulators and admins everywhere. */
  assertRegion(principal: Principal, region: string, action = 'read figures for'): void {
    if (principal.role === 'regulator' || principal.role === 'admin') return;
    if (principal.role === 'bureau' && principal.region && region.startsWith(principal.region)) return;
    const where = region === '' ? 'the whole country' : `region ${region}`;
    throw new ForbiddenError(
      principal.role === 'bureau' ? `a bureau for region ${principal.region} may not ${action} ${where}` : `the ${principal.role} role may not ${action} ${where}`,
    );
  },

  /** An enterprise acts only for itself; its bureau for enterprises in its region. */
  assertEnterprise(principal: Principal, uscc: string, enterpriseRegion: string | undefined, action: string): void {
    if (principal.role === 'admin') return;
    if (principal.role === 'enterprise' && principal.uscc === uscc) return;
    if (principal.role === 'bureau' && principal.region && enterpriseRegion?.startsWith(principal.region)) return;
    throw new ForbiddenError(`the ${principal.role} token may not ${action} enterprise ${uscc}`);
  },

  /** Review of filings (审核, 催报): the bureau of the enterprise's region (and admins); enterprises and regulators do not review. */
  assertReviewer(principal: Principal, uscc: string, enterpriseRegion: string | undefined, action: string): void {
    if (principal.role !== 'bureau' && principal.role !== 'admin') throw new ForbiddenError(`the ${principal.role} role may not ${action} enterprise ${uscc}`);
    access.assertEnterprise(principal, uscc, enterpriseRegion, action);
  },

  /** What only the enterprise itself does (answering a query about its own report); admins too. */
  assertEnterpriseItself(principal: Principal, uscc: string, action: string): void {
    if (principal.role === 'admin' || (principal.role === 'enterprise' && principal.uscc === uscc)) return;
    throw new ForbiddenError(`the ${principal.role} token may not ${action} enterprise ${uscc}`);
  },

  /** Reading an enterprise: as acting for it, and regulators too. */
  assertEnterpriseRead(principal: Principal, uscc: string, enterpriseRegion: string | undefined): void {
    if (principal.role !== 'regulator') access.assertEnterprise(principal, uscc, enterpriseRegion, 'read');
  },

  /**
   * Outlets and rentals are acted on by the owning enterprise, or by the bureau of the region the
   * outlet's community lies in. Admin reaches this only through the CLI import (the HTTP routes
   * admit enterprise and bureau).
   */
  assertService(principal: Principal, ownerUscc: string, communityCode: string, action: string): void {
    if (principal.role === 'admin') return;
    if (principal.role === 'enterprise' && principal.uscc === ownerUscc) return;
    if (principal.role === 'bureau' && principal.region && communityCode.startsWith(principal.region)) return;
    throw new ForbiddenError(`the ${principal.role} token may not ${action} of enterprise ${ownerUscc} in community ${communityCode}`);
  },

  /** Reading an outlet: as acting on it, and regulators too. */
  assertServiceRead(principal: Principal, ownerUscc: string, communityCode: string, action: string): void {
    if (principal.role !== 'regulator') access.assertService(principal, ownerUscc, communityCode, action);
  },

  /** A pilot's progress: a bureau reads only pilots inside its region (the routes admit bureaus, regulators and admins). */
  assertPilotProgress(principal: Principal, regionCode: string): void {
    if (principal.role === 'bureau' && !regionCode.startsWith(principal.region ?? '-'))
      throw new ForbiddenError(`a bureau for region ${principal.region} may not read the progress of pilot ${regionCode}`);
  },

  /** Whether an outlet or rental is visible: to its enterprise, the bureau of its community, regulators and admins. */
  canSeeService(principal: Principal, ownerUscc: string, communityCode: string): boolean {
    if (principal.role === 'regulator' || principal.role === 'admin') return true;
    if (principal.role === 'enterprise') return principal.uscc === ownerUscc;
    return principal.role === 'bureau' && !!principal.region && communityCode.startsWith(principal.region);
  },

  /** Whether an unpublished release is visible: to admins, regulators and the bureaus of its region. */
  canSeeDraft(principal: Principal | undefined, region: string): boolean {
    if (!principal) return false;
    return principal.role === 'admin' || principal.role === 'regulator' || (principal.role === 'bureau' && !!principal.region && region.startsWith(principal.region));
  },
};
