import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('OPEN_DATA configuration', () => {
  it('is off unless asked, on with true/1/yes, and refuses anything else', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).openData).to.equal(false);
    for (const v of ['true', '1', 'yes']) expect(loadConfig({ NODE_ENV: 'test', OPEN_DATA: v }).openData, v).to.equal(true);
    expect(loadConfig({ NODE_ENV: 'test', OPEN_DATA: 'false' }).openData).to.equal(false);
    expect(() => loadConfig({ NODE_ENV: 'test', OPEN_DATA: 'peut-être' })).to.throw(ConfigError, /OPEN_DATA/);
  });
});
