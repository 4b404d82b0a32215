/**
 * The local stack's DynamoDB (dynalite) on a thread of its own (started by local/dynalite.ts).
 *
 * dynalite is a separate HTTP server anyway; on the main thread it took about a fifth of the
 * stack's CPU (parsing expressions, validating, encoding items), competing with the pool and the
 * triggers for one JavaScript thread while the machine's other cores idled. Here it runs beside
 * them: same process (its CPU and memory still count as the stack's), same port, same storage.
 *
 * Plain JavaScript on purpose: a worker thread does not inherit a TypeScript loader under every
 * runner (jest transforms modules in-process only), and dynalite is JavaScript anyway.
 *
 * workerData: { host, port, path } (path: a LevelDB folder, or undefined for memory).
 * Messages to the parent: { type: 'listening', port } | { type: 'failed', message, code, port }
 * and { type: 'closed', message? } after { type: 'close' } from the parent.
 */
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require('dynalite');

const { host, port, path } = workerData;
// The tables are usable at once (dynalite's default keeps them CREATING for 500 ms).
const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

server.once('error', (error) => {
  parentPort.postMessage({ type: 'failed', message: error.message, code: error.code, port: error.port });
});

server.listen(port, host, () => {
  parentPort.postMessage({ type: 'listening', port: server.address().port });
});

parentPort.on('message', (message) => {
  if (message?.type !== 'close') return;
  // dynalite's close() also closes its store (and the LevelDB files when persisting).
  server.close((error) => {
    parentPort.postMessage({ type: 'closed', ...(error ? { message: error.message } : {}) });
    parentPort.close();
  });
  server.closeIdleConnections();
});
