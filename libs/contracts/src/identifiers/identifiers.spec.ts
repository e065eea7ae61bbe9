import fc from 'fast-check';
import { isValidSiret, isValidUai, completeSiret, completeUai } from './identifiers';

describe('UAI', () => {
  it.each(['0381758E', '0261265J'])('accepts the real code %s', (code) => {
    expect(isValidUai(code)).toBe(true);
  });

  it.each(['0381758F', '038175E', '0381758e', '03817580', '', 381758])('rejects %p', (code) => {
    expect(isValidUai(code)).toBe(false);
  });

  it('accepts exactly one check letter for any 7 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{7}$/), (digits) => {
        const valid = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((letter) =>
          isValidUai(digits + letter),
        );
        expect(valid).toHaveLength(1);
        expect(valid[0]).not.toMatch(/[IOQ]/);
      }),
    );
  });
});

describe('SIRET', () => {
  it.each(['73282932000074', '35600000009075'])('accepts %s', (siret) => {
    expect(isValidSiret(siret)).toBe(true);
  });

  it.each(['73282932000075', '35600000009076', '7328293200007', 'ABCDEFGHIJKLMN'])(
    'rejects %s',
    (siret) => {
      expect(isValidSiret(siret)).toBe(false);
    },
  );

  it('detects any single changed digit outside La Poste', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{13}$/),
        fc.nat(13),
        fc.integer({ min: 1, max: 9 }),
        (body, position, delta) => {
          fc.pre(!body.startsWith('356000000'));
          const valid = [...'0123456789'].map((d) => body + d).find(isValidSiret)!;
          const changed =
            valid.slice(0, position) +
            ((Number(valid[position]) + delta) % 10) +
            valid.slice(position + 1);
          fc.pre(!changed.startsWith('356000000'));
          expect(isValidSiret(changed)).toBe(false);
        },
      ),
    );
  });

  it('completes 7 digits into a valid UAI and 13 into a valid SIRET', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{7}$/), (digits) => isValidUai(completeUai(digits))),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\d{13}$/), (digits) => {
        fc.pre(!digits.startsWith('356000000'));
        return isValidSiret(completeSiret(digits));
      }),
    );
    expect(completeUai('0381758')).toBe('0381758E');
  });
});
