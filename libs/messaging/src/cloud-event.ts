import type { RecordedEvent } from '../../event-store/src/index.js';

/** A CloudEvents 1.0 JSON document (structured mode) carrying one recorded event. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: unknown;
  /** Extension attributes: where the event stands in the log. */
  fujuposition: number;
  fujurevision: number;
  fujumetadata: Record<string, unknown>;
}

export const CLOUD_EVENT_SOURCE = 'urn:fuju-ledger:event-store';

export function toCloudEvent(event: RecordedEvent): CloudEvent {
  return {
    specversion: '1.0',
    id: `${event.streamId}@${event.revision}`,
    source: CLOUD_EVENT_SOURCE,
    type: `cn.fuju-ledger.${event.type}`,
    subject: event.streamId,
    time: event.recordedAt,
    datacontenttype: 'application/json',
    data: event.data,
    fujuposition: event.position,
    fujurevision: event.revision,
    fujumetadata: event.metadata,
  };
}

export function fromCloudEvent(document: CloudEvent): RecordedEvent {
  return {
    streamId: document.subject,
    revision: document.fujurevision,
    position: document.fujuposition,
    type: document.type.replace(/^cn\.fuju-ledger\./, ''),
    data: document.data,
    metadata: document.fujumetadata,
    recordedAt: document.time,
  };
}
