//! Decimal digits written straight into the chunk, for the records loop
//! (`fast.rs`): whole numbers as `itoa` writes them and fixed-point
//! decimals as `write::write_scaled` does, without `itoa`'s buffer and the
//! copy out of it (a store-forwarding stall a number, in perf), and with
//! the common numbers of digits divided by constants.

use crate::language::out::Out;

/// "00" to "99", so two digits are one lookup.
pub(super) static PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        pairs[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    pairs
};

/// Decimal digits of `value`: 1 for 0.
#[inline(always)]
fn digit_count(value: u64) -> usize {
    value.checked_ilog10().map_or(1, |log| log as usize + 1)
}

/// Fills `slot` with the last `slot.len()` decimal digits of `value`,
/// zeros ahead: two digits a step, from the right.
#[inline(always)]
fn fill_digits(slot: &mut [u8], mut value: u64) {
    let mut at = slot.len();
    while at >= 2 {
        at -= 2;
        slot[at..at + 2].copy_from_slice(&PAIRS[(value % 100) as usize]);
        value /= 100;
    }
    if at == 1 {
        slot[0] = b'0' + (value % 10) as u8;
    }
}

/// `value` in decimal, as `itoa` writes it.
#[inline(always)]
pub(super) fn put_u64(out: &mut Out, value: u64) -> Option<()> {
    // One and two digits (a line number, a quantity, a decimal's whole
    // part) are a byte or a pair: eight digits' work was half an
    // `{int:1..50}` column.
    if value < 10 {
        return out.byte(b'0' + value as u8);
    }
    if value < 100 {
        return out.put(&PAIRS[value as usize]);
    }
    if value < 100_000_000
        && let Some(window) = out.window::<8>()
    {
        let len = put_eight(window, value as u32);
        out.advance(len);
        return Some(());
    }
    fill_digits(out.reserve(digit_count(value))?, value);
    Some(())
}

/// Writes `value` (under 10^8) at the start of `window` as its eight
/// digits shifted past its leading zeros, and returns how many are its
/// own: four pair lookups and one store, with no count of digits first.
#[inline(always)]
fn put_eight(window: &mut [u8; 8], value: u32) -> usize {
    let (high, low) = (value / 10_000, value % 10_000);
    let pair = |n: u32| u64::from(u16::from_le_bytes(PAIRS[n as usize]));
    let digits =
        pair(high / 100) | pair(high % 100) << 16 | pair(low / 100) << 32 | pair(low % 100) << 48;
    // Little-endian: the leading digits are the low bytes; a leading zero
    // is a zero byte once b'0' is taken from each.
    let leading_zeros = ((digits - 0x3030_3030_3030_3030).trailing_zeros() / 8).min(7);
    *window = (digits >> (8 * leading_zeros)).to_le_bytes();
    8 - leading_zeros as usize
}

#[inline(always)]
pub(super) fn put_i64(out: &mut Out, value: i64) -> Option<()> {
    if value < 0 {
        out.byte(b'-')?;
    }
    put_u64(out, value.unsigned_abs())
}

/// `value` × 10^-digits, as `write::write_scaled` writes it: a sign, the
/// whole part (0 under 1), a point and exactly `digits` decimals. The
/// common digit counts get a division by a constant (a multiply).
#[inline(always)]
pub(super) fn put_scaled(out: &mut Out, value: i64, digits: u32) -> Option<()> {
    match digits {
        0 => put_i64(out, value),
        1 => put_decimal::<1>(out, value),
        2 => put_decimal::<2>(out, value),
        3 => put_decimal::<3>(out, value),
        4 => put_decimal::<4>(out, value),
        _ => put_decimal_any(out, value, digits),
    }
}

/// The whole part as [`put_u64`] writes a number (no count of its digits
/// first), then the point and the `DIGITS` decimals, unrolled.
#[inline(always)]
fn put_decimal<const DIGITS: u32>(out: &mut Out, value: i64) -> Option<()> {
    let magnitude = value.unsigned_abs();
    let pow = 10u64.pow(DIGITS);
    if value < 0 {
        out.byte(b'-')?;
    }
    put_u64(out, magnitude / pow)?;
    let slot = out.reserve(1 + DIGITS as usize)?;
    slot[0] = b'.';
    fill_digits(&mut slot[1..], magnitude % pow);
    Some(())
}

#[inline(never)]
fn put_decimal_any(out: &mut Out, value: i64, digits: u32) -> Option<()> {
    let magnitude = value.unsigned_abs();
    // DIGITS is 9 at most (parsing refuses more): 10^9 fits with room.
    let pow = 10u64.pow(digits.min(19));
    write_decimal(
        out,
        value < 0,
        magnitude / pow,
        magnitude % pow,
        digits as usize,
    )
}

#[inline(always)]
fn write_decimal(
    out: &mut Out,
    negative: bool,
    whole: u64,
    fraction: u64,
    digits: usize,
) -> Option<()> {
    let sign = usize::from(negative);
    let whole_digits = digit_count(whole);
    let slot = out.reserve(sign + whole_digits + 1 + digits)?;
    if negative {
        slot[0] = b'-';
    }
    let (whole_slot, rest) = slot[sign..].split_at_mut(whole_digits);
    fill_digits(whole_slot, whole);
    rest[0] = b'.';
    fill_digits(&mut rest[1..], fraction);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(write: impl FnOnce(&mut Out) -> Option<()>) -> String {
        let mut buf = [0u8; 64];
        let mut out = Out::new(&mut buf);
        write(&mut out).unwrap();
        let len = out.len;
        String::from_utf8(buf[..len].to_vec()).unwrap()
    }

    #[test]
    fn whole_numbers_are_written_as_itoa_does() {
        let mut values = vec![0, 1, -1, 9, 10, 99, 100, 101, i64::MIN, i64::MAX];
        values.extend((0..19).flat_map(|p| {
            let ten = 10i64.pow(p);
            [ten - 1, ten, ten + 1, -ten]
        }));
        for value in values {
            assert_eq!(
                written(|out| put_i64(out, value)),
                itoa::Buffer::new().format(value)
            );
        }
        assert_eq!(written(|out| put_u64(out, u64::MAX)), u64::MAX.to_string());
    }

    #[test]
    fn decimals_are_written_as_before() {
        for digits in 0..=9 {
            for value in [
                0,
                1,
                -1,
                5,
                -5,
                99,
                100,
                12_345,
                -12_345,
                999_999_999,
                i64::MAX,
                i64::MIN,
            ] {
                let mut buf = [0u8; 64];
                let mut out = Out::new(&mut buf);
                super::super::write::write_scaled(value, digits, &mut out).unwrap();
                let len = out.len;
                let expected = String::from_utf8(buf[..len].to_vec()).unwrap();
                assert_eq!(
                    written(|out| put_scaled(out, value, digits)),
                    expected,
                    "{value} with {digits} digits"
                );
            }
        }
    }

    #[test]
    fn a_number_that_does_not_fit_is_refused() {
        let mut buf = [0u8; 4];
        let mut out = Out::new(&mut buf);
        assert_eq!(put_scaled(&mut out, 12_345, 2), None);
        // A refusal abandons the whole record, so what it wrote before
        // running out of room does not count: start again.
        out.len = 0;
        assert_eq!(put_u64(&mut out, 12_345), None);
        assert_eq!(put_u64(&mut out, 1_234), Some(()));
    }
}
