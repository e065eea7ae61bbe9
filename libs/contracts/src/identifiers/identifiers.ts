/**
 * French identifiers (DOMAIN.md, "Identifiers"). Pure checks, shared by HTTP DTOs and events.
 */

const UAI_CHECK_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ'; // the alphabet without I, O and Q

/** UAI (school): 7 digits and a check letter = letters[first 7 digits mod 23]. */
export function isValidUai(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{7}[A-Z]$/.test(value)) return false;
  return UAI_CHECK_LETTERS[Number(value.slice(0, 7)) % 23] === value[7];
}

/** The UAI of these 7 digits, with its check letter (test and demo data). */
export function completeUai(digits: string): string {
  if (!/^\d{7}$/.test(digits)) throw new Error(`A UAI starts with 7 digits, not "${digits}"`);
  return digits + UAI_CHECK_LETTERS[Number(digits) % 23];
}

const LA_POSTE_SIREN = '356000000';

/** SIRET (company site): 14 digits passing Luhn; La Poste's sites use a digit sum divisible by 5. */
export function isValidSiret(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{14}$/.test(value)) return false;
  if (value.startsWith(LA_POSTE_SIREN)) {
    const digitSum = [...value].reduce((sum, digit) => sum + Number(digit), 0);
    return digitSum % 5 === 0;
  }
  return luhnSum(value) % 10 === 0;
}

/** The SIRET of these 13 digits, with the Luhn check digit (test and demo data; not La Poste's). */
export function completeSiret(digits: string): string {
  if (!/^\d{13}$/.test(digits)) throw new Error(`A SIRET starts with 13 digits, not "${digits}"`);
  const check = (10 - (luhnSum(`${digits}0`) % 10)) % 10;
  return `${digits}${check}`;
}

function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum;
}
