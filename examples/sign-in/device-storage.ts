/**
 * This browser's remembered device, one per user pool and user, in IndexedDB. The private key is
 * stored as the CryptoKey object it is (IndexedDB keeps it by structured clone), still
 * non-extractable: no script, this page's included, can read it out; it can only sign with it here.
 * Nothing of it goes to localStorage, a cookie or the server (only the public key did, once).
 */
import type { DeviceStorage, RememberedDevice } from '../clients/device';

const DATABASE = 'remembered-devices';
const STORE = 'devices';

/** Remembering needs IndexedDB and WebCrypto (a secure context: https://, or localhost). */
export const canRememberDevices = (): boolean =>
  typeof indexedDB !== 'undefined' && globalThis.isSecureContext && Boolean(globalThis.crypto?.subtle);

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** One request in its own transaction, settled once the transaction has committed. */
async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const database = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = database.transaction(STORE, mode);
      const request = act(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    database.close();
  }
}

/** A stored value as a remembered device, or nothing (an entry of another shape is no device). */
function asDevice(value: unknown): RememberedDevice | undefined {
  const device = value as Partial<RememberedDevice> | undefined;
  return typeof device?.deviceId === 'string' &&
    typeof device.sub === 'string' &&
    device.privateKey instanceof CryptoKey
    ? { deviceId: device.deviceId, sub: device.sub, privateKey: device.privateKey, name: device.name ?? '' }
    : undefined;
}

/** The device of this pool and user; the user as typed at sign-in (an email: any case). */
export function deviceStorage(userPoolId: string, username: string): DeviceStorage {
  const key = `${userPoolId}/${username.trim().toLowerCase()}`;
  return {
    load: async () => asDevice(await run('readonly', (store) => store.get(key))),
    save: async (device) => {
      await run('readwrite', (store) => store.put(device, key));
    },
    forget: async () => {
      await run('readwrite', (store) => store.delete(key));
    },
  };
}
