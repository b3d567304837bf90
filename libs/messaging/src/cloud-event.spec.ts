import { fromCloudEvent, toCloudEvent } from './cloud-event.js';

describe('CloudEvents mapping of recorded events', () => {
  const event = {
    streamId: 'enterprise-91330106MA2B00042X',
    revision: 3,
    position: 1234,
    type: 'MonthlyReportFiled',
    data: { period: '2024-05', revenue: '1000.00' },
    metadata: { actor: 'enterprise:91330106MA2B00042X', role: 'enterprise' },
    recordedAt: '2024-06-05T01:02:03.456Z',
  };

  it('maps to a CloudEvents 1.0 document keyed by stream and revision, and back', () => {
    const document = toCloudEvent(event);
    expect(document).toEqual({
      specversion: '1.0',
      id: 'enterprise-91330106MA2B00042X@3',
      source: 'urn:fuju-ledger:event-store',
      type: 'cn.fuju-ledger.MonthlyReportFiled',
      subject: 'enterprise-91330106MA2B00042X',
      time: '2024-06-05T01:02:03.456Z',
      datacontenttype: 'application/json',
      data: { period: '2024-05', revenue: '1000.00' },
      fujuposition: 1234,
      fujurevision: 3,
      fujumetadata: { actor: 'enterprise:91330106MA2B00042X', role: 'enterprise' },
    });
    expect(fromCloudEvent(JSON.parse(JSON.stringify(document)))).toEqual(event);
  });
});
