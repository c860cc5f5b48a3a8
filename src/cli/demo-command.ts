/** `vane demo`: placeholder until the command is built (issue 5). */
export function demo(_argv: string[]): Promise<void> {
  return Promise.reject(new Error('vane demo is not built yet'));
}
