import { keepRedactedSecrets, redactDriverConfig, REDACTED } from './driver-config';

const stored = {
  url: 'https://ci-bot:hunter2-password@orchestrator.example/deploy?token=abc123&team=ops',
  secret: 'signing-secret-0123456789',
  headers: { Authorization: 'Bearer very-secret', 'X-Api-Key': 'key-42', 'X-Team': 'ops' },
  options: { nested: { apiKey: 'inner-key', region: 'eu' } },
  maxAttempts: 3,
};

describe('driver settings', () => {
  it('reads back no secret: header values, URL credentials and secret query values, secret keys at any depth', () => {
    const redacted = redactDriverConfig(stored);
    const text = JSON.stringify(redacted);
    for (const secret of ['hunter2-password', 'ci-bot', 'abc123', 'signing-secret', 'very-secret', 'key-42', 'inner-key']) {
      expect(text).not.toContain(secret);
    }
    expect(redacted).toEqual({
      url: `https://${REDACTED}:${REDACTED}@orchestrator.example/deploy?token=${REDACTED}&team=ops`,
      secret: REDACTED,
      headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED, 'X-Team': REDACTED },
      options: { nested: { apiKey: REDACTED, region: 'eu' } },
      maxAttempts: 3,
    });
  });

  it('keeps every stored secret when the settings read back are sent again with a change', () => {
    const edited: Record<string, any> = { ...redactDriverConfig(stored), maxAttempts: 5 };
    edited.headers = { ...edited.headers, 'X-Team': 'platform' };
    expect(keepRedactedSecrets(edited, stored)).toEqual({
      ...stored,
      maxAttempts: 5,
      headers: { ...stored.headers, 'X-Team': 'platform' },
    });
  });

  it('takes a new secret when one is sent', () => {
    const edited = { ...redactDriverConfig(stored), secret: 'a-new-signing-secret-0123' };
    expect((keepRedactedSecrets(edited, stored) as Record<string, unknown>).secret).toBe('a-new-signing-secret-0123');
  });
});
