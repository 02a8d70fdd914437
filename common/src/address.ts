// "host:port" listen and connect addresses; a bare port means loopback, as in Skydive.
import { AppError, CommonErrors } from './errors.js';

/** A parsed network address. */
export interface Address {
  host: string;
  port: number;
}

/** Parses "host:port", "[v6]:port", ":port" or "port" (the last two mean 127.0.0.1). */
export function parseAddress(text: string): Address {
  const s = text.trim();
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s) ?? /^()()(\d+)$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AppError(CommonErrors.ADDRESS_INVALID, `invalid address "${text}": expected host:port`, {
      statusCode: 400, details: { value: text },
    });
  }
  const host = m[1] || m[2] || '127.0.0.1';
  return { host, port };
}

/** Formats an address back to "host:port" (brackets for IPv6). */
export function formatAddress(a: Address): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
