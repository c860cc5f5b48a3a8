/** A random identifier of `bytes` bytes as lowercase hex (epochs, connection ids). Browser-safe. */
export function randomId(bytes = 8): string {
  const data = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(data);
  let id = '';
  for (const byte of data) id += byte.toString(16).padStart(2, '0');
  return id;
}
