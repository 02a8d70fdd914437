// The crash test: concurrent clients create and PATCH nodes through the REST API as fast as they can while the
// analyzer is killed with SIGKILL at seeded random moments; after every restart on the same data dir, each
// acknowledged revision must be in history and the restored live graph must hold it or a newer one.
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type El, gremlin, request } from '../support/api.js';
import { ServiceProcess } from '../support/processes.js';
import { Chooser } from '../support/random.js';

const SEED = Number(process.env.HISTORY_CRASH_SEED ?? 20_250_601);
const ROUNDS = 5;
const CLIENTS = 16;
const KILL_AFTER_MS: [number, number] = [50, 1500];
const SAMPLED_POINT_READS = 40;

/** A write the analyzer acknowledged with a 2xx. */
interface Ack {
  id: string;
  revision: number;
  updatedAt: number;
  mtu: number;
}

/** What one round of ingest did. */
interface RoundStats {
  acked: number;
  creates: number;
  patches: number;
  cutOff: number;
  unexpected: string[];
}

describe('graph history under SIGKILL (crash test)', function () {
  this.timeout(90_000);
  const run = randomUUID().slice(0, 8);
  const type = `crash${run}`;
  let dir: string;
  let analyzer: ServiceProcess | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-e2e-crash-'));
  });
  after(async () => {
    await analyzer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Starts the analyzer on the shared data dir. Odd rounds run with the default batching; even rounds store one
   * event per transaction, so events wait longer in the queue and a kill lands more often among writes not yet
   * durable (an acknowledgement sent too early is then caught).
   */
  const start = async (round: number): Promise<ServiceProcess> => {
    analyzer = await ServiceProcess.start('analyzer', {
      TOPOFLOW_ANALYZER_DATA_DIR: dir, ...(round % 2 === 0 ? { TOPOFLOW_ANALYZER_HISTORY_BATCH_SIZE: '1' } : {}),
    });
    return analyzer;
  };

  /** Writes from CLIENTS concurrent loops until the analyzer dies; every 2xx lands in `acks`. */
  async function ingest(a: ServiceProcess, round: number, rng: Chooser, known: string[], acks: Ack[], dead: () => boolean): Promise<RoundStats> {
    const stats: RoundStats = { acked: 0, creates: 0, patches: 0, cutOff: 0, unexpected: [] };
    let mtu = 1000 + round * 1_000_000;
    const client = async (c: number): Promise<void> => {
      for (let k = 0; !dead(); k++) {
        const value = mtu++;
        const creating = known.length === 0 || rng.next() < 0.15;
        const id = creating ? `${type}-${round}-${c}-${k}` : rng.pick(known);
        let r;
        try {
          r = creating
            ? await request<El>(a.url, 'POST', '/api/node', { ID: id, Metadata: { Name: id, Type: type, MTU: value } })
            : await request<El>(a.url, 'PATCH', `/api/node/${id}`, [{ op: 'replace', path: '/Metadata/MTU', value }]);
        } catch (err) {
          if (dead()) stats.cutOff++;
          else stats.unexpected.push(`${id}: ${String(err)}`);
          continue;
        }
        if (r.status !== (creating ? 201 : 200)) {
          stats.unexpected.push(`${id}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
          continue;
        }
        acks.push({ id, revision: r.body.Revision, updatedAt: r.body.UpdatedAt, mtu: value });
        stats.acked++;
        if (creating) {
          stats.creates++;
          known.push(id);
        } else stats.patches++;
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    return stats;
  }

  /** Every acknowledged revision is in history, and the live graph holds it or a newer one. */
  async function verify(a: ServiceProcess, acks: readonly Ack[], rng: Chooser): Promise<void> {
    const stored = new Map<string, number>();
    for (const n of await gremlin<El[]>(a.url, `G.At(${Date.now()}, FOREVER).V().Has('Type', '${type}')`)) {
      stored.set(`${n.ID}/${n.Revision}/${n.UpdatedAt}`, n.Metadata.MTU as number);
    }
    const missing = acks.filter((k) => stored.get(`${k.id}/${k.revision}/${k.updatedAt}`) !== k.mtu);
    assert.deepEqual(missing.slice(0, 5), [], `${missing.length} of ${acks.length} acknowledged revisions are not in history`);

    for (let i = 0; i < SAMPLED_POINT_READS && acks.length > 0; i++) {
      const k = rng.pick(acks);
      const [n] = await gremlin<El[]>(a.url, `G.At(${k.updatedAt}).V('${k.id}')`);
      // Revisions made in the same millisecond: the instant shows the newest of them.
      assert.equal(n?.UpdatedAt, k.updatedAt, `G.At(${k.updatedAt}).V('${k.id}')`);
      assert.ok(n.Revision >= k.revision, `${k.id}: revision ${n.Revision} at ${k.updatedAt}, acknowledged ${k.revision}`);
      if (n.Revision === k.revision) assert.equal(n.Metadata.MTU, k.mtu);
    }

    const last = new Map<string, Ack>();
    for (const k of acks) if ((last.get(k.id)?.revision ?? 0) < k.revision) last.set(k.id, k);
    const live = new Map((await gremlin<El[]>(a.url, `G.V().Has('Type', '${type}')`)).map((n) => [n.ID, n]));
    for (const k of last.values()) {
      const n = live.get(k.id);
      assert.ok(n !== undefined, `${k.id} is not in the restored live graph`);
      assert.ok(n.Revision >= k.revision, `${k.id}: live revision ${n.Revision} < acknowledged ${k.revision}`);
      if (n.Revision === k.revision) assert.deepEqual([n.UpdatedAt, n.Metadata.MTU], [k.updatedAt, k.mtu], k.id);
    }
  }

  it(`keeps every acknowledged revision through ${ROUNDS} SIGKILLs at random moments (seed ${SEED})`, async () => {
    // Kill delays come from their own generator: the clients' draws interleave differently on every run.
    const delays = new Chooser(SEED);
    const rng = new Chooser(SEED + 1);
    const acks: Ack[] = [];
    const known: string[] = [];
    let a = await start(1);
    for (let round = 1; round <= ROUNDS; round++) {
      const delay = KILL_AFTER_MS[0] + delays.int(KILL_AFTER_MS[1] - KILL_AFTER_MS[0] + 1);
      let killed = false;
      const victim = a;
      const timer = setTimeout(() => {
        killed = true;
        void victim.kill();
      }, delay);
      const stats = await ingest(victim, round, rng, known, acks, () => killed).finally(() => clearTimeout(timer));
      await victim.kill();
      console.log(`      round ${round} (batch ${round % 2 === 0 ? '1' : 'default'}): SIGKILL after ${delay} ms; ${stats.acked} writes acknowledged (${stats.creates} creates, ${stats.patches} patches), ${stats.cutOff} cut off`);
      assert.deepEqual(stats.unexpected.slice(0, 5), [], `${stats.unexpected.length} writes failed before the kill`);
      a = await start(round + 1);
      await verify(a, acks, rng);
    }
    console.log(`      ${acks.length} acknowledged writes on ${known.length} nodes, all in history after ${ROUNDS} crashes`);
  });
});
