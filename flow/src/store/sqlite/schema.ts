// The SQLite schema of the flow store and its statements (named parameters, better-sqlite3 style).

/** Schema version written in flow_meta; a store with another version is refused. */
export const SCHEMA_VERSION = 1;

/**
 * Statements creating the schema (idempotent). Flows are read by time (Last, then UUID as the paging key) or by
 * capture node; metric records by flow; both are pruned by time.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS flow_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS flows (
  uuid TEXT PRIMARY KEY, node_tid TEXT NOT NULL, capture_id TEXT NOT NULL, tracking_id TEXT NOT NULL,
  start REAL NOT NULL, last REAL NOT NULL, finish_type INTEGER NOT NULL, flow TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS flows_last ON flows (last, uuid);
CREATE INDEX IF NOT EXISTS flows_node ON flows (node_tid, last);
CREATE TABLE IF NOT EXISTS flow_metrics (
  uuid TEXT NOT NULL, start REAL NOT NULL, last REAL NOT NULL, ab_packets INTEGER NOT NULL, ab_bytes INTEGER NOT NULL,
  ba_packets INTEGER NOT NULL, ba_bytes INTEGER NOT NULL, rtt REAL, PRIMARY KEY (uuid, start, last));
CREATE INDEX IF NOT EXISTS flow_metrics_last ON flow_metrics (last);
CREATE TABLE IF NOT EXISTS flow_packets (
  uuid TEXT NOT NULL, idx INTEGER NOT NULL, ts REAL NOT NULL, link_type INTEGER NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (uuid, idx));
CREATE INDEX IF NOT EXISTS flow_packets_ts ON flow_packets (ts);
`;

const METRIC_COLUMNS = `uuid, start, last, ab_packets AS abPackets, ab_bytes AS abBytes, ba_packets AS baPackets,
  ba_bytes AS baBytes, rtt`;
const PACKET_COLUMNS = 'uuid, idx, ts, link_type AS linkType, data';
const UUIDS = 'uuid IN (SELECT value FROM json_each(@uuids))';

/** The statements of the store. */
export const SQL = {
  readVersion: "SELECT value FROM flow_meta WHERE key = 'schema'",
  countFlows: 'SELECT count(*) FROM flows',
  countMetrics: 'SELECT count(*) FROM flow_metrics',
  countPackets: 'SELECT count(*) FROM flow_packets',
  writeVersion: "INSERT INTO flow_meta (key, value) VALUES ('schema', ?)",
  upsertFlow: `INSERT INTO flows (uuid, node_tid, capture_id, tracking_id, start, last, finish_type, flow)
    VALUES (@uuid, @nodeTID, @captureID, @trackingID, @start, @last, @finishType, @json)
    ON CONFLICT (uuid) DO UPDATE SET node_tid = excluded.node_tid, capture_id = excluded.capture_id,
      tracking_id = excluded.tracking_id, start = excluded.start, last = excluded.last,
      finish_type = excluded.finish_type, flow = excluded.flow
    WHERE excluded.last >= flows.last`,
  insertMetric: `INSERT OR IGNORE INTO flow_metrics (uuid, start, last, ab_packets, ab_bytes, ba_packets, ba_bytes, rtt)
    VALUES (@uuid, @start, @last, @abPackets, @abBytes, @baPackets, @baBytes, @rtt)`,
  insertPacket: `INSERT OR IGNORE INTO flow_packets (uuid, idx, ts, link_type, data)
    VALUES (@uuid, @idx, @ts, @linkType, @data)`,
  // (last, uuid) > (@afterLast, @afterUuid) is "Last ≥ from" on a first page (afterUuid '' sorts before any UUID).
  flows: `SELECT flow FROM flows WHERE (last, uuid) > (@afterLast, @afterUuid) AND start <= @to
    ORDER BY last, uuid LIMIT @limit`,
  flowsOfNodes: `SELECT flow FROM flows WHERE (last, uuid) > (@afterLast, @afterUuid) AND start <= @to
    AND node_tid IN (SELECT value FROM json_each(@tids)) ORDER BY last, uuid LIMIT @limit`,
  metrics: `SELECT ${METRIC_COLUMNS} FROM flow_metrics WHERE ${UUIDS} AND start >= @from AND last <= @to
    ORDER BY last, uuid, start`,
  packets: `SELECT ${PACKET_COLUMNS} FROM flow_packets WHERE ${UUIDS} ORDER BY idx, uuid`,
  packetsIn: `SELECT ${PACKET_COLUMNS} FROM flow_packets WHERE ${UUIDS} AND ts >= @from AND ts <= @to ORDER BY idx, uuid`,
  pruneFlows: 'DELETE FROM flows WHERE uuid IN (SELECT uuid FROM flows WHERE last < ? LIMIT ?) RETURNING uuid',
  pruneMetricsOf: `DELETE FROM flow_metrics WHERE ${UUIDS}`,
  prunePacketsOf: `DELETE FROM flow_packets WHERE ${UUIDS}`,
  pruneMetrics: 'DELETE FROM flow_metrics WHERE rowid IN (SELECT rowid FROM flow_metrics WHERE last < ? LIMIT ?)',
  prunePackets: 'DELETE FROM flow_packets WHERE rowid IN (SELECT rowid FROM flow_packets WHERE ts < ? LIMIT ?)',
} as const;
