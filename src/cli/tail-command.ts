/** `vane tail`: placeholder until the command is built (issue 5). */
export function tail(_argv: string[]): Promise<void> {
  return Promise.reject(new Error('vane tail is not built yet'));
}
