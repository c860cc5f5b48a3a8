/** `vane sql`: placeholder until the command is built (issue 5). */
export function sql(_argv: string[]): Promise<void> {
  return Promise.reject(new Error('vane sql is not built yet'));
}
