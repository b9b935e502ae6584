//! Words as the lexicon matches them: where a word starts and ends (letters, digits and decoded
//! entities of any script), accent folding, and the bit sets of form openings that let the matcher skip
//! words no form can start.

/// Bit sets of the openings of forms: the first four bytes of forms of four bytes or more, hashed to 17
/// bits (16 KiB), and the first two bytes of the shorter forms (8 KiB; forms are at least two bytes long).
/// Measured on the bench page, a third set for three-byte forms costs more than the walks it spares.
#[derive(Clone)]
pub(super) struct Openings {
    four: [u64; 2048],
    two: [u64; 1024],
}

impl Default for Openings {
    fn default() -> Self {
        Openings {
            four: [0; 2048],
            two: [0; 1024],
        }
    }
}

impl std::fmt::Debug for Openings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Openings")
    }
}

fn bit(set: &[u64], key: usize) -> bool {
    set[key / 64] & (1 << (key % 64)) != 0
}

fn set_bit(set: &mut [u64], key: usize) {
    set[key / 64] |= 1 << (key % 64);
}

impl Openings {
    fn four_key(four: [u8; 4]) -> usize {
        (u32::from_le_bytes(four).wrapping_mul(0x9E37_79B1) >> 15) as usize
    }

    fn two_key(a: u8, b: u8) -> usize {
        usize::from(u16::from_le_bytes([a, b]))
    }

    pub(super) fn add(&mut self, form: &[u8]) {
        match *form {
            [a, b, c, d, ..] => set_bit(&mut self.four, Self::four_key([a, b, c, d])),
            [a, b, ..] => set_bit(&mut self.two, Self::two_key(a, b)),
            _ => {}
        }
    }

    /// Whether a form may start `text` (a false yes costs a walk, never a term).
    pub(super) fn may_open(&self, text: &[u8]) -> bool {
        text.first_chunk::<2>()
            .is_some_and(|&[a, b]| bit(&self.two, Self::two_key(a, b)))
            || text
                .first_chunk::<4>()
                .is_some_and(|four| bit(&self.four, Self::four_key(*four)))
    }
}

/// How a byte reads in [`words`]: part of a word (ASCII letter or digit), not (other ASCII), or the start or
/// continuation of a non-ASCII character, which is decoded.
const fn byte_kinds() -> [u8; 256] {
    let mut kinds = [NOT_WORD; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        kinds[b] = if byte >= 0x80 {
            DECODE
        } else if byte.is_ascii_alphanumeric() {
            WORD
        } else {
            NOT_WORD
        };
        b += 1;
    }
    kinds
}
const NOT_WORD: u8 = 0;
const WORD: u8 = 1;
const DECODE: u8 = 2;
static BYTE_KINDS: [u8; 256] = byte_kinds();

/// The character at `at` (which is not ASCII): whether it is part of a word, and its length in bytes.
fn decoded_word_char(text: &str, at: usize) -> (bool, usize) {
    text[at..]
        .chars()
        .next()
        .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8()))
}

/// The words of a text as byte ranges: runs of letters and digits.
pub(super) fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        // To the next word.
        while at < bytes.len() {
            match BYTE_KINDS[bytes[at] as usize] {
                WORD => break,
                NOT_WORD => at += 1,
                _ => match decoded_word_char(text, at) {
                    (true, _) => break,
                    (false, step) => at += step,
                },
            }
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        // To its end.
        while at < bytes.len() {
            match BYTE_KINDS[bytes[at] as usize] {
                WORD => at += 1,
                NOT_WORD => break,
                _ => match decoded_word_char(text, at) {
                    (true, step) => at += step,
                    (false, _) => break,
                },
            }
        }
        Some((start, at))
    })
}

/// Text with the accents of the four lexicon languages taken off (`diëtist` → `dietist`), as host names
/// write words.
pub fn fold_accents(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

/// German umlauts and `ß` as ASCII writes them (`künstliche` → `kuenstliche`, `fuß` → `fuss`).
pub(super) fn transliterate_umlauts(text: &str) -> String {
    text.replace('ä', "ae")
        .replace('ö', "oe")
        .replace('ü', "ue")
        .replace('ß', "ss")
}

/// The spellings a lexicon phrase is also written in, itself included: without its accents, with umlauts
/// as `ae`/`oe`/`ue`, and with spaces for its hyphens, as URL words always are (`/gastro-enterologie/`,
/// `/kuenstliche-befruchtung/`).
pub(super) fn spellings(phrase: &str) -> std::collections::BTreeSet<String> {
    let spaced = phrase.replace('-', " ");
    [phrase.to_string(), spaced]
        .into_iter()
        .flat_map(|p| {
            [
                fold_accents(&p),
                fold_accents(&transliterate_umlauts(&p)),
                p,
            ]
        })
        .collect()
}

/// Whether the character just before (`before = true`) or at `at` is part of a word.
pub(super) fn is_word_byte(text: &str, at: usize, before: bool) -> bool {
    let c = if before {
        text[..at].chars().next_back()
    } else {
        text[at..].chars().next()
    };
    c.is_some_and(|c| c.is_alphanumeric())
}

pub(super) fn word_end(text: &str, from: usize) -> usize {
    text[from..]
        .find(|c: char| !c.is_alphanumeric() && c != '-')
        .map(|n| from + n)
        .unwrap_or(text.len())
}

pub(super) fn word_start(text: &str, from: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphanumeric())
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0)
}
