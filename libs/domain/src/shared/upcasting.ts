/**
 * Schema evolution (issue 21, point 7). Stored events never change; when an event's shape must
 * change, its type gets a new schema version and an **upcaster** from the version before, and every
 * read (the command side loading a stream, the projector, the relay, the audit log) sees the current
 * shape. The procedure is in ARCHITECTURE.md ("Changing an event's shape"):
 *
 * 1. Change the event's type in `*.events.ts` to the new shape and make the decider write it.
 * 2. Add an upcaster here `{type, fromVersion: n, upcast}` turning shape n into n + 1 — pure, total
 *    (every stored event of shape n has an answer) and never reading anything but the event.
 * 3. New events are stamped with the new version on append; old ones stay as stored and are upcast
 *    on every read, so decisions, projections and rebuilds see one shape.
 * 4. Add a test that stores the old shape and reads it through every path (test/upcasting.e2e-spec.ts).
 */
export interface Upcaster {
  readonly type: string;
  /** The schema version it reads; it returns the shape of version `fromVersion + 1`. */
  readonly fromVersion: number;
  readonly description: string;
  readonly upcast: (data: Record<string, unknown>) => Record<string, unknown>;
}

export const UPCASTERS: readonly Upcaster[] = [
  {
    type: 'EnterpriseDeregistered',
    fromVersion: 1,
    description: 'v2 records the kind of exit (closed, merged, moved_away, other); deregistrations recorded before it say "unrecorded"',
    upcast: (data) => ({ ...data, kind: 'unrecorded' }),
  },
];

/** An event as read or appended: its type, data and metadata (with `schemaVersion`). */
interface VersionedEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: object;
}

/** The upcasters by type and version: the current version of each type, and the upcast of any stored event to it. */
export class EventSchemas {
  private readonly byType = new Map<string, Upcaster[]>();

  constructor(upcasters: readonly Upcaster[]) {
    for (const u of upcasters) (this.byType.get(u.type) ?? this.byType.set(u.type, []).get(u.type)!).push(u);
    for (const [type, list] of this.byType) {
      list.sort((a, b) => a.fromVersion - b.fromVersion);
      list.forEach((u, i) => {
        if (u.fromVersion !== i + 1) throw new Error(`the upcasters of ${type} must run from version 1 without gaps (found ${list.map((x) => x.fromVersion).join(', ')})`);
      });
    }
  }

  /** The version new events of a type are written in: 1 + its upcasters. */
  currentVersion(type: string): number {
    return (this.byType.get(type)?.length ?? 0) + 1;
  }

  /** The event in the current shape of its type (the same object when it is current already). */
  upcast<E extends VersionedEvent>(event: E): E {
    const stored = Number((event.metadata as { schemaVersion?: unknown }).schemaVersion ?? 1);
    const current = this.currentVersion(event.type);
    if (stored === current) return event;
    if (stored > current) throw new Error(`event ${event.type} has schema version ${stored}, newer than this code reads (${current}): upgrade before reading this log`);
    let data = event.data as Record<string, unknown>;
    for (const u of this.byType.get(event.type)!.slice(stored - 1)) data = u.upcast(data);
    return { ...event, data, metadata: { ...event.metadata, schemaVersion: current } };
  }

  /** The event stamped with the current version of its type, for appending. */
  stamp<E extends VersionedEvent>(event: E): E {
    return { ...event, metadata: { ...event.metadata, schemaVersion: this.currentVersion(event.type) } };
  }
}

export const EVENT_SCHEMAS = new EventSchemas(UPCASTERS);
