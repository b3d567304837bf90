export type Role = 'enterprise' | 'bureau' | 'regulator' | 'admin' | 'system';

/** Who did it and why, recorded with every event. */
export interface EventMetadata {
  readonly actor: string;
  readonly role: Role;
  readonly requestId: string;
  readonly idempotencyKey?: string;
  readonly schemaVersion: number;
}

/** An immutable fact: a past-tense `type` (the stored contract), its data and metadata. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
  readonly metadata: EventMetadata;
}

/** Who is acting and when; the only source of time for a decider. */
export interface CommandContext {
  readonly actor: string;
  readonly role: Role;
  readonly requestId: string;
  readonly idempotencyKey?: string;
  /** The instant the command is decided, ISO 8601. */
  readonly now: string;
}

export const SCHEMA_VERSION = 1;

export function metadataOf(ctx: CommandContext): EventMetadata {
  return {
    actor: ctx.actor,
    role: ctx.role,
    requestId: ctx.requestId,
    ...(ctx.idempotencyKey ? { idempotencyKey: ctx.idempotencyKey } : {}),
    schemaVersion: SCHEMA_VERSION,
  };
}
