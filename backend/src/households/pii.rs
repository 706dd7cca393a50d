//! Personal data at rest (docs/domain/privacy.md#storage): ID numbers are kept as a keyed hash
//! (HMAC-SHA256) for matching and deduplication, a masked form for display, and the full value
//! encrypted (AES-256-GCM) for the one place that needs it, the 一卡通 payment file. Bank
//! accounts are kept masked and encrypted the same way. Keys come from configuration
//! (`JIUZAI_ID_HASH_KEY`, `JIUZAI_ID_ENCRYPTION_KEY`); the built-in ones are for development.

use std::sync::Once;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::{DEV_ENCRYPTION_KEY, DEV_HASH_KEY, Settings};

/// Ciphertexts carry a version prefix so keys or algorithms can be rotated later.
const PREFIX: &str = "v1:";

static WARNED: Once = Once::new();

/// Logs, once per process, a loud warning when a development key is in use.
pub fn warn_if_default_keys(settings: &Settings) {
    if settings.id_hash_key == DEV_HASH_KEY || settings.id_encryption_key == DEV_ENCRYPTION_KEY {
        WARNED.call_once(|| {
            tracing::warn!(
                "DEVELOPMENT KEYS FOR PERSONAL DATA ARE ACTIVE: set JIUZAI_ID_HASH_KEY and JIUZAI_ID_ENCRYPTION_KEY \
                 (32 random bytes as 64 hex digits) before storing real households. ID numbers and bank accounts \
                 stored under the development keys are not protected."
            );
        });
    }
}

/// The keys, ready to use.
#[derive(Clone)]
pub struct Pii {
    hash_key: Vec<u8>,
    cipher: Aes256Gcm,
}

#[derive(Debug, thiserror::Error)]
#[error("a stored personal value could not be decrypted (wrong JIUZAI_ID_ENCRYPTION_KEY?)")]
pub struct DecryptError;

impl Pii {
    pub fn new(hash_key: &str, encryption_key: &str) -> Self {
        let key: [u8; 32] = match hex::decode(encryption_key.trim()) {
            Ok(bytes) if bytes.len() == 32 => bytes.try_into().expect("32 bytes"),
            _ => Sha256::digest(encryption_key.as_bytes()).into(),
        };
        Self { hash_key: hash_key.as_bytes().to_vec(), cipher: Aes256Gcm::new_from_slice(&key).expect("32-byte key") }
    }

    pub fn from_settings(settings: &Settings) -> Self {
        warn_if_default_keys(settings);
        Self::new(&settings.id_hash_key, &settings.id_encryption_key)
    }

    /// The keyed hash of a normalized ID number (hex), for matching and the UNIQUE constraint.
    pub fn id_hash(&self, normalized_id: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.hash_key).expect("HMAC takes any key length");
        mac.update(normalized_id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A keyed hash of a bank account (digits only), truncated to 128 bits: what the
    /// cross-programme checks compare, since the stored accounts are encrypted with fresh nonces.
    /// Domain-separated from the ID numbers' hash, so the two never match each other.
    pub fn bank_key(&self, account: &str) -> [u8; 16] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.hash_key).expect("HMAC takes any key length");
        mac.update(b"bank:");
        for c in account.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let mut buf = [0u8; 4];
            mac.update(c.encode_utf8(&mut buf).as_bytes());
        }
        let digest = mac.finalize().into_bytes();
        digest[..16].try_into().expect("32 bytes")
    }

    /// `v1:` + base64(nonce ‖ ciphertext ‖ tag), with a fresh random 96-bit nonce.
    pub fn encrypt(&self, plaintext: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self.cipher.encrypt(&Nonce::from(nonce), plaintext.as_bytes()).expect("AES-GCM encryption");
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        format!("{PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, DecryptError> {
        let encoded = stored.strip_prefix(PREFIX).ok_or(DecryptError)?;
        let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|_| DecryptError)?;
        if bytes.len() < 12 + 16 {
            return Err(DecryptError);
        }
        let (nonce, sealed) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| DecryptError)?;
        let plain = self.cipher.decrypt(&Nonce::from(nonce), sealed).map_err(|_| DecryptError)?;
        String::from_utf8(plain).map_err(|_| DecryptError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_keyed_and_stable() {
        let a = Pii::new("key one", DEV_ENCRYPTION_KEY);
        let b = Pii::new("key two", DEV_ENCRYPTION_KEY);
        let id = "11010519491231002X";
        assert_eq!(a.id_hash(id), a.id_hash(id));
        assert_eq!(a.id_hash(id).len(), 64);
        assert_ne!(a.id_hash(id), b.id_hash(id), "another key, another hash");
        assert!(!a.id_hash(id).contains("1101"));
    }

    #[test]
    fn bank_keys_ignore_spacing_and_differ_from_id_hashes() {
        let pii = Pii::new(DEV_HASH_KEY, DEV_ENCRYPTION_KEY);
        assert_eq!(pii.bank_key("6217 0000 1234 5678"), pii.bank_key("6217000012345678"));
        assert_ne!(pii.bank_key("6217000012345678"), pii.bank_key("6217000012345679"));
        assert_ne!(hex::encode(pii.bank_key("6217000012345678")), pii.id_hash("6217000012345678")[..32]);
    }

    #[test]
    fn encryption_round_trips_and_hides_the_value() {
        let pii = Pii::new(DEV_HASH_KEY, DEV_ENCRYPTION_KEY);
        let id = "11010519491231002X";
        let one = pii.encrypt(id);
        let two = pii.encrypt(id);
        assert_ne!(one, two, "a fresh nonce each time");
        assert!(!one.contains(id) && one.starts_with("v1:"));
        assert_eq!(pii.decrypt(&one).unwrap(), id);
        assert_eq!(pii.decrypt(&two).unwrap(), id);
        let other = Pii::new(DEV_HASH_KEY, "another key");
        assert!(other.decrypt(&one).is_err(), "the wrong key fails loudly");
        assert!(pii.decrypt("v1:AAAA").is_err());
        assert!(pii.decrypt(id).is_err());
    }
}
