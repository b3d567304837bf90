import { isLoopback } from './demo.controller.js';

describe('demo sign-in answers loopback clients only (issue 14 A.17)', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.5', false],
    ['192.168.1.20', false],
    ['::ffff:192.168.1.20', false],
    ['fe80::1', false],
    ['2001:db8::1', false],
    ['128.0.0.1', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (address, loopback) => expect(isLoopback(address)).toBe(loopback));
});
