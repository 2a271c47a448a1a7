// A helper thread for the bulk of a large draw: worker_threads in node, a
// module Web Worker in the browser, running worker.mjs. The hasher
// (hash.mjs) shares Merkle chunks and rank chunks with it; in node it also
// checks drand's BLS signature (sources.mjs) while this thread reads the
// pools. Only plain data crosses: byte buffers (transferred, not copied),
// strings and small objects. Everything it computes is computed by the
// same code (bulk.mjs) that runs here when there is no helper.

const isNode = typeof process !== 'undefined' && !!(process.versions && process.versions.node) && typeof window === 'undefined';

/** yieldToEvents lets the event loop run (so a helper's answers arrive) and resolves soon after. */
export function yieldToEvents() {
  if (isNode) return new Promise((r) => setImmediate(r));
  return new Promise((r) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      r();
    };
    ch.port2.postMessage(0);
  });
}

/** Helper is a started helper thread; run(msg) sends it one job and resolves to the result. */
export class Helper {
  constructor(post, kind, terminate, hold = () => {}) {
    this.post = post;
    this.kind = kind; // 'node' or 'browser'
    this.terminate = terminate;
    this.hold = hold; // hold(true) while jobs are out: node keeps running for them
    this.next = 1;
    this.pending = new Map();
    this.dead = null;
  }

  onMessage(m) {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.hold(false);
    if (m.error !== undefined) p.reject(new Error(`ssj-verify helper: ${m.error}`));
    else p.resolve(m.result);
  }

  onError(e) {
    this.dead = e;
    for (const p of this.pending.values()) p.reject(new Error(`ssj-verify helper failed: ${e && e.message ? e.message : e}`));
    this.pending.clear();
    this.hold(false);
  }

  /** run sends {op, ...} (transfer: the ArrayBuffers to move) and resolves to the helper's result. */
  run(msg, transfer = []) {
    if (this.dead) return Promise.reject(new Error(`ssj-verify helper failed: ${this.dead.message || this.dead}`));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.hold(true);
      this.pending.set(id, { resolve, reject });
      this.post({ ...msg, id }, transfer);
    });
  }

  /** close stops the helper thread. */
  close() {
    this.dead = this.dead || new Error('closed');
    this.terminate();
  }
}

/**
 * startHelper starts a helper thread and resolves to a Helper once it
 * answers, or to null where none can start (no worker support, or no
 * answer within timeoutMs): the verification then runs on one thread.
 */
export async function startHelper({ timeoutMs = 5000 } = {}) {
  const url = new URL('./worker.mjs', import.meta.url);
  let h;
  try {
    if (isNode) {
      const { Worker } = await import('node:worker_threads');
      const w = new Worker(url);
      // The thread keeps the process alive only while it has jobs.
      w.unref();
      h = new Helper((m, t) => w.postMessage(m, t), 'node', () => w.terminate(), (on) => (on ? w.ref() : w.unref()));
      w.on('message', (m) => h.onMessage(m));
      w.on('error', (e) => h.onError(e));
      w.on('exit', () => h.onError(new Error('exited')));
    } else if (typeof Worker !== 'undefined') {
      const w = new Worker(url, { type: 'module' });
      h = new Helper((m, t) => w.postMessage(m, t), 'browser', () => w.terminate());
      w.onmessage = (e) => h.onMessage(e.data);
      w.onerror = (e) => {
        e.preventDefault?.();
        h.onError(new Error(e.message || 'worker error'));
      };
    } else return null;
  } catch {
    return null;
  }
  let timer;
  const ok = await Promise.race([
    h.run({ op: 'ping' }).then(() => true, () => false),
    new Promise((r) => {
      timer = setTimeout(() => r(false), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (!ok) {
    h.close();
    return null;
  }
  return h;
}
