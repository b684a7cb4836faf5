import { strict as assert } from 'node:assert';
import { launchBuildSettings, parseDefines, stripJsonComments, unitOptions } from './settings.js';

describe('language settings', () => {
  it('reads defines as an object or as -D style strings, in order', () => {
    assert.deepEqual(parseDefines({ CONFIG_SMP: 1, NO_PTI: true, NAME: 'x y' }), [['CONFIG_SMP', '1'], ['NO_PTI', '1'], ['NAME', 'x y']]);
    assert.deepEqual(parseDefines(['A=1', 'B', 'F(x)=x+1']), [['A', '1'], ['B', '1'], ['F(x)', 'x+1']]);
    assert.equal(parseDefines(42), undefined);
  });

  it('reads the build fields of the x64emu configuration in a launch.json with comments and trailing commas', () => {
    const launch = `{
      // the debugger's configuration
      "version": "0.2.0",
      "configurations": [
        { "type": "node", "includePaths": ["wrong"] },
        { "type": "x64emu", "request": "launch", /* kernel */ "includePaths": ["\${workspaceFolder}/include", "arch/x86/include",], "defines": ["NO_PTI"], },
      ],
    }`;
    assert.match(stripJsonComments('{"a": "http://x//y", /* c */ "b": 1,}'), /"http:\/\/x\/\/y"/);
    const s = launchBuildSettings(launch);
    assert.deepEqual(s, { includePaths: ['${workspaceFolder}/include', 'arch/x86/include'], defines: ['NO_PTI'] });
    assert.deepEqual(unitOptions('/ws', undefined, s), { includePaths: ['/ws/include', '/ws/arch/x86/include'], defines: [['NO_PTI', '1']] });
    assert.equal(launchBuildSettings('{ not json'), undefined);
  });

  it('lets settings win over launch.json field by field', () => {
    const o = unitOptions('/ws', { includePaths: ['inc'] }, { includePaths: ['other'], defines: { X: '2' } });
    assert.deepEqual(o, { includePaths: ['/ws/inc'], defines: [['X', '2']] });
  });
});
