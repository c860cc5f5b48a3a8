import { describe, expect, it } from 'vitest';
import { VaneError } from '../util/index.ts';
import { loadUws, UWS_PACKAGE } from './uws-module.ts';

function failure(load: () => unknown): VaneError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(VaneError);
    return error as VaneError;
  }
  throw new Error('loadUws did not fail');
}

describe('loadUws', () => {
  it('loads the native uWebSockets.js installed here', () => {
    const uws = loadUws();
    expect(typeof uws.App).toBe('function');
    expect(typeof uws.DISABLED).toBe('number');
  });

  it('fails with INVALID_OPTION naming the package and how to install it when it is missing', () => {
    const error = failure(() =>
      loadUws(() => {
        throw new Error(`Cannot find module '${UWS_PACKAGE}'\nRequire stack: …`);
      }),
    );
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain(`npm install ${UWS_PACKAGE}`);
    expect(error.message).toContain(`Cannot find module '${UWS_PACKAGE}'`);
    expect(error.message).not.toContain('Require stack');
    expect(error.message).toContain('--transport ws');
  });

  it('refuses the JavaScript fallback the package loads when its native binary does not', () => {
    // What the package exports then: App and a few functions, no compression constants.
    const error = failure(() => loadUws(() => ({ App: () => ({}), _cfg: () => undefined })));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain('native binary');
    expect(error.message).toContain(process.version);
  });
});
