import { strict as assert } from 'node:assert';
import { AppError, isAppError, silentReporter } from '@topoflow/common';
import { OvsdbErrors, type OvsdbClient } from '@topoflow/probes';
import { AgentErrors } from '../../errors.js';
import { defaultOvsSflowExportConfig, OvsSflowExport, SAMPLING_OFF } from './ovs-sflow.js';

/** Records transactions and answers with `reply`. */
class FakeClient {
  readonly calls: { db: string; ops: Record<string, unknown>[] }[] = [];
  reply: (ops: Record<string, unknown>[]) => unknown[] = (ops) => ops.map((op) => (op.op === 'insert' ? { uuid: ['uuid', 'row-1'] } : op.op === 'update' ? { count: 1 } : {}));
  async transact(db: string, ops: readonly Record<string, unknown>[]): Promise<unknown[]> {
    this.calls.push({ db, ops: [...ops] });
    return this.reply([...ops]);
  }
}

function exporter(client: FakeClient, config: Partial<ReturnType<typeof defaultOvsSflowExportConfig>> = {}) {
  return new OvsSflowExport({ ...defaultOvsSflowExportConfig(), bridge: 'br0', target: '127.0.0.1:6345', probeId: 'a_b', ...config },
    { client: client as unknown as OvsdbClient, reporter: silentReporter().child('capture') });
}

describe('OvsSflowExport', () => {
  it('inserts an sFlow row and points the bridge at it in one transaction that waits for the bridge', async () => {
    const client = new FakeClient();
    const e = exporter(client, { headerSize: 128, samplingRate: 3, pollingInterval: 10 });
    await e.start();
    assert.equal(e.uuid, 'row-1');
    const [call] = client.calls;
    assert.equal(call?.db, 'Open_vSwitch');
    assert.deepEqual(call?.ops.map((o) => o.op), ['wait', 'insert', 'update']);
    assert.deepEqual(call?.ops[1]?.row, {
      agent: 'lo', targets: ['set', ['127.0.0.1:6345']], header: 128, sampling: 3, polling: 10, external_ids: ['map', [['skydive-probe-id', 'a_b']]],
    });
    assert.deepEqual(call?.ops[2]?.row, { sflow: ['named-uuid', 'topoflow_sflow'] });
    await e.start();
    assert.equal(client.calls.length, 1, 'start is idempotent');
  });

  it('maps sampling rate 0 to 2^32-1 and header size 0 to 256', async () => {
    const client = new FakeClient();
    await exporter(client, { samplingRate: 0, headerSize: 0 }).start();
    const row = client.calls[0]?.ops[1]?.row as Record<string, unknown>;
    assert.equal(row.sampling, SAMPLING_OFF);
    assert.equal(row.header, 256);
  });

  it('clears Bridge.sflow on stop only while it still points at its row', async () => {
    const client = new FakeClient();
    const e = exporter(client);
    await e.start();
    await e.stop();
    await e.stop();
    assert.equal(client.calls.length, 2);
    assert.deepEqual(client.calls[1]?.ops, [{
      op: 'update', table: 'Bridge', where: [['name', '==', 'br0'], ['sflow', 'includes', ['uuid', 'row-1']]], row: { sflow: ['set', []] },
    }]);
    assert.equal(e.uuid, null);
  });

  it('fails with AGENT_OVS_BRIDGE_NOT_FOUND when the bridge does not exist', async () => {
    const client = new FakeClient();
    client.reply = () => {
      throw new AppError(OvsdbErrors.TRANSACT_FAILED, 'OVSDB transaction failed', { details: { result: [{ error: 'timed out' }, null] } });
    };
    await assert.rejects(exporter(client).start(), (err) => isAppError(err, AgentErrors.OVS_BRIDGE_NOT_FOUND));
  });

  it('fails with AGENT_OVS_SFLOW_FAILED on other OVSDB errors, and a failed stop can be retried', async () => {
    const client = new FakeClient();
    const e = exporter(client);
    await e.start();
    client.reply = () => {
      throw new AppError(OvsdbErrors.NOT_CONNECTED, 'not connected');
    };
    await assert.rejects(e.stop(), (err) => isAppError(err, AgentErrors.OVS_SFLOW_FAILED));
    assert.equal(e.uuid, 'row-1');
    client.reply = () => [{ count: 1 }];
    await e.stop();
    assert.equal(e.uuid, null);
  });
});
