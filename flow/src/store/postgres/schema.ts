// The PostgreSQL schema of the flow store (the SQLite one with double precision times and bytea packets) and its
// statements, all qualified with the PostgreSQL schema that holds the tables (shared with the graph history).

/** Schema version written in flow_meta; a store with another version is refused. */
export const SCHEMA_VERSION = 1;

/** The tables of one store, for size figures. */
export const TABLES = ['flow_meta', 'flows', 'flow_metrics', 'flow_packets'] as const;

/** Statements creating the schema (idempotent); `s` is the quoted schema name. */
export const schemaStatements = (s: string): string[] => [
  `CREATE TABLE IF NOT EXISTS ${s}.flow_meta (key text PRIMARY KEY, value text NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${s}.flows (
    uuid text PRIMARY KEY, node_tid text NOT NULL, capture_id text NOT NULL, tracking_id text NOT NULL,
    start double precision NOT NULL, last double precision NOT NULL, finish_type smallint NOT NULL, flow text NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS flows_last ON ${s}.flows (last, uuid)`,
  `CREATE INDEX IF NOT EXISTS flows_node ON ${s}.flows (node_tid, last)`,
  `CREATE TABLE IF NOT EXISTS ${s}.flow_metrics (
    uuid text NOT NULL, start double precision NOT NULL, last double precision NOT NULL, ab_packets bigint NOT NULL,
    ab_bytes bigint NOT NULL, ba_packets bigint NOT NULL, ba_bytes bigint NOT NULL, rtt double precision,
    PRIMARY KEY (uuid, start, last))`,
  `CREATE INDEX IF NOT EXISTS flow_metrics_last ON ${s}.flow_metrics (last)`,
  `CREATE TABLE IF NOT EXISTS ${s}.flow_packets (
    uuid text NOT NULL, idx integer NOT NULL, ts double precision NOT NULL, link_type integer NOT NULL, data bytea NOT NULL,
    PRIMARY KEY (uuid, idx))`,
  `CREATE INDEX IF NOT EXISTS flow_packets_ts ON ${s}.flow_packets (ts)`,
];

const METRIC_COLUMNS = `uuid, start, last, ab_packets AS "abPackets", ab_bytes AS "abBytes", ba_packets AS "baPackets",
  ba_bytes AS "baBytes", rtt`;
const PACKET_COLUMNS = 'uuid, idx, ts, link_type AS "linkType", data';

/** The statements of one store, for the quoted schema name `s`. */
export function statements(s: string) {
  return {
    readVersion: `SELECT value FROM ${s}.flow_meta WHERE key = 'schema'`,
    writeVersion: `INSERT INTO ${s}.flow_meta (key, value) VALUES ('schema', $1) ON CONFLICT (key) DO NOTHING`,
    // Sorted by UUID so two writers upserting the same flows take their row locks in the same order.
    upsertFlows: `INSERT INTO ${s}.flows AS f (uuid, node_tid, capture_id, tracking_id, start, last, finish_type, flow)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::smallint[], $8::text[])
        AS u(uuid, node_tid, capture_id, tracking_id, start, last, finish_type, flow) ORDER BY uuid
      ON CONFLICT (uuid) DO UPDATE SET node_tid = excluded.node_tid, capture_id = excluded.capture_id,
        tracking_id = excluded.tracking_id, start = excluded.start, last = excluded.last,
        finish_type = excluded.finish_type, flow = excluded.flow
      WHERE excluded.last >= f.last`,
    insertMetrics: `INSERT INTO ${s}.flow_metrics (uuid, start, last, ab_packets, ab_bytes, ba_packets, ba_bytes, rtt)
      SELECT * FROM unnest($1::text[], $2::float8[], $3::float8[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::float8[])
      ON CONFLICT DO NOTHING`,
    insertPackets: `INSERT INTO ${s}.flow_packets (uuid, idx, ts, link_type, data)
      SELECT * FROM unnest($1::text[], $2::integer[], $3::float8[], $4::integer[], $5::bytea[])
      ON CONFLICT DO NOTHING`,
    // (last, uuid) > ($1, $2) is "Last ≥ from" on a first page ('' sorts before any UUID).
    flows: `SELECT flow FROM ${s}.flows WHERE (last, uuid) > ($1, $2) AND start <= $3 ORDER BY last, uuid LIMIT $4`,
    flowsOfNodes: `SELECT flow FROM ${s}.flows WHERE (last, uuid) > ($1, $2) AND start <= $3 AND node_tid = ANY($5::text[])
      ORDER BY last, uuid LIMIT $4`,
    metrics: `SELECT ${METRIC_COLUMNS} FROM ${s}.flow_metrics WHERE uuid = ANY($1::text[]) AND start >= $2 AND last <= $3
      ORDER BY last, uuid, start`,
    packets: `SELECT ${PACKET_COLUMNS} FROM ${s}.flow_packets WHERE uuid = ANY($1::text[]) ORDER BY idx, uuid`,
    packetsIn: `SELECT ${PACKET_COLUMNS} FROM ${s}.flow_packets WHERE uuid = ANY($1::text[]) AND ts >= $2 AND ts <= $3
      ORDER BY idx, uuid`,
    pruneFlows: `WITH gone AS (DELETE FROM ${s}.flows WHERE uuid IN (SELECT uuid FROM ${s}.flows WHERE last < $1 LIMIT $2) RETURNING uuid),
      m AS (DELETE FROM ${s}.flow_metrics WHERE uuid IN (SELECT uuid FROM gone) RETURNING 1),
      p AS (DELETE FROM ${s}.flow_packets WHERE uuid IN (SELECT uuid FROM gone) RETURNING 1)
      SELECT (SELECT count(*) FROM gone) AS flows, (SELECT count(*) FROM m) AS metrics, (SELECT count(*) FROM p) AS packets`,
    pruneMetrics: `WITH d AS (DELETE FROM ${s}.flow_metrics WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${s}.flow_metrics WHERE last < $1 LIMIT $2))
      RETURNING 1) SELECT count(*) AS n FROM d`,
    prunePackets: `WITH d AS (DELETE FROM ${s}.flow_packets WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${s}.flow_packets WHERE ts < $1 LIMIT $2))
      RETURNING 1) SELECT count(*) AS n FROM d`,
    counts: `SELECT (SELECT count(*) FROM ${s}.flows) AS flows, (SELECT count(*) FROM ${s}.flow_metrics) AS metrics,
      (SELECT count(*) FROM ${s}.flow_packets) AS packets,
      (SELECT coalesce(sum(pg_total_relation_size(format('%I.%I', $1::text, t))), 0)
        FROM unnest($2::text[]) AS t WHERE to_regclass(format('%I.%I', $1::text, t)) IS NOT NULL) AS bytes`,
  };
}

/** The statements of one store. */
export type Statements = ReturnType<typeof statements>;
