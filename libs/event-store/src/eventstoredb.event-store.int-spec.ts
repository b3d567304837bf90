import { describeEventStoreContract } from './event-store.contract.js';
import { EventStoreDbEventStore } from './eventstoredb.event-store.js';

/**
 * The same contract suite as the SQLite store, against a live EventStoreDB (KurrentDB) when
 * EVENTSTORE_CONNECTION_STRING points at one; skipped, saying so, otherwise.
 */
const connection = process.env.EVENTSTORE_CONNECTION_STRING;

if (!connection) {
  process.stderr.write('SKIPPED EventStoreDB contract suite: set EVENTSTORE_CONNECTION_STRING=esdb://host:2113?tls=false to run it against a live server\n');
  describe.skip('EventStore contract: EventStoreDB (set EVENTSTORE_CONNECTION_STRING)', () => {
    it('runs against a live EventStoreDB', () => undefined);
  });
} else {
  const open = async () => {
    const store = new EventStoreDbEventStore(connection);
    // Fail fast and say why when the address does not answer, rather than hang in retries.
    await Promise.race([
      store.headPosition(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`EventStoreDB at ${connection} did not answer within 5 s`)), 5000)),
    ]);
    return store;
  };
  describeEventStoreContract('EventStoreDB', open, async (store) => {
    await store.close();
    return open();
  });
}
