// Text forms of addresses as the reference prints them (Go's net.HardwareAddr and net.IP String()).

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A MAC address as lowercase colon-separated hex. */
export function macString(b: Uint8Array, at: number): string {
  return `${HEX[b[at] as number]}:${HEX[b[at + 1] as number]}:${HEX[b[at + 2] as number]}:${HEX[b[at + 3] as number]}:${HEX[b[at + 4] as number]}:${HEX[b[at + 5] as number]}`;
}

/** An IPv4 address in dotted decimal. */
export function ipv4String(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** An IPv6 address in RFC 5952 form; an IPv4-mapped address prints as IPv4, as Go does. */
export function ipv6String(b: Uint8Array, at: number): string {
  let mapped = b[at + 10] === 0xff && b[at + 11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (b[at + i] !== 0) mapped = false;
  if (mapped) return ipv4String(b, at + 12);
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push((((b[at + i] as number) << 8) | (b[at + i + 1] as number)).toString(16));
  return compressIPv6(words);
}

/** Joins 8 hex words, writing the longest run (two or more) of zero words as ::. */
export function compressIPv6(words: readonly string[]): string {
  let best = -1, bestLen = 1;
  for (let i = 0; i < words.length;) {
    if (words[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < words.length && words[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return words.join(':');
  return `${words.slice(0, best).join(':')}::${words.slice(best + bestLen).join(':')}`;
}
