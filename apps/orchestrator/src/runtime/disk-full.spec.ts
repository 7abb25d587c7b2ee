import { describe, expect, it } from 'vitest';
import { isDiskFull, writeWhenSpace } from './disk-full';

const fullError = (code: string) => Object.assign(new Error(`${code}: no space left on device`), { code });

describe('writes on a full disk', () => {
  it('recognises a full disk from fs and from SQLite, and nothing else', () => {
    expect(isDiskFull(fullError('ENOSPC'))).toBe(true);
    expect(isDiskFull(fullError('SQLITE_FULL'))).toBe(true);
    expect(isDiskFull(fullError('EACCES'))).toBe(false);
    expect(isDiskFull(new Error('plain'))).toBe(false);
  });

  it('waits for space, says so once, and says when it cleared', async () => {
    const events: string[] = [];
    let attempts = 0;
    const result = await writeWhenSpace(
      async () => {
        attempts += 1;
        if (attempts < 4) throw fullError('ENOSPC');
        return 'stored';
      },
      { full: (e) => events.push(`full: ${e.message}`), cleared: () => events.push('cleared') },
      1,
    );
    expect(result).toBe('stored');
    expect(attempts).toBe(4);
    expect(events).toEqual(['full: ENOSPC: no space left on device', 'cleared']);
  });

  it('throws any other error at once', async () => {
    let attempts = 0;
    const failing = writeWhenSpace(async () => {
      attempts += 1;
      throw fullError('EACCES');
    }, { full: () => undefined, cleared: () => undefined }, 1);
    await expect(failing).rejects.toThrow(/EACCES/);
    expect(attempts).toBe(1);
  });
});
