//! GrowthBook's encrypted payloads (`encryptedFeatures`, `encryptedSavedGroups`): as its SDKs'
//! `decrypt` reads them — `"<iv>.<cipher text>"`, each in base64 as `atob` reads it, AES-CBC
//! under the SDK connection's key (base64 of 16, 24 or 32 bytes, as WebCrypto's `importKey`
//! takes it), PKCS #7 padding, the plain text UTF-8 with invalid bytes replaced, as
//! `TextDecoder` does.

use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
use alloc::string::String;
use alloc::vec::Vec;

/// Why a payload does not decrypt (the SDK throws "Failed to decrypt" for each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The key is not base64 of 16, 24 or 32 bytes.
    Key,
    /// No `.` between the initialization vector and the cipher text, or either not base64.
    Format,
    /// An initialization vector of other than 16 bytes.
    Iv,
    /// The cipher text does not decrypt with this key (its padding is wrong).
    Cipher,
}

impl Failure {
    /// What went wrong, for messages.
    pub fn message(self) -> &'static str {
        match self {
            Failure::Key => "the decryption key is not base64 of a 128-, 192- or 256-bit key",
            Failure::Format => "not \"<iv>.<cipher text>\" in base64",
            Failure::Iv => "an initialization vector of other than 16 bytes",
            Failure::Cipher => "it does not decrypt with this key",
        }
    }
}

/// The plain text of `encrypted` under `key`.
pub fn decrypt(encrypted: &str, key: &str) -> Result<String, Failure> {
    let key = forgiving_base64(key).ok_or(Failure::Key)?;
    // `split(".")` then its first two parts: more dots are ignored, none leaves no cipher text.
    let mut parts = encrypted.split('.');
    let (Some(iv), Some(text)) = (parts.next(), parts.next()) else { return Err(Failure::Format) };
    let iv = forgiving_base64(iv).ok_or(Failure::Format)?;
    let text = forgiving_base64(text).ok_or(Failure::Format)?;
    if iv.len() != 16 {
        return Err(Failure::Iv);
    }
    let plain = match key.len() {
        16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(&key, &iv)
            .map_err(|_| Failure::Key)?
            .decrypt_padded_vec_mut::<Pkcs7>(&text),
        24 => cbc::Decryptor::<aes::Aes192>::new_from_slices(&key, &iv)
            .map_err(|_| Failure::Key)?
            .decrypt_padded_vec_mut::<Pkcs7>(&text),
        32 => cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, &iv)
            .map_err(|_| Failure::Key)?
            .decrypt_padded_vec_mut::<Pkcs7>(&text),
        _ => return Err(Failure::Key),
    }
    .map_err(|_| Failure::Cipher)?;
    Ok(String::from_utf8_lossy(&plain).into_owned())
}

/// WHATWG's forgiving-base64 decode (`atob`): ASCII white space dropped; with a length that is a
/// multiple of four, one or two final `=` dropped; then a length of 1 modulo 4, or any character
/// outside the alphabet, fails; leftover bits are ignored.
fn forgiving_base64(text: &str) -> Option<Vec<u8>> {
    let mut data: Vec<u8> = text.bytes().filter(|b| !matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')).collect();
    if data.len() % 4 == 0 {
        for _ in 0..2 {
            if data.last() == Some(&b'=') {
                data.pop();
            }
        }
    }
    if data.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for b in data {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::forgiving_base64;

    #[test]
    fn atob_reads_so() {
        assert_eq!(forgiving_base64("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(forgiving_base64("aGk").as_deref(), Some(&b"hi"[..]));
        assert_eq!(forgiving_base64(" aG\nk= ").as_deref(), Some(&b"hi"[..]));
        assert_eq!(forgiving_base64("").as_deref(), Some(&b""[..]));
        assert_eq!(forgiving_base64("a"), None);
        assert_eq!(forgiving_base64("aGk=="), None, "'=' only at a multiple of four");
        assert_eq!(forgiving_base64("a=Gk"), None);
        assert_eq!(forgiving_base64("aG-k"), None);
    }
}
