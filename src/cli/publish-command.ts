/** `vane publish`: placeholder until the command is built (issue 5). */
export function publish(_argv: string[]): Promise<void> {
  return Promise.reject(new Error('vane publish is not built yet'));
}
