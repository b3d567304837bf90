/** The roles of the people and systems that use Fuju Ledger (DESIGN.md, users). */
export type Role = 'enterprise' | 'bureau' | 'regulator' | 'admin';
export const ROLES: readonly Role[] = ['enterprise', 'bureau', 'regulator', 'admin'];

/** Who is acting: from a verified token (the api) or the operator of a command line (the CLI). */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
  /** For role enterprise: the USCC it acts for. */
  readonly uscc?: string;
  /** For role bureau: the region code prefix it is responsible for. */
  readonly region?: string;
}
