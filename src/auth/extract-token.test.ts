import { describe, expect, it } from 'vitest';
import { extractToken } from './extract-token.ts';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl';

describe('extractToken', () => {
  it('reads an Authorization: Bearer header, scheme case-insensitive', () => {
    for (const authorization of [`Bearer ${JWT}`, `bearer ${JWT}`, `  BEARER   ${JWT} `]) {
      expect(extractToken({ authorization })).toEqual({
        token: JWT,
        source: 'authorization',
        subprotocol: null,
      });
    }
  });

  it('ignores other schemes and an empty bearer', () => {
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', JWT, 'Bearer a b']) {
      expect(extractToken({ authorization }).token).toBeNull();
    }
  });

  it('reads the token query parameter of a request target or a full URL', () => {
    expect(extractToken({ url: `/v1/ws?token=${JWT}` })).toEqual({
      token: JWT,
      source: 'query',
      subprotocol: null,
    });
    expect(extractToken({ url: `wss://h.example/v1/ws?x=1&token=${JWT}#frag` }).token).toBe(JWT);
    expect(extractToken({ url: '/v1/ws?token=a%2Bb' }).token).toBe('a+b');
    expect(extractToken({ url: '/v1/ws?token=' }).token).toBeNull();
    expect(extractToken({ url: '/v1/ws?tokens=x' }).token).toBeNull();
    expect(extractToken({ url: '/v1/ws' }).token).toBeNull();
  });

  it('reads the vane.v1, token.<jwt> subprotocol pair and answers with vane.v1', () => {
    expect(extractToken({ secWebSocketProtocol: `vane.v1, token.${JWT}` })).toEqual({
      token: JWT,
      source: 'subprotocol',
      subprotocol: 'vane.v1',
    });
    expect(extractToken({ secWebSocketProtocol: `token.${JWT},vane.v1` }).subprotocol).toBe(
      'vane.v1',
    );
  });

  it('answers vane.v1 whenever it is offered, wherever the token came from', () => {
    expect(
      extractToken({ authorization: `Bearer ${JWT}`, secWebSocketProtocol: 'vane.v1' }),
    ).toEqual({ token: JWT, source: 'authorization', subprotocol: 'vane.v1' });
    expect(extractToken({ secWebSocketProtocol: 'vane.v1' })).toEqual({
      token: null,
      source: null,
      subprotocol: 'vane.v1',
    });
    expect(extractToken({ secWebSocketProtocol: `other, token.${JWT}` }).subprotocol).toBeNull();
  });

  it('ignores an empty token. entry', () => {
    expect(extractToken({ secWebSocketProtocol: 'vane.v1, token.' }).token).toBeNull();
  });

  it('prefers the header, then the subprotocol, then the query', () => {
    const all = {
      authorization: 'Bearer from-header',
      secWebSocketProtocol: 'vane.v1, token.from-protocol',
      url: '/v1/ws?token=from-query',
    };
    expect(extractToken(all)).toMatchObject({ token: 'from-header', source: 'authorization' });
    expect(extractToken({ ...all, authorization: undefined })).toMatchObject({
      token: 'from-protocol',
      source: 'subprotocol',
    });
    expect(
      extractToken({ ...all, authorization: undefined, secWebSocketProtocol: undefined }),
    ).toMatchObject({ token: 'from-query', source: 'query' });
  });

  it('finds nothing in an empty request', () => {
    expect(extractToken({})).toEqual({ token: null, source: null, subprotocol: null });
  });
});
