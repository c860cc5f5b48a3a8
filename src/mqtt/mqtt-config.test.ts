import { describe, expect, it } from 'vitest';
import { checkBrokerUrl, mergeMqttSettings } from './mqtt-config.ts';

describe('MQTT settings', () => {
  it('is off unless something asks for it', () => {
    expect(mergeMqttSettings(undefined, undefined, undefined)).toBeNull();
  });

  it('lets a URL and mappings replace the config file values, keeping the rest', () => {
    const file = {
      url: 'mqtt://file:1883',
      mappings: [{ topic: 'a/#', stream: 'a' }],
      clientId: 'vane-1',
    };
    expect(mergeMqttSettings(file, undefined, undefined)).toBe(file);
    expect(mergeMqttSettings(file, 'mqtt://flag:1883', undefined)).toEqual({
      ...file,
      url: 'mqtt://flag:1883',
    });
    expect(mergeMqttSettings(file, undefined, ['b/+=b'])).toEqual({
      ...file,
      mappings: [{ topic: 'b/+', stream: 'b' }],
    });
  });

  it('refuses half a configuration, bad URLs and bad mappings with INVALID_OPTION', () => {
    const invalid: unknown = expect.objectContaining({ code: 'INVALID_OPTION' });
    expect(() => mergeMqttSettings(undefined, 'mqtt://h:1883', undefined)).toThrow(invalid);
    expect(() => mergeMqttSettings(undefined, undefined, ['a=b'])).toThrow(invalid);
    expect(() => mergeMqttSettings(undefined, 'http://h', ['a=b'])).toThrow(invalid);
    expect(() => mergeMqttSettings(undefined, 'mqtt://h', ['a'])).toThrow(invalid);
  });

  it('never shows credentials in a URL error', () => {
    expect(() => checkBrokerUrl('http://user:hunter2@host')).toThrow(/^(?!.*hunter2)/);
    expect(() => checkBrokerUrl('nonsense://user:hunter2@')).toThrow(/^(?!.*hunter2)/);
  });
});
