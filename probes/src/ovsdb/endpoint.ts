// OVSDB connection addresses as OVS and Skydive write them: "unix:/path", "unix:///path", "tcp:host:port",
// or a bare "host:port" (TCP).
import { parseAddress } from '@topoflow/common';
import type { NetConnectOpts } from 'node:net';
import { OvsdbErrors, ovsdbError } from './errors.js';

/** Where an OVSDB server listens. */
export type OvsdbEndpoint = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/** Parses an OVSDB address; fails with PROBES_OVSDB_ADDRESS_INVALID. */
export function parseOvsdbAddress(text: string): OvsdbEndpoint {
  const s = text.trim();
  if (s.startsWith('unix:')) {
    const path = s.slice('unix:'.length).replace(/^\/\/(?=\/)/, '');
    if (path.length === 0) throw invalid(text);
    return { kind: 'unix', path };
  }
  const hostPort = s.startsWith('tcp:') ? s.slice('tcp:'.length).replace(/^\/\//, '') : s;
  try {
    const a = parseAddress(hostPort);
    if (a.port === 0) throw invalid(text);
    return { kind: 'tcp', host: a.host, port: a.port };
  } catch (err) {
    throw invalid(text, err);
  }
}

/** The options net.createConnection takes for an endpoint. */
export function connectOptions(e: OvsdbEndpoint): NetConnectOpts {
  return e.kind === 'unix' ? { path: e.path } : { host: e.host, port: e.port };
}

function invalid(text: string, cause?: unknown): Error {
  return ovsdbError(OvsdbErrors.ADDRESS_INVALID, `invalid OVSDB address "${text}": expected unix:/path or tcp:host:port`, {
    statusCode: 400, details: { value: text }, cause,
  });
}
