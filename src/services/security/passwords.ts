import { randomInt } from 'node:crypto';

const ADJECTIVES = ['quick', 'lazy', 'happy', 'clever', 'brave', 'calm', 'wise', 'bold', 'bright', 'cool', 'fair', 'fine',
  'free', 'kind', 'neat', 'pure', 'rare', 'real', 'rich', 'safe', 'soft', 'tall', 'warm', 'wild', 'blue', 'dark', 'deep',
  'easy', 'even', 'fast', 'good', 'high'];
const NOUNS = ['fox', 'cat', 'dog', 'owl', 'lion', 'bear', 'wolf', 'tiger', 'eagle', 'hawk', 'raven', 'crane', 'swan', 'dove',
  'crow', 'lark', 'river', 'mountain', 'ocean', 'forest', 'meadow', 'valley', 'peak', 'lake', 'star', 'moon', 'sun', 'cloud',
  'wind', 'rain', 'snow', 'storm'];

// Letters and digits only: safe in every engine's config syntax, shell-free env, JDBC and URIs,
// and still 190 bits for 32 characters. MSSQL's complexity rule (3 of 4 classes) is met by the
// guaranteed upper, lower and digit; a leading letter keeps Oracle's unquoted-password rule.
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALPHABET = LOWER + UPPER + DIGITS;

const pick = (chars: string) => chars[randomInt(chars.length)]!;

const pickWord = (list: string[]) => list[randomInt(list.length)]!;

/** `<adjective>_<noun>_<0..999>`, drawn with a CSPRNG; a valid identifier in every engine. */
export function generateUsername(): string {
  return `${pickWord(ADJECTIVES)}_${pickWord(NOUNS)}_${randomInt(1000)}`;
}

export function generatePassword(length = 32): string {
  if (length < 12) throw new Error('password length must be at least 12');
  for (;;) {
    const chars = [pick(LOWER + UPPER), ...Array.from({ length: length - 1 }, () => pick(ALPHABET))];
    const s = chars.join('');
    if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s)) return s;
  }
}
