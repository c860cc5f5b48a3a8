/** `vane types`: placeholder until the command is built (issue 5). */
export function types(_argv: string[]): Promise<void> {
  return Promise.reject(new Error('vane types is not built yet'));
}
