// Entry of the Cassandra bundle (dist/cassandra.js), loaded on first use through src/clients/bundles.ts.
export { DriverCassandraClient } from './driverClient';
export * from './types';
