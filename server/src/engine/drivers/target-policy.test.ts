import { guardedLookup, OPEN_POLICY, parseAllowedTargets, refuseAddress, refuseUrl } from './target-policy';

describe('where WEBHOOK requests may go', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://2852039166/',
    'http://0xA9FEA9FE/',
    'http://0251.0376.0251.0376/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
    'http://[ff02::1]/',
    'http://0.0.0.0:8080/',
    'http://[::]/',
    'http://255.255.255.255/',
  ])('always refuses %s (link-local, multicast, broadcast or unspecified, in any spelling)', (url) => {
    expect(refuseUrl(OPEN_POLICY, url)).toMatch(/never allowed/);
  });

  it.each(['http://127.0.0.1:8080/deploy', 'https://10.1.2.3/', 'https://orchestrator.internal/hook', 'http://[::1]:9000/'])(
    'allows %s when no allow-list is set: orchestrators on private networks are the normal case',
    (url) => {
      expect(refuseUrl(OPEN_POLICY, url)).toBeNull();
    },
  );

  it('refuses other schemes', () => {
    expect(refuseUrl(OPEN_POLICY, 'file:///etc/passwd')).toMatch(/http/);
    expect(refuseUrl(OPEN_POLICY, 'gopher://10.0.0.1/')).toMatch(/http/);
  });

  it('with an allow-list, admits only its hosts and ranges', () => {
    const policy = parseAllowedTargets('deploy.example.com, *.ci.example.com, 10.0.0.0/8, 192.168.1.7');
    expect(refuseUrl(policy, 'https://deploy.example.com/x')).toBeNull();
    expect(refuseUrl(policy, 'https://a.ci.example.com/x')).toBeNull();
    expect(refuseUrl(policy, 'http://10.20.30.40/')).toBeNull();
    expect(refuseUrl(policy, 'http://192.168.1.7/')).toBeNull();
    expect(refuseUrl(policy, 'http://192.168.1.8/')).toMatch(/ALLOWED_HOSTS/);
    expect(refuseUrl(policy, 'http://127.0.0.1/')).toMatch(/ALLOWED_HOSTS/);
    // A name not listed may still resolve into an allowed range: that is decided where the connection is made.
    expect(refuseUrl(policy, 'https://other.example.com/')).toBeNull();
    expect(refuseAddress(policy, '127.0.0.1', 'other.example.com')).toMatch(/ALLOWED_HOSTS/);
    expect(refuseAddress(policy, '10.9.9.9', 'other.example.com')).toBeNull();
    // Link-local stays refused even when listed.
    expect(refuseUrl(parseAllowedTargets('169.254.0.0/16'), 'http://169.254.169.254/')).toMatch(/never allowed/);
  });

  it('with only host names allowed, refuses any other name before sending', () => {
    const policy = parseAllowedTargets('deploy.example.com');
    expect(refuseUrl(policy, 'https://evil.example.net/')).toMatch(/ALLOWED_HOSTS/);
  });

  it('refuses an allow-list entry it cannot read', () => {
    expect(() => parseAllowedTargets('10.0.0.0/99')).toThrow(/address range/);
    expect(() => parseAllowedTargets('not a host')).toThrow(/neither/);
  });

  it('refuses a connection whose name resolves outside the allow-list', async () => {
    const lookup = guardedLookup(parseAllowedTargets('10.0.0.0/8'));
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => lookup('localhost', {}, (e) => resolve(e)));
    expect(error?.code).toBe('ETARGETREFUSED');
    const open = guardedLookup(OPEN_POLICY);
    const address = await new Promise<unknown>((resolve, reject) =>
      open('localhost', {}, (e, a) => (e ? reject(e) : resolve(a))),
    );
    expect(typeof address).toBe('string');
  });
});
